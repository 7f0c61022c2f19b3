using System.ComponentModel.DataAnnotations;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them; every field nullable so a missing one is reported by name.

public sealed record StationRequest([Required] string? Name, [Required] string? Province, [Required] string? City, [Required] double? Latitude, [Required] double? Longitude, [Required] int? Bays, [Required] IReadOnlyList<string>? Appraisers);

public sealed record AuthorisationRequest(string? Reason);

public sealed record WorkOrderRequest(
    [Required] string? Vin, [Required] int? OdometerKm, [Required] VisitKind? Kind, string? FaultCode, VehicleSystem? System, string? Description, string? RecallCampaignId, WorkGrade? WorkGrade,
    string? RepairItem);

public sealed record AppraisedPartRequest(string? PartNo, int? Quantity, bool? UnitReplaced);

/// <summary>A labour operation done: the labour-time catalogue's code, and how many times (default 1).</summary>
public sealed record AppraisedOperationRequest(string? Code, int? Quantity);

/// <summary>
/// The appraisal (质量保修鉴定单). <c>operations</c> are priced from the labour-time catalogue; <c>unclear</c> sends the
/// claim to the warranty department's review.
/// </summary>
public sealed record AppraisalRequest(
    [Required] bool? Warranty, FailureCause? Cause, IReadOnlyList<AppraisedPartRequest>? Parts, bool? SeriousSafety, [Required] string? Appraiser,
    SafetyDefect? SafetyDefect, bool? ServicedElsewhere, double? ExcludedHours, IReadOnlyList<AppraisedOperationRequest?>? Operations = null,
    bool? Unclear = null);

/// <summary>A certificate the after-sales side issued: kind (appraiser or technician), its number, valid from and until (business dates, inclusive).</summary>
public sealed record CertificateRequest([Required] CertificateKind? Kind, [Required] string? Number, [Required] DateOnly? ValidFrom, [Required] DateOnly? ValidUntil);

/// <summary>One of a station's people (by the name the station's appraisers and an appraisal's appraiser use) and the certificates they hold.</summary>
public sealed record StationPersonRequest([Required] string? Name, [Required] IReadOnlyList<CertificateRequest?>? Certificates);
