using System.ComponentModel.DataAnnotations;
using AfterSales.Interfaces.Complaints;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them; every field nullable so a missing one is reported by name.

public sealed record ComplaintRequest(
    [Required] string? CustomerName, [Required] string? CustomerPhone, string? Vin, [Required] ComplaintCategory? Category, [Required] ComplaintSeverity? Severity,
    [Required] double? Latitude, [Required] double? Longitude, [Required] string? Description, [Required] ComplaintChannel? Channel, bool? SupplierNeeded,
    ComplaintKind? Kind = null, string? AboutStation = null, string? SlaPolicy = null);

/// <summary>A card taken from the call centre's queue to a station.</summary>
public sealed record AssignRequest([Required] string? StationCode);

/// <summary>A corrective/preventive action opened on a complaint.</summary>
public sealed record CorrectiveActionRequest([Required] string? Owner, [Required] DateOnly? DueOn, [Required] string? Description);

/// <summary>The body of complete / verify (an optional note) and waive (the reason, required).</summary>
public sealed record CorrectiveActionStepRequest(string? Note);

/// <summary>
/// The body of a step: <c>note</c> for every step; <c>agreedAt</c> for reply; <c>handling</c> and <c>systemic</c> for plan;
/// <c>resolved</c> and <c>satisfaction</c> (1–5) for callback.
/// </summary>
public sealed record ComplaintStepRequest(
    string? Note, DateTimeOffset? AgreedAt, ActionHandling? Handling, bool? Systemic, bool? Resolved, int? Satisfaction);
