using System.Collections.Immutable;
using AfterSales.Domain.Geo;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// Where one part is in stock: every depot that has ever held it pushes its available quantity (with its version)
/// after each change, so a query is a pass over that part's depots (dozens), never a scan of the depots. The
/// depots and their last quantities are stored, so the index answers after a restart without asking anyone.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class PartAvailabilityGrain(
    [PersistentState("partAvailability", GrainStorage.Name)] IPersistentState<PartAvailabilityState> state,
    ILogger<PartAvailabilityGrain> logger) : Grain, IPartAvailabilityGrain
{
    public async Task UpsertAsync(DepotAvailability availability)
    {
        if (state.State.Depots.TryGetValue(availability.DepotCode, out var held) && held.Version >= availability.Version)
        {
            return;
        }

        await state.WriteOrRestoreAsync(state.State with { Depots = state.State.Depots.SetItem(availability.DepotCode, availability) },
            this, logger, $"Availability of part {this.GetPrimaryKeyString()}");
    }

    public Task<IReadOnlyList<PartAvailabilityView>> FindAsync(double latitude, double longitude, int limit) => Find(latitude, longitude, limit, availableOnly: true);

    public Task<IReadOnlyList<PartAvailabilityView>> FindKnownAsync(double latitude, double longitude, int limit) => Find(latitude, longitude, limit, availableOnly: false);

    private Task<IReadOnlyList<PartAvailabilityView>> Find(double latitude, double longitude, int limit, bool availableOnly)
    {
        var here = new GeoPoint(latitude, longitude);
        IReadOnlyList<PartAvailabilityView> found = [.. state.State.Depots.Values
            .Where(d => !availableOnly || d.Available > 0)
            .Select(d => new PartAvailabilityView(d.DepotCode, d.Name, d.Province, d.Latitude, d.Longitude, d.Available,
                Math.Round(GreatCircle.DistanceKm(here, new GeoPoint(d.Latitude, d.Longitude)), 3)))
            .OrderBy(d => d.DistanceKm).ThenBy(d => d.DepotCode, StringComparer.Ordinal)
            .Take(limit)];
        return Task.FromResult(found);
    }
}

/// <summary>What a part's availability index persists (state_name 'partAvailability').</summary>
public sealed record PartAvailabilityState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<string, DepotAvailability> Depots { get; init; } =
        ImmutableSortedDictionary.Create<string, DepotAvailability>(StringComparer.Ordinal);
}
