using System.Collections.Immutable;
using AfterSales.Domain.Geo;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Parts;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>The depot directory's key.</summary>
public static class DepotDirectoryKeys
{
    public const string National = "national";
}

/// <summary>
/// Every registered depot and where it is (a few dozen: one document), pushed by the depots from their outbox with
/// their version, so "the station's nearest depot" is a pass over the depots without asking any of them. Stored, so
/// it answers after a restart.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class DepotDirectoryGrain(
    [PersistentState("depotDirectory", GrainStorage.Name)] IPersistentState<DepotDirectoryState> state,
    ILogger<DepotDirectoryGrain> logger) : Grain, IDepotDirectoryGrain
{
    public async Task UpsertAsync(DepotLocation depot)
    {
        if (state.State.Depots.TryGetValue(depot.Code, out var held) && held.Version >= depot.Version)
        {
            return;
        }

        await state.WriteOrRestoreAsync(state.State with { Depots = state.State.Depots.SetItem(depot.Code, depot) }, this, logger, "Depot directory");
    }

    public Task<NearestDepot?> NearestAsync(double latitude, double longitude, string province) =>
        Task.FromResult(DepotDirectoryDecisions.Nearest(state.State.Depots.Values, latitude, longitude, province));
}

/// <summary>The directory's decisions (pure).</summary>
public static class DepotDirectoryDecisions
{
    /// <summary>The nearest depot of <paramref name="province"/> (the station's own region's depot), else the nearest of all; equal distances by code.</summary>
    public static NearestDepot? Nearest(IEnumerable<DepotLocation> depots, double latitude, double longitude, string province)
    {
        var here = new GeoPoint(latitude, longitude);
        var ranked = depots
            .Select(d => (Depot: d, Km: Math.Round(GreatCircle.DistanceKm(here, new GeoPoint(d.Latitude, d.Longitude)), 3)))
            .OrderBy(d => d.Depot.Province == province ? 0 : 1).ThenBy(d => d.Km).ThenBy(d => d.Depot.Code, StringComparer.Ordinal)
            .Select(d => new NearestDepot(d.Depot.Code, d.Depot.Name, d.Depot.Province, d.Km));
        return ranked.FirstOrDefault();
    }
}

/// <summary>What the depot directory persists (state_name 'depotDirectory').</summary>
public sealed record DepotDirectoryState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<string, DepotLocation> Depots { get; init; } =
        ImmutableSortedDictionary.Create<string, DepotLocation>(StringComparer.Ordinal);
}
