using AfterSales.Interfaces.Complaints;

namespace AfterSales.Api.Apis;

// Request bodies as the HTTP contract names them; every field nullable so a missing one is reported by name.

public sealed record ComplaintRequest(
    string? CustomerName, string? CustomerPhone, string? Vin, ComplaintCategory? Category, ComplaintSeverity? Severity,
    double? Latitude, double? Longitude, string? Description, ComplaintChannel? Channel, bool? SupplierNeeded);

/// <summary>
/// The body of a step: <c>note</c> for every step; <c>agreedAt</c> for reply; <c>handling</c> and <c>systemic</c> for plan;
/// <c>resolved</c> and <c>satisfaction</c> (1–5) for callback.
/// </summary>
public sealed record ComplaintStepRequest(
    string? Note, DateTimeOffset? AgreedAt, ActionHandling? Handling, bool? Systemic, bool? Resolved, int? Satisfaction);
