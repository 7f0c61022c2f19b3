using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Network;

/// <summary>
/// The national roll-up: the latest totals of each province (pushed by the province groups, newest sequence wins),
/// so the answer costs one pass over the provinces whatever the number of stations. Provinces are durable; their
/// totals are pulled again when this grain activates.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class NetworkGrain(
    [PersistentState("network", GrainStorage.Name)] IPersistentState<NetworkState> state,
    ILogger<NetworkGrain> logger) : Grain, INetworkGrain
{
    private readonly Dictionary<string, VersionedTotals> _provinces = new(StringComparer.Ordinal);

    /// <summary>Provinces that did not answer in time: asked again until they answer or push.</summary>
    private readonly HashSet<string> _unanswered = new(StringComparer.Ordinal);

    /// <summary>The provinces' answers to this activation: the summary waits for them, a province's push does not.</summary>
    private Task _answers = Task.CompletedTask;
    private Task _lateAnswers = Task.CompletedTask;
    private IGrainTimer? _askAgain;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not awaited: the push that activated this grain may come from a province that cannot answer until it
        // returns (see MemberAnswers).
        _answers = AskProvincesAsync(state.State.Provinces);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task ApplyProvinceAsync(string province, VersionedTotals totals)
    {
        _unanswered.Remove(province);
        if (_provinces.TryGetValue(province, out var held) && held.Sequence >= totals.Sequence)
        {
            return;
        }

        if (!state.State.Provinces.Contains(province))
        {
            var previous = state.State;
            state.State = previous with { Provinces = previous.Provinces.Add(province) };
            try
            {
                await state.WriteStateAsync();
            }
            catch (Exception ex)
            {
                state.State = previous;
                DeactivateOnIdle();
                LogWriteFailed(logger, ex);
                throw new ServiceUnavailableException("The national roll-up could not store a new province; retry.");
            }
        }

        _provinces[province] = totals;
    }

    public async Task<RollupView> GetSummaryAsync()
    {
        await _answers;
        var sum = StationTotals.Zero;
        var byProvince = new SortedDictionary<string, StationTotals>(StringComparer.Ordinal);
        foreach (var (name, totals) in _provinces)
        {
            sum = sum.Plus(totals.Totals);
            byProvince[name] = totals.Totals;
        }

        return RollupView.Of(GroupKeys.National, sum, byProvince);
    }

    /// <summary>
    /// Asks <paramref name="provinces"/> for their totals, waiting at most <see cref="MemberAnswers.Wait"/>; the newest
    /// sequence wins over a push that came meanwhile. One that does not answer is asked again every few seconds.
    /// Never fails: the summary awaits it.
    /// </summary>
    private async Task AskProvincesAsync(IReadOnlyCollection<string> provinces)
    {
        try
        {
            var (answered, unanswered) = await MemberAnswers.AskAsync(provinces, p => GrainFactory.Grain<IStationGroupGrain>(GroupKeys.Province(p)).GetTotalsAsync(), MemberAnswers.Wait);
            foreach (var (province, totals) in answered)
            {
                _unanswered.Remove(province);
                if (!_provinces.TryGetValue(province, out var held) || held.Sequence < totals.Sequence)
                {
                    _provinces[province] = totals;
                }
            }

            _unanswered.UnionWith(unanswered.Where(p => !_provinces.ContainsKey(p)));
            if (_unanswered.Count > 0)
            {
                LogProvincesUnanswered(logger, _unanswered.Count, string.Join(", ", _unanswered.Take(5)));
                _askAgain ??= this.RegisterGrainTimer(AskAgain, new GrainTimerCreationOptions(MemberAnswers.Wait, MemberAnswers.Wait));
            }
            else
            {
                _askAgain?.Dispose();
                _askAgain = null;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAskFailed(logger, ex);
        }
    }

    /// <summary>The timer's tick starts a round and returns: a tick that waited would hold up the provinces' pushes.</summary>
    private Task AskAgain(CancellationToken cancellationToken)
    {
        if (_answers.IsCompleted && _lateAnswers.IsCompleted && _unanswered.Count > 0)
        {
            _lateAnswers = AskProvincesAsync(_unanswered.ToList());
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "National roll-up: asking the provinces failed; the next activation asks again")]
    private static partial void LogAskFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "National roll-up: {Count} province(s) did not answer in time ({Provinces}); asking again")]
    private static partial void LogProvincesUnanswered(ILogger logger, int count, string provinces);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "National roll-up: state write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
