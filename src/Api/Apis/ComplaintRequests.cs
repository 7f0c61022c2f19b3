using System.ComponentModel.DataAnnotations;
using AfterSales.Interfaces.Complaints;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them; every field nullable so a missing one is reported by name.

public sealed record ComplaintRequest(
    [Required] string? CustomerName, [Required] string? CustomerPhone, string? Vin, [Required] ComplaintCategory? Category, [Required] ComplaintSeverity? Severity,
    [Required] double? Latitude, [Required] double? Longitude, [Required] string? Description, [Required] ComplaintChannel? Channel, bool? SupplierNeeded);

/// <summary>
/// The body of a step: <c>note</c> for every step; <c>agreedAt</c> for reply; <c>handling</c> and <c>systemic</c> for plan;
/// <c>resolved</c> and <c>satisfaction</c> (1–5) for callback.
/// </summary>
public sealed record ComplaintStepRequest(
    string? Note, DateTimeOffset? AgreedAt, ActionHandling? Handling, bool? Systemic, bool? Resolved, int? Satisfaction);
