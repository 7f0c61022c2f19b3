using AfterSales.Client;

namespace AfterSales.Bench.Loader;

/// <summary>POST /api/vehicles/bulk through the typed client: the generated vehicles as its request, and its refusals.</summary>
public sealed class BulkApi(AfterSalesApi api)
{
    /// <summary>
    /// Posts one batch; returns the refusals as "VIN: status error" (empty when every vehicle was accepted). The
    /// client resends a batch whose reply was lost, or that answered 429 or 503, with the same Idempotency-Key, so
    /// vehicles an earlier attempt registered replay their first outcome rather than answer 409.
    /// </summary>
    public async Task<IReadOnlyList<string>> PostAsync(IReadOnlyList<GeneratedVehicle> batch, CancellationToken cancellationToken)
    {
        var result = await api.BulkImportVehiclesAsync(null, new BulkVehiclesRequest { Vehicles = [.. batch.Select(ToRequest)] }, cancellationToken);
        return [.. (result.Refusals ?? []).Select(r => $"{r.Vin}: {r.Status} {r.Error}")];
    }

    /// <summary>One generated vehicle with its delivery, latest reading and past visits.</summary>
    public static BulkVehicle ToRequest(GeneratedVehicle v) => new()
    {
        Vehicle = new RegisterVehicleRequest
        {
            Vin = v.Vin, Model = v.Model, Batch = v.Batch, ProductionDate = v.ProductionDate, Powertrain = As<Powertrain>(v.Powertrain), Price = (double)v.Price,
        },
        Delivery = new DeliveryRequest
        {
            OwnerName = v.OwnerName, OwnerPhone = v.OwnerPhone, DealerCode = v.DealerCode,
            InvoiceDate = v.InvoiceDate, DeliveryDate = v.DeliveryDate, OdometerKm = v.DeliveryKm,
        },
        Odometer = new OdometerRequest { ReadingKm = v.ReadingKm, ReadAt = v.ReadAt },
        Visits = [.. v.Visits.Select(visit => new VisitRequest
        {
            VisitId = visit.VisitId, StationCode = visit.StationCode, Kind = As<VisitKind>(visit.Kind), AgreedAt = visit.AgreedAt,
            CompletedAt = visit.CompletedAt, MileageKm = visit.MileageKm, FaultCode = visit.FaultCode, System = As<VehicleSystem>(visit.System),
            WorkGrade = As<WorkGrade>(visit.WorkGrade), Warranty = visit.Warranty, UnitReplaced = visit.UnitReplaced,
            MainPartsReplaced = visit.MainPartReplaced is { } part ? [part] : null, SeriousSafety = visit.SeriousSafety, SafetyDefect = As<SafetyDefect>(visit.SafetyDefect),
            WorkDone = visit.WorkDone, PartsUsed = [.. visit.Parts.Select(p => new PartUsed { PartNo = p.PartNo, Quantity = p.Quantity })],
            Appraiser = visit.Appraiser,
        })],
    };

    /// <summary>The parts catalogue as PUT /api/catalogue/versions/{effectiveFrom} takes it.</summary>
    public static CatalogueRequest ToRequest(BenchCatalogue catalogue) => new()
    {
        Parts = [.. catalogue.Parts.Select(p => new CataloguePartRequest { PartNo = p.PartNo, Name = p.Name, System = Enum.Parse<VehicleSystem>(p.System, ignoreCase: true) })],
        MainParts = catalogue.MainParts.ToDictionary(m => m.Key, IReadOnlyList<string> (m) => m.Value),
        WearParts = [.. catalogue.WearParts.Select(w => new WearPartRequest { PartNo = w.PartNo, Months = w.Months, Km = w.Km })],
    };

    /// <summary>The API's enumeration value of the same name as the domain's (the wire carries the name).</summary>
    private static T As<T>(Enum value)
        where T : struct, Enum => Enum.Parse<T>(value.ToString());
}
