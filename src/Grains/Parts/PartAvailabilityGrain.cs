using System.Collections.Immutable;
using AfterSales.Domain.Geo;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Parts;

/// <summary>
/// Where one part is in stock: every depot that has ever held it pushes its available quantity (with its version)
/// after each change, so a query is a pass over that part's depots (dozens), never a scan of the depots. The
/// depots and their last quantities are stored, so the index answers after a restart without asking anyone.
/// </summary>
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

        var previous = state.State;
        state.State = previous with { Depots = previous.Depots.SetItem(availability.DepotCode, availability) };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            state.State = previous;
            DeactivateOnIdle();
            LogWriteFailed(logger, ex, this.GetPrimaryKeyString());
            throw new ServiceUnavailableException($"Part {this.GetPrimaryKeyString()}: the availability index could not be updated; retry.");
        }
    }

    public Task<IReadOnlyList<PartAvailabilityView>> FindAsync(double latitude, double longitude, int limit)
    {
        var here = new GeoPoint(latitude, longitude);
        IReadOnlyList<PartAvailabilityView> found = [.. state.State.Depots.Values
            .Where(d => d.Available > 0)
            .Select(d => new PartAvailabilityView(d.DepotCode, d.Name, d.Province, d.Latitude, d.Longitude, d.Available,
                Math.Round(GreatCircle.DistanceKm(here, new GeoPoint(d.Latitude, d.Longitude)), 3)))
            .OrderBy(d => d.DistanceKm).ThenBy(d => d.DepotCode, StringComparer.Ordinal)
            .Take(limit)];
        return Task.FromResult(found);
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Part availability {PartNo}: state write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string partNo);
}

/// <summary>What a part's availability index persists (state_name 'partAvailability').</summary>
public sealed record PartAvailabilityState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<string, DepotAvailability> Depots { get; init; } =
        ImmutableSortedDictionary.Create<string, DepotAvailability>(StringComparer.Ordinal);
}
