using Orleans.Concurrency;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Network;

/// <summary>
/// A group of stations kept current by the stations themselves: a geo cell (<c>cell:{row}:{column}</c>, the nearby
/// index) or a province (<c>province:{name}</c>, a roll-up). Members are durable; summaries live in memory and are
/// pulled from the members again when the group activates.
/// </summary>
[Alias("AfterSales.IStationGroupGrain")]
[Version(1)]
public interface IStationGroupGrain : IGrainWithStringKey
{
    /// <summary>Adds or updates a member; an older <see cref="StationSummary.Version"/> than the one held is ignored.</summary>
    [Alias("Upsert"), Idempotent]
    Task UpsertAsync(StationSummary summary);

    /// <summary>Removes a member that moved away, unless a newer summary is held.</summary>
    [Alias("Remove"), Idempotent]
    Task RemoveAsync(string code, long version);

    /// <summary>Members within the query's radius, nearest first, at most the query's limit.</summary>
    [Alias("Nearby"), AlwaysInterleave, Idempotent]
    Task<IReadOnlyList<NearbyStation>> NearbyAsync(NearbyQuery query);

    /// <summary>Totals over the members, with the group's sequence number.</summary>
    [Alias("GetTotals"), AlwaysInterleave, Idempotent]
    Task<VersionedTotals> GetTotalsAsync();

    /// <summary>The member station codes, sorted.</summary>
    [Alias("GetMembers"), AlwaysInterleave, Idempotent]
    Task<System.Collections.Immutable.ImmutableArray<string>> GetMembersAsync();
}

/// <summary>The national roll-up (key <c>national</c>): per-province totals pushed by the province groups.</summary>
[Alias("AfterSales.INetworkGrain")]
[Version(1)]
public interface INetworkGrain : IGrainWithStringKey
{
    /// <summary>A province's new totals; an older sequence number than the one held is ignored.</summary>
    [Alias("ApplyProvince"), Idempotent]
    Task ApplyProvinceAsync(string province, VersionedTotals totals);

    /// <summary>The national totals with each province's.</summary>
    [Alias("GetSummary"), AlwaysInterleave, Idempotent]
    Task<RollupView> GetSummaryAsync();
}

/// <summary>Answers nearby-station queries by fanning out to the geo cells that cover the radius.</summary>
[Alias("AfterSales.INearbyStationsGrain")]
[Version(1)]
public interface INearbyStationsGrain : IGrainWithIntegerKey
{
    /// <summary>Stations within the radius, nearest first; refusals name the invalid field.</summary>
    [Alias("Find")]
    Task<Outcome<IReadOnlyList<NearbyStation>>> FindAsync(NearbyQuery query);
}
