using AfterSales.Domain.Geo;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Network;

/// <summary>
/// A geo cell of the nearby index or a province roll-up. Stations push their summary after every change (awaited);
/// the group keeps the newest version per station and its totals incrementally, so a query never scans more than
/// the group's own members and a roll-up answer costs the same for 10 or 10,000 stations. A province pushes its
/// totals on to the national grain. Summaries live in memory: an activation asks its members again, and a push never
/// waits for those answers (see <see cref="MemberAnswers"/>); queries and the totals pushed on do.
/// </summary>
[ProvinceHomedPlacement(keyPrefix: GroupKeys.ProvincePrefix)]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class StationGroupGrain(
    [PersistentState("stationGroup", GrainStorage.Name)] IPersistentState<StationGroupState> state,
    ILogger<StationGroupGrain> logger) : Grain, IStationGroupGrain
{
    private readonly Dictionary<string, StationSummary> _summaries = new(StringComparer.Ordinal);

    /// <summary>Members that did not answer in time: asked again until they answer or push.</summary>
    private readonly HashSet<string> _unanswered = new(StringComparer.Ordinal);
    private StationTotals _totals = StationTotals.Zero;
    private long _sequence;
    private bool _epochStarted;

    /// <summary>The members' answers to this activation: queries and the totals pushed on wait for them.</summary>
    private Task _answers = Task.CompletedTask;

    /// <summary>The latest round of asking again the members that had not answered (nothing waits for it).</summary>
    private Task _lateAnswers = Task.CompletedTask;

    /// <summary>A change came while answers were outstanding: the totals go on once they are in.</summary>
    private bool _pushOwed;
    private IGrainTimer? _askAgain;

    private string Key => this.GetPrimaryKeyString();

    private bool IsProvince => Key.StartsWith(GroupKeys.ProvincePrefix, StringComparison.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A province that has members starts a new epoch so its pushes outrank those of earlier activations; an
        // empty one (say, a query for a province with no stations) writes nothing until its first push.
        if (IsProvince && !state.State.Members.IsEmpty)
        {
            await StartEpochAsync();
        }

        // Not awaited: the push that activated this group may come from a member that cannot answer until it returns.
        AskMembers(state.State.Members);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task UpsertAsync(StationSummary summary)
    {
        if (_summaries.GetValueOrDefault(summary.Code) is { } held && held.Version >= summary.Version)
        {
            return;
        }

        if (!state.State.Members.Contains(summary.Code))
        {
            await WriteAsync(state.State with { Members = state.State.Members.Add(summary.Code) });
        }

        _unanswered.Remove(summary.Code);
        Apply(summary);
        await PushTotalsOrOweAsync();
    }

    public async Task RemoveAsync(string code, long version)
    {
        if (_summaries.GetValueOrDefault(code) is { } held && held.Version > version)
        {
            return;
        }

        if (state.State.Members.Contains(code))
        {
            await WriteAsync(state.State with { Members = state.State.Members.Remove(code) });
        }

        _unanswered.Remove(code);
        if (_summaries.Remove(code, out var removed))
        {
            _totals = _totals.Minus(StationTotals.Of(removed));
            await PushTotalsOrOweAsync();
        }
    }

    public async Task<IReadOnlyList<NearbyStation>> NearbyAsync(NearbyQuery query)
    {
        await _answers;
        var center = new GeoPoint(query.Latitude, query.Longitude);
        var found = new List<NearbyStation>();
        foreach (var s in _summaries.Values)
        {
            if (query.AvailableOnly && !s.Available)
            {
                continue;
            }

            var distance = GreatCircle.DistanceKm(center, new GeoPoint(s.Latitude, s.Longitude));
            if (distance <= query.RadiusKm)
            {
                found.Add(new NearbyStation(s.Code, s.Name, s.Province, s.City, s.Latitude, s.Longitude, distance, s.Bays, s.OpenWorkOrders,
                    Math.Max(0, s.Bays - s.OpenWorkOrders), s.Authorisation, s.Available));
            }
        }

        found.Sort(NearbyOrder.Instance);
        return found.Count > query.Limit ? found.GetRange(0, query.Limit) : found;
    }

    public async Task<VersionedTotals> GetTotalsAsync()
    {
        await _answers;
        return new VersionedTotals(_totals, _sequence);
    }

    private async Task StartEpochAsync()
    {
        await WriteAsync(state.State with { Epoch = state.State.Epoch + 1 });
        _sequence = state.State.Epoch << 32;
        _epochStarted = true;
    }

    public Task<System.Collections.Immutable.ImmutableArray<string>> GetMembersAsync() => Task.FromResult(System.Collections.Immutable.ImmutableArray.CreateRange(state.State.Members));

    private Task PushTotalsOrOweAsync()
    {
        if (_answers.IsCompleted)
        {
            return PushTotalsAsync();
        }

        _pushOwed = true;
        return Task.CompletedTask;
    }

    private async Task PushTotalsAsync()
    {
        if (IsProvince && !_epochStarted)
        {
            await StartEpochAsync();
        }

        _sequence++;
        if (IsProvince)
        {
            await GrainFactory.Grain<INetworkGrain>(GroupKeys.National).ApplyProvinceAsync(Key[GroupKeys.ProvincePrefix.Length..], new VersionedTotals(_totals, _sequence));
        }
    }

    /// <summary>Takes a summary in unless a newer one of that station is held.</summary>
    private void Apply(StationSummary summary)
    {
        var held = _summaries.GetValueOrDefault(summary.Code);
        if (held is not null && held.Version >= summary.Version)
        {
            return;
        }

        _summaries[summary.Code] = summary;
        _totals = _totals.Plus(StationTotals.Of(summary));
        if (held is not null)
        {
            _totals = _totals.Minus(StationTotals.Of(held));
        }
    }

    /// <summary>
    /// Asks <paramref name="members"/> for their summaries in the background (<see cref="_answers"/>), then pushes the
    /// totals on if a change came meanwhile or a late answer changed them. A member that no longer belongs here
    /// answers null and leaves; one that has not answered within <see cref="MemberAnswers.Wait"/> is asked again
    /// (<paramref name="late"/>) until it answers or pushes, and queries meanwhile answer without it.
    /// </summary>
    private void AskMembers(IReadOnlyCollection<string> members, bool late = false)
    {
        var answers = CollectAsync(members);
        if (late)
        {
            _lateAnswers = answers;
        }
        else
        {
            _answers = answers;
        }

        _ = PushWhenAnsweredAsync(answers, late);
    }

    /// <summary>Takes the answers in; true when they changed the group. Never fails: queries await it.</summary>
    private async Task<bool> CollectAsync(IReadOnlyCollection<string> members)
    {
        try
        {
            var (answered, unanswered) = await MemberAnswers.AskAsync(members, code => GrainFactory.Grain<IServiceStationGrain>(code).GetSummaryAsync(Key), MemberAnswers.Wait);
            var before = _totals;
            foreach (var (code, summary) in answered)
            {
                _unanswered.Remove(code);
                if (summary is not null)
                {
                    Apply(summary);
                }
            }

            // A member that pushed meanwhile has answered too.
            _unanswered.UnionWith(unanswered.Where(code => !_summaries.ContainsKey(code)));
            var gone = answered.Where(a => a.Value is null).Select(a => a.Key).ToList();
            if (gone.Count > 0)
            {
                await WriteAsync(state.State with { Members = state.State.Members.Except(gone) });
            }

            if (_unanswered.Count > 0)
            {
                LogMembersUnanswered(logger, Key, _unanswered.Count, string.Join(", ", _unanswered.Take(5)));
                _askAgain ??= this.RegisterGrainTimer(AskAgain, new GrainTimerCreationOptions(MemberAnswers.Wait, MemberAnswers.Wait));
            }
            else
            {
                _askAgain?.Dispose();
                _askAgain = null;
            }

            return _totals != before;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A member left unremoved, or not asked again, is asked by the next activation.
            LogBackgroundFailed(logger, ex, Key);
            return false;
        }
    }

    /// <summary>The timer's tick starts a round and returns: a tick that waited would hold up the members' pushes.</summary>
    private Task AskAgain(CancellationToken cancellationToken)
    {
        if (_answers.IsCompleted && _lateAnswers.IsCompleted && _unanswered.Count > 0)
        {
            AskMembers(_unanswered.ToList(), late: true);
        }

        return Task.CompletedTask;
    }

    private async Task PushWhenAnsweredAsync(Task<bool> answers, bool late)
    {
        var changed = await answers;
        if (!_pushOwed && !(late && changed))
        {
            return;
        }

        _pushOwed = false;
        try
        {
            await PushTotalsAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The next change pushes again.
            LogBackgroundFailed(logger, ex, Key);
        }
    }

    private Task WriteAsync(StationGroupState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Station group {Key}");

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Station group {Group}: {Count} member(s) did not answer in time ({Members}); asking again")]
    private static partial void LogMembersUnanswered(ILogger logger, string group, int count, string members);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Station group {Group}: catching up after its members' answers failed")]
    private static partial void LogBackgroundFailed(ILogger logger, Exception exception, string group);
}

/// <summary>Nearest first; equal distances by code, so every answer is deterministic.</summary>
public sealed class NearbyOrder : IComparer<NearbyStation>
{
    public static NearbyOrder Instance { get; } = new();

    public int Compare(NearbyStation? x, NearbyStation? y)
    {
        var byDistance = x!.DistanceKm.CompareTo(y!.DistanceKm);
        return byDistance != 0 ? byDistance : string.CompareOrdinal(x.Code, y.Code);
    }
}
