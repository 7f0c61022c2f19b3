using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfterSales.Bench.Loader;

/// <summary>POST /api/vehicles/bulk: the body the system's HTTP contract takes, and its reply.</summary>
public sealed class BulkApi(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = CreateOptions();

    /// <summary>Posts one batch; returns the refusals (empty when every vehicle was accepted).</summary>
    public async Task<IReadOnlyList<string>> PostAsync(IReadOnlyList<GeneratedVehicle> batch, CancellationToken cancellationToken)
    {
        var body = new { vehicles = batch.Select(ToRequest).ToList() };
        using var response = await http.PostAsJsonAsync("/api/vehicles/bulk", body, Json, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /api/vehicles/bulk answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var result = await response.Content.ReadFromJsonAsync<BulkResult>(Json, cancellationToken)
            ?? throw new HttpRequestException("POST /api/vehicles/bulk answered an empty body.");
        return [.. result.Refusals.Select(r => $"{r.Vin}: {r.Status} {r.Error}")];
    }

    private static object ToRequest(GeneratedVehicle v) => new
    {
        vehicle = new { vin = v.Vin, model = v.Model, batch = v.Batch, productionDate = v.ProductionDate, powertrain = v.Powertrain, price = v.Price },
        delivery = new
        {
            ownerName = v.OwnerName, ownerPhone = v.OwnerPhone, dealerCode = v.DealerCode,
            invoiceDate = v.InvoiceDate, deliveryDate = v.DeliveryDate, odometerKm = v.DeliveryKm,
        },
        odometer = new { readingKm = v.ReadingKm, readAt = v.ReadAt },
        visits = v.Visits.Select(visit => new
        {
            visitId = visit.VisitId, stationCode = visit.StationCode, kind = visit.Kind, agreedAt = visit.AgreedAt,
            completedAt = visit.CompletedAt, mileageKm = visit.MileageKm, faultCode = visit.FaultCode, system = visit.System,
            workGrade = visit.WorkGrade, warranty = visit.Warranty, unitReplaced = visit.UnitReplaced,
            mainPartsReplaced = visit.MainPartReplaced is { } part ? new[] { part } : null, seriousSafety = visit.SeriousSafety, safetyDefect = visit.SafetyDefect,
            workDone = visit.WorkDone, partsUsed = visit.Parts.Select(p => new { partNo = p.PartNo, quantity = p.Quantity }),
            appraiser = visit.Appraiser,
        }),
    };

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    private sealed record BulkResult(int Accepted, int Refused, IReadOnlyList<Refusal> Refusals);

    private sealed record Refusal(int Index, string? Vin, int Status, string? Error);
}
