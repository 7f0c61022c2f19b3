using System.ComponentModel.DataAnnotations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them. Every field is nullable so that a missing field is reported
// by name (400) instead of silently defaulting.

public sealed record RegisterVehicleRequest([Required] string? Vin, [Required] string? Model, [Required] string? Batch, [Required] DateOnly? ProductionDate, [Required] Powertrain? Powertrain, [Required] decimal? Price);

public sealed record DeliveryRequest([Required] string? OwnerName, [Required] string? OwnerPhone, [Required] string? DealerCode, [Required] DateOnly? InvoiceDate, [Required] DateOnly? DeliveryDate, [Required] int? OdometerKm, string? ReplacesVin);

public sealed record OdometerRequest([Required] int? ReadingKm, [Required] DateTimeOffset? ReadAt);

public sealed record OdometerCorrectionRequest([Required] int? ReadingKm, [Required] string? Reason);

public sealed record OwnershipRequest([Required] string? OwnerName, [Required] string? OwnerPhone, [Required] DateOnly? TransferDate);

/// <summary>POST /api/vehicles/{vin}/erase-previous-owners: why (required).</summary>
public sealed record ErasureRequest([Required] string? Reason);

public sealed record LifecycleRequest([Required] VehicleLifecycle? State, [Required] DateOnly? EffectiveDate, int? OdometerKm, string? ReplacementVin, string? Note);

/// <summary>
/// A visit appended to the repair archive: an operator's import of history (marked imported), or a station's report of
/// its own plain work (no approved facts). Warranty repairs are recorded through work orders (see the station API).
/// </summary>
public sealed record VisitRequest(
    [Required] string? VisitId, [Required] string? StationCode, [Required] VisitKind? Kind, [Required] DateTimeOffset? AgreedAt, DateTimeOffset? CompletedAt, [Required] int? MileageKm,
    string? FaultCode, VehicleSystem? System, WorkGrade? WorkGrade, bool? Warranty, bool? UnitReplaced, IReadOnlyList<string>? MainPartsReplaced,
    bool? SeriousSafety, SafetyDefect? SafetyDefect, double? ExcludedHours, string? WorkDone, IReadOnlyList<PartUsed>? PartsUsed,
    string? Appraiser, string? RecallCampaignId, string? RepairItem);

public sealed record BulkVehicle(RegisterVehicleRequest? Vehicle, DeliveryRequest? Delivery, OdometerRequest? Odometer, IReadOnlyList<VisitRequest>? Visits);

public sealed record BulkVehiclesRequest([Required] IReadOnlyList<BulkVehicle>? Vehicles);

/// <summary>One refused item of a bulk import: its status, and the <c>code</c> a problem of its own would carry (see README "Errors").</summary>
public sealed record BulkItemResult(int Index, string? Vin, int Status, string? Error, string? Code);

public sealed record BulkVehiclesResult(int Accepted, int Refused, IReadOnlyList<BulkItemResult> Refusals);
