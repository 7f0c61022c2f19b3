using AfterSales.Domain.Geo;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Orleans.Concurrency;

namespace AfterSales.Grains.Network;

/// <summary>
/// Answers "which stations within R km" from the geo cells covering the radius: one call per cell, all at once,
/// merged nearest first. Stateless, so every silo runs local copies and no single grain is a bottleneck.
/// </summary>
[StatelessWorker]
public sealed class NearbyStationsGrain : Grain, INearbyStationsGrain
{
    public const double MaxRadiusKm = 500;
    public const int MaxLimit = 1000;

    public async Task<Outcome<IReadOnlyList<NearbyStation>>> FindAsync(NearbyQuery query)
    {
        if (Validate(query) is { } refusal)
        {
            return refusal;
        }

        var center = new GeoPoint(query.Latitude, query.Longitude);
        var cells = GeoCells.Covering(center, query.RadiusKm);
        var answers = await Task.WhenAll(cells.Select(c => GrainFactory.Grain<IStationGroupGrain>(GroupKeys.Cell(c)).NearbyAsync(query)));
        var merged = answers.SelectMany(a => a).ToList();
        merged.Sort(NearbyOrder.Instance);
        IReadOnlyList<NearbyStation> result = merged.Count > query.Limit ? merged.GetRange(0, query.Limit) : merged;
        return Outcome<IReadOnlyList<NearbyStation>>.Ok(result);
    }

    /// <summary>Latitude −90..90, longitude −180..180, 0 &lt; radius ≤ 500 km, 1 ≤ limit ≤ 1000; each error names its field.</summary>
    public static Refusal? Validate(NearbyQuery query)
    {
        var errors = new Dictionary<string, string[]>();
        if (!double.IsFinite(query.Latitude) || query.Latitude is < -90 or > 90)
        {
            errors["latitude"] = ["latitude must be between -90 and 90."];
        }

        if (!double.IsFinite(query.Longitude) || query.Longitude is < -180 or > 180)
        {
            errors["longitude"] = ["longitude must be between -180 and 180."];
        }

        if (!double.IsFinite(query.RadiusKm) || query.RadiusKm <= 0 || query.RadiusKm > MaxRadiusKm)
        {
            errors["radiusKm"] = [$"radiusKm must be above 0 and at most {MaxRadiusKm}."];
        }

        if (query.Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }

        return errors.Count == 0 ? null : Refusal.Invalid(errors);
    }
}
