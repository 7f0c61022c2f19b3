using AfterSales.Domain.Geo;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Network;

/// <summary>
/// A geo cell of the nearby index or a province roll-up. Stations push their summary after every change (awaited);
/// the group keeps the newest version per station and its totals incrementally, so a query never scans more than
/// the group's own members and a roll-up answer costs the same for 10 or 10,000 stations. A province pushes its
/// totals on to the national grain.
/// </summary>
[ProvinceHomedPlacement(keyPrefix: GroupKeys.ProvincePrefix)]
public sealed partial class StationGroupGrain(
    [PersistentState("stationGroup", GrainStorage.Name)] IPersistentState<StationGroupState> state,
    ILogger<StationGroupGrain> logger) : Grain, IStationGroupGrain
{
    private readonly Dictionary<string, StationSummary> _summaries = new(StringComparer.Ordinal);
    private StationTotals _totals = StationTotals.Zero;
    private long _sequence;
    private bool _epochStarted;

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

        // Summaries are not stored: ask the members (GetSummary interleaves, so a member pushing to us answers too).
        var members = state.State.Members.ToList();
        var summaries = await Task.WhenAll(members.Select(code => GrainFactory.Grain<IServiceStationGrain>(code).GetSummaryAsync(Key)));
        foreach (var summary in summaries.OfType<StationSummary>())
        {
            _summaries[summary.Code] = summary;
            _totals = _totals.Plus(StationTotals.Of(summary));
        }

        var gone = members.Where(code => !_summaries.ContainsKey(code)).ToList();
        if (gone.Count > 0)
        {
            await WriteAsync(state.State with { Members = state.State.Members.Except(gone) });
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public async Task UpsertAsync(StationSummary summary)
    {
        var held = _summaries.GetValueOrDefault(summary.Code);
        if (held is not null && held.Version >= summary.Version)
        {
            return;
        }

        if (!state.State.Members.Contains(summary.Code))
        {
            await WriteAsync(state.State with { Members = state.State.Members.Add(summary.Code) });
        }

        _summaries[summary.Code] = summary;
        _totals = _totals.Plus(StationTotals.Of(summary));
        if (held is not null)
        {
            _totals = _totals.Minus(StationTotals.Of(held));
        }

        await PushTotalsAsync();
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

        if (_summaries.Remove(code, out var removed))
        {
            _totals = _totals.Minus(StationTotals.Of(removed));
            await PushTotalsAsync();
        }
    }

    public Task<IReadOnlyList<NearbyStation>> NearbyAsync(NearbyQuery query)
    {
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
        IReadOnlyList<NearbyStation> result = found.Count > query.Limit ? found.GetRange(0, query.Limit) : found;
        return Task.FromResult(result);
    }

    public Task<VersionedTotals> GetTotalsAsync() => Task.FromResult(new VersionedTotals(_totals, _sequence));

    private async Task StartEpochAsync()
    {
        await WriteAsync(state.State with { Epoch = state.State.Epoch + 1 });
        _sequence = state.State.Epoch << 32;
        _epochStarted = true;
    }

    public Task<System.Collections.Immutable.ImmutableArray<string>> GetMembersAsync() => Task.FromResult(System.Collections.Immutable.ImmutableArray.CreateRange(state.State.Members));

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

    private Task WriteAsync(StationGroupState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Station group {Key}");
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
