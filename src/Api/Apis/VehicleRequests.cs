using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them. Every field is nullable so that a missing field is reported
// by name (400) instead of silently defaulting.

public sealed record RegisterVehicleRequest(string? Vin, string? Model, string? Batch, DateOnly? ProductionDate, Powertrain? Powertrain, decimal? Price);

public sealed record DeliveryRequest(string? OwnerName, string? OwnerPhone, string? DealerCode, DateOnly? InvoiceDate, DateOnly? DeliveryDate, int? OdometerKm, string? ReplacesVin);

public sealed record OdometerRequest(int? ReadingKm, DateTimeOffset? ReadAt);

public sealed record OdometerCorrectionRequest(int? ReadingKm, string? Reason);

public sealed record OwnershipRequest(string? OwnerName, string? OwnerPhone, DateOnly? TransferDate);

/// <summary>POST /api/vehicles/{vin}/erase-previous-owners: why (required).</summary>
public sealed record ErasureRequest(string? Reason);

public sealed record LifecycleRequest(VehicleLifecycle? State, DateOnly? EffectiveDate, int? OdometerKm, string? ReplacementVin, string? Note);

/// <summary>
/// A visit appended to the repair archive: an operator's import of history (marked imported), or a station's report of
/// its own plain work (no approved facts). Warranty repairs are recorded through work orders (see the station API).
/// </summary>
public sealed record VisitRequest(
    string? VisitId, string? StationCode, VisitKind? Kind, DateTimeOffset? AgreedAt, DateTimeOffset? CompletedAt, int? MileageKm,
    string? FaultCode, VehicleSystem? System, WorkGrade? WorkGrade, bool? Warranty, bool? UnitReplaced, IReadOnlyList<string>? MainPartsReplaced,
    bool? SeriousSafety, SafetyDefect? SafetyDefect, double? ExcludedHours, string? WorkDone, IReadOnlyList<PartUsed>? PartsUsed,
    string? Appraiser, string? RecallCampaignId, string? RepairItem);

public sealed record BulkVehicle(RegisterVehicleRequest? Vehicle, DeliveryRequest? Delivery, OdometerRequest? Odometer, IReadOnlyList<VisitRequest>? Visits);

public sealed record BulkVehiclesRequest(IReadOnlyList<BulkVehicle>? Vehicles);

/// <summary>One refused item of a bulk import: its status, and the <c>code</c> a problem of its own would carry (see README "Errors").</summary>
public sealed record BulkItemResult(int Index, string? Vin, int Status, string? Error, string? Code);

public sealed record BulkVehiclesResult(int Accepted, int Refused, IReadOnlyList<BulkItemResult> Refusals);
