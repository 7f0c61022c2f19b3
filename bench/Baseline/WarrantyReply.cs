using AfterSales.Domain.Warranty;

namespace AfterSales.Bench.Baseline;

/// <summary>The system's warranty reply shape (GET /api/vehicles/{vin}/warranty), field for field.</summary>
public sealed record WarrantyReply(
    string Vin,
    DateOnly AsOf,
    int MileageKm,
    VehicleLifecycle VehicleState,
    DateOnly? CoverageStart,
    IReadOnlyList<CoverageReply> Coverages,
    FirstMaintenanceReply? FirstMaintenance,
    IReadOnlyList<EntitlementReply> Entitlements,
    CountersReply Counters,
    IReadOnlyList<string> OpenRecalls,
    string? Note,
    IReadOnlyList<WearPartReply> WearParts)
{
    public static WarrantyReply From(WarrantyAssessment a, StoredVehicle vehicle) => new(
        vehicle.Facts.Vin,
        a.AsOf,
        a.MileageKm,
        (VehicleLifecycle)vehicle.Lifecycle,
        a.CoverageStart,
        [.. a.Coverages.Select(c => new CoverageReply(c.Name, c.State, c.EndsOn, c.EndsAtKm, c.RemainingDays, c.RemainingKm))],
        a.FirstMaintenance is { } first ? new FirstMaintenanceReply(first.State, first.DueBy, first.DueAtKm) : null,
        [.. a.Entitlements.Select(e => new EntitlementReply(e.Remedy, e.Article, e.Reason, e.VisitIds, e.Status, e.UsageCompensation))],
        new CountersReply(a.Counters.RepairDays, a.Counters.RepairsByFault, a.Counters.UnitReplacements, a.Counters.SeriousSafetyRepairs, a.Counters.MainPartReplacements),
        [],
        a.Note,
        [.. a.WearParts.Select(w => new WearPartReply(w.Name, w.State, w.EndsOn, w.EndsAtKm, w.RemainingDays, w.RemainingKm))]);
}

public enum VehicleLifecycle
{
    Produced = 0,
    Delivered = 1,
    InService = 2,
    Replaced = 3,
    Refunded = 4,
    Scrapped = 5,
}

public sealed record CoverageReply(string Name, CoverageState State, DateOnly EndsOn, int EndsAtKm, int RemainingDays, int RemainingKm);

public sealed record FirstMaintenanceReply(FirstMaintenanceState State, DateOnly DueBy, int DueAtKm);

public sealed record EntitlementReply(
    Remedy Remedy, string Article, string Reason, IReadOnlyList<string> VisitIds, EntitlementStatus Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] decimal? UsageCompensation);

public sealed record WearPartReply(string PartNo, CoverageState State, DateOnly EndsOn, int EndsAtKm, int RemainingDays, int RemainingKm);

public sealed record CountersReply(
    int RepairDays,
    IReadOnlyDictionary<string, int> RepairsByFault,
    int UnitReplacements,
    int SeriousSafetyRepairs,
    IReadOnlyDictionary<string, int> MainPartReplacements);
