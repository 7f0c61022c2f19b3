using System.Collections.Immutable;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Stations;

namespace AfterSales.Api.Apis;

public static class NetworkApi
{
    public static RouteGroupBuilder MapNetworkApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/network").WithTags("Network");
        group.MapGet("/summary", GetNationalAsync).WithName("GetNetworkSummary")
            .WithSummary("National roll-up: stations, bays, open work orders, utilisation, open complaints, SLA breaches, parts shortages, recall completion; per province.")
            .Produces<NetworkView>();
        group.MapGet("/provinces/{province}", GetProvinceAsync).WithName("GetProvinceSummary")
            .WithSummary("A province's roll-up: stations, bays, open work orders, utilisation, open complaints, SLA breaches, parts shortages, recall completion.")
            .Produces<NetworkView>();
        return group;
    }

    private static async Task<IResult> GetNationalAsync(IClusterClient cluster)
    {
        var stations = cluster.Grain<INetworkGrain>(RollupScopes.National).GetSummaryAsync();
        var counters = cluster.Grain<ICounterRollupGrain>(RollupScopes.National).GetCountersAsync();
        var recalls = RecallProgressAsync(cluster);
        var (s, c) = (await stations, await counters);
        var names = (s.Provinces?.Keys ?? []).Union(c.ByProvince?.Keys ?? []).Order(StringComparer.Ordinal);
        var provinces = names.ToImmutableSortedDictionary(
            name => name,
            name => NetworkView.Of(name, s.Provinces?.GetValueOrDefault(name) ?? StationTotals.Zero, c.ByProvince?.GetValueOrDefault(name), null),
            StringComparer.Ordinal);
        return TypedResults.Ok(NetworkView.Of(RollupScopes.National, StationTotalsOf(s), c.Counters, provinces) with { RecallCompletion = await recalls });
    }

    /// <summary>Nationally, affected vehicles are known per campaign: the sum over the open campaigns (tens, not vehicles).</summary>
    private static async Task<RecallProgress> RecallProgressAsync(IClusterClient cluster)
    {
        var ids = await cluster.Grain<IRecallRegistryGrain>(RecallRegistry.Key).GetCampaignIdsAsync();
        var views = await Task.WhenAll(ids.Select(id => cluster.Grain<IRecallCampaignGrain>(id).GetAsync()));
        var (affected, completed) = (views.Sum(v => v.Value?.Affected ?? 0), views.Sum(v => v.Value?.Completed ?? 0));
        return RecallProgress.Of(affected, completed);
    }

    private static async Task<IResult> GetProvinceAsync(string province, IClusterClient cluster)
    {
        var name = province.Trim();
        if (name.Length is 0 or > 40 || name.Any(char.IsControl))
        {
            return Http.OutcomeResults.Invalid(new() { ["province"] = ["province must be 1–40 characters."] });
        }

        var stations = cluster.Grain<IStationGroupGrain>("province:" + name).GetTotalsAsync();
        var counters = cluster.Grain<ICounterRollupGrain>(RollupScopes.Province(name)).GetCountersAsync();
        var (s, c) = (await stations, await counters);
        return s.Totals.Stations == 0 && c.Counters.IsEmpty
            ? Http.Problems.Of(ProblemCodes.NotFound, $"Nothing is registered in province {name}: no stations, complaints, depots or recalls.")
            : TypedResults.Ok(NetworkView.Of(name, s.Totals, c.Counters, null));
    }

    private static StationTotals StationTotalsOf(RollupView v) =>
        new(v.Stations, v.ActiveStations, v.AvailableStations, v.Bays, v.OpenWorkOrders, v.WaitingForParts);
}

/// <summary>
/// Recall progress within a scope, over the open campaigns. In a province: the covered vehicles sold there (the
/// selling dealer's province, reported by their batches) and the recalls completed on them. Nationally: every
/// covered vehicle, including those with no region yet.
/// </summary>
public sealed record RecallProgress(long Affected, long Completed, double CompletionRate)
{
    public static RecallProgress Of(long affected, long completed) =>
        new(affected, completed, affected == 0 ? 0 : Math.Round((double)completed / affected, 4));
}

/// <summary>A roll-up as GET /api/network/summary and …/provinces/{province} show it.</summary>
public sealed record NetworkView(
    string Scope,
    int Stations,
    int ActiveStations,
    int AvailableStations,
    int Bays,
    int OpenWorkOrders,
    int WaitingForParts,
    double Utilisation,
    long OpenComplaints,
    long SlaBreaches,
    long PartsShortages,
    long Depots,
    RecallProgress RecallCompletion,
    IReadOnlyDictionary<string, NetworkView>? Provinces)
{
    public static NetworkView Of(string scope, StationTotals s, IReadOnlyDictionary<string, long>? counters, IReadOnlyDictionary<string, NetworkView>? provinces)
    {
        long Counter(string name) => counters?.GetValueOrDefault(name) ?? 0;

        return new(scope, s.Stations, s.ActiveStations, s.AvailableStations, s.Bays, s.OpenWorkOrders, s.WaitingForParts, s.Utilisation,
            Counter(CounterNames.OpenComplaints), Counter(CounterNames.SlaBreaches), Counter(CounterNames.PartsShortages), Counter(CounterNames.Depots),
            RecallProgress.Of(Counter(CounterNames.RecallAffected), Counter(CounterNames.RecallCompleted)),
            provinces);
    }
}
