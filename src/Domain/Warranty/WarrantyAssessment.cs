namespace AfterSales.Domain.Warranty;

/// <summary>The answer to a warranty-status query for one vehicle at one date and mileage.</summary>
/// <param name="AsOf">The date evaluated.</param>
/// <param name="MileageKm">The odometer reading evaluated: the one asked about, or a higher reading already recorded by then.</param>
/// <param name="CoverageStart">Day 0 of every coverage (Art. 18 / Art. 29); null before the vehicle is sold.</param>
/// <param name="Note">Why nothing is covered yet, when that is the case; otherwise null.</param>
/// <param name="Coverages"><c>warranty</c>, <c>sanbao</c>, then each component coverage that applies.</param>
/// <param name="FirstMaintenance">首保 state; null before the vehicle is sold.</param>
/// <param name="Entitlements">三包 entitlements, in article order.</param>
/// <param name="Counters">三包 counters over the warranty repairs inside the 三包有效期.</param>
/// <param name="WearParts">Each wear part's own coverage (its <see cref="CoverageStatus.Name"/> is the part number).</param>
public sealed record WarrantyAssessment(
    DateOnly AsOf,
    int MileageKm,
    DateOnly? CoverageStart,
    string? Note,
    IReadOnlyList<CoverageStatus> Coverages,
    FirstMaintenanceStatus? FirstMaintenance,
    IReadOnlyList<Entitlement> Entitlements,
    SanbaoCounters Counters,
    IReadOnlyList<CoverageStatus> WearParts);

/// <summary>One coverage, whichever of time and mileage comes first.</summary>
/// <param name="Name">e.g. <c>warranty</c>, <c>sanbao</c>, <c>tractionBattery</c>.</param>
/// <param name="State">Active, or which limit ended it first.</param>
/// <param name="EndsOn">The last covered day.</param>
/// <param name="EndsAtKm">The odometer reading at which it ends (not covered).</param>
/// <param name="RemainingDays">Days left after <c>AsOf</c> (0 on the last day); 0 once expired.</param>
/// <param name="RemainingKm">Km left before <c>EndsAtKm</c>; 0 once expired.</param>
public sealed record CoverageStatus(string Name, CoverageState State, DateOnly EndsOn, int EndsAtKm, int RemainingDays, int RemainingKm);

/// <summary>State of a coverage.</summary>
public enum CoverageState
{
    /// <summary>Neither limit reached.</summary>
    Active,

    /// <summary>The time limit passed first.</summary>
    ExpiredByTime,

    /// <summary>The mileage limit was reached first.</summary>
    ExpiredByMileage,
}

/// <summary>The 首保 first maintenance.</summary>
/// <param name="State">Due, done inside the window, or missed.</param>
/// <param name="DueBy">Last day of the window.</param>
/// <param name="DueAtKm">Odometer reading at which the window closes.</param>
/// <param name="VisitId">The first-maintenance visit, when done.</param>
public sealed record FirstMaintenanceStatus(FirstMaintenanceState State, DateOnly DueBy, int DueAtKm, string? VisitId);

/// <summary>State of the first maintenance.</summary>
public enum FirstMaintenanceState
{
    /// <summary>Not done yet and the window is still open.</summary>
    Due,

    /// <summary>Done inside the window.</summary>
    Done,

    /// <summary>The window closed without it (a late one does not make it done).</summary>
    Missed,
}

/// <summary>A 三包 remedy the owner is entitled to.</summary>
/// <param name="Remedy">What the owner gets.</param>
/// <param name="Article">The article, e.g. <c>Art. 24(4)</c>.</param>
/// <param name="Reason">A sentence a call-centre agent can read to the owner, with the numbers.</param>
/// <param name="VisitIds">The repairs that gave rise to it.</param>
/// <param name="Status">Granted, or on watch: the counts are there but the condition is not (yet) met.</param>
/// <param name="UsageCompensation">
/// The Art. 27 usage compensation (CNY) the owner pays on a replacement or refund under Art. 24; null where the remedy
/// is free (Art. 20, 21, 22, 23).
/// </param>
public sealed record Entitlement(
    Remedy Remedy, string Article, string Reason, IReadOnlyList<string> VisitIds, EntitlementStatus Status = EntitlementStatus.Granted, decimal? UsageCompensation = null);

/// <summary>Whether an entitlement holds or is being watched.</summary>
public enum EntitlementStatus
{
    /// <summary>The owner is entitled now.</summary>
    Granted,

    /// <summary>
    /// Not yet: Art. 24(1)–(3) counts reached but no later appraisal has shown the fault persisting, or an Art. 24(4)
    /// early warning. Shown so the warranty department sees it coming.
    /// </summary>
    Watch,
}

/// <summary>三包 remedies.</summary>
public enum Remedy
{
    /// <summary>The owner chooses a replacement vehicle or a refund (Art. 22, 23, 24).</summary>
    ReplaceOrRefund,

    /// <summary>A replacement vehicle only; no current rule produces it (kept for the API contract).</summary>
    Replace,

    /// <summary>Free replacement of the engine, gearbox, traction battery or drive motor (Art. 20).</summary>
    UnitReplacement,

    /// <summary>A loaner car or transport compensation (Art. 21).</summary>
    LoanerOrCompensation,
}

/// <summary>三包 counters over the warranty repairs inside the 三包有效期, up to the evaluation date.</summary>
/// <param name="RepairDays">Cumulative Art. 40 repair days, Art. 24 exclusions subtracted, ongoing repairs counted to the evaluation instant.</param>
/// <param name="RepairsByFault">Repairs per fault code (case-insensitive).</param>
/// <param name="UnitReplacements">Replacements of a whole engine, gearbox, traction battery or drive motor.</param>
/// <param name="SeriousSafetyRepairs">Repairs of serious safety faults.</param>
/// <param name="MainPartReplacements">Replacements per main part (case-insensitive) of the Art. 24(3) systems.</param>
public sealed record SanbaoCounters(
    int RepairDays,
    IReadOnlyDictionary<string, int> RepairsByFault,
    int UnitReplacements,
    int SeriousSafetyRepairs,
    IReadOnlyDictionary<string, int> MainPartReplacements)
{
    /// <summary>Nothing counted.</summary>
    public static SanbaoCounters Empty { get; } = new(0, new Dictionary<string, int>(), 0, 0, new Dictionary<string, int>());
}
