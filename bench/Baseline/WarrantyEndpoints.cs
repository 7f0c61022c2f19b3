using System.Globalization;
using AfterSales.Domain.Warranty;

namespace AfterSales.Bench.Baseline;

/// <summary>The two routes the benchmark compares with the system, with the system's request and reply shapes.</summary>
public static class WarrantyEndpoints
{
    private static readonly TimeSpan BusinessOffset = TimeSpan.FromHours(8);

    public static async Task<IResult> GetWarrantyAsync(string vin, string? asOf, string? mileageKm, VehicleStore store, CatalogueStore catalogue, CancellationToken cancellationToken)
    {
        vin = vin.Trim().ToUpperInvariant();
        DateOnly? date = null;
        if (asOf is not null)
        {
            if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["asOf"] = ["asOf must be a date like 2026-11-23."] });
            }

            date = parsed;
        }

        int? mileage = null;
        if (mileageKm is not null)
        {
            if (!int.TryParse(mileageKm, NumberStyles.None, CultureInfo.InvariantCulture, out var km))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mileageKm"] = ["mileageKm must be a whole number of kilometres."] });
            }

            mileage = km;
        }

        var vehicle = await store.ReadAsync(vin, cancellationToken);
        if (vehicle is null)
        {
            return TypedResults.Problem("No vehicle with this VIN is registered.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        var now = DateTimeOffset.UtcNow;
        var evaluatedOn = date ?? DateOnly.FromDateTime(now.ToOffset(BusinessOffset).DateTime);
        var assessment = WarrantyRules.Assess(vehicle.Facts, vehicle.Archive, evaluatedOn, mileage ?? vehicle.MileageOn(evaluatedOn), now, WarrantyPolicy.Default, await catalogue.GetAsync());
        return TypedResults.Ok(WarrantyReply.From(assessment, vehicle));
    }

    public static async Task<IResult> RecordOdometerAsync(string vin, OdometerRequest request, VehicleStore store, CancellationToken cancellationToken)
    {
        if (request.ReadingKm is not { } km || km < 0 || request.ReadAt is not { } readAt)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["readingKm (≥ 0) and readAt are required."] });
        }

        var recorded = await store.UpsertReadingAsync(vin.Trim().ToUpperInvariant(), readAt, km, cancellationToken);
        return recorded
            ? TypedResults.Ok(new OdometerReply(vin, km, readAt))
            : TypedResults.Problem($"Odometer reading {km} km was not recorded: the vehicle is unknown or has a higher reading; readings never go backwards.",
                statusCode: StatusCodes.Status409Conflict, title: "Conflict");
    }
}

public sealed record OdometerRequest(int? ReadingKm, DateTimeOffset? ReadAt);

public sealed record OdometerReply(string Vin, int OdometerKm, DateTimeOffset OdometerReadAt);
