using System.Globalization;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Claims;

/// <summary>The cause the appraiser found (质量保修鉴定单).</summary>
public enum FailureCause
{
    /// <summary>A quality defect of the part: the warranty case.</summary>
    Defect,

    /// <summary>Misuse by the owner: excluded.</summary>
    Misuse,

    /// <summary>Accident damage: excluded.</summary>
    Accident,

    /// <summary>Unauthorised modification: excluded.</summary>
    UnauthorisedModification,
}

/// <summary>Where a claim stands once the rules have judged it.</summary>
public enum ClaimVerdict
{
    /// <summary>Paid under warranty; counts toward the vehicle's 三包 counters.</summary>
    Approved,

    /// <summary>Refused, with the reasons.</summary>
    Rejected,

    /// <summary>The appraisal lacks what the rules need; the station appraises again.</summary>
    NeedsInformation,
}

/// <summary>What the rules judge: the appraisal, and the vehicle's coverages on the repair date at the repair's odometer.</summary>
public sealed record ClaimFacts
{
    /// <summary>The appraiser judged it a warranty case.</summary>
    public required bool WarrantyRequested { get; init; }

    /// <summary>The cause found; null when the appraisal does not say.</summary>
    public FailureCause? Cause { get; init; }

    /// <summary>The system repaired; decides which coverage applies.</summary>
    public required VehicleSystem System { get; init; }

    /// <summary>Parts to be replaced under the claim.</summary>
    public IReadOnlyList<PartLine> Parts { get; init; } = [];

    /// <summary>The repair date (business calendar).</summary>
    public required DateOnly RepairDate { get; init; }

    /// <summary>Odometer at check-in.</summary>
    public required int MileageKm { get; init; }

    /// <summary>The vehicle's coverages on <see cref="RepairDate"/> at <see cref="MileageKm"/>; empty before it is sold.</summary>
    public IReadOnlyList<CoverageStatus> Coverages { get; init; } = [];

    /// <summary>The owner had the car serviced outside the network before; never a ground for refusal (Art. 32).</summary>
    public bool ServicedElsewhere { get; init; }
}

/// <summary>A verdict and the sentences that justify it.</summary>
public sealed record ClaimDecision(ClaimVerdict Verdict, IReadOnlyList<string> Reasons);

/// <summary>
/// Adjudication of a warranty claim (domain §3): the part must be in coverage by time and mileage on the repair date
/// (the component coverage of its system, e.g. <c>tractionBattery</c>, or the whole-vehicle <c>warranty</c>), and the
/// cause must not be excluded (misuse, accident, unauthorised modification). Having been serviced elsewhere is never
/// a reason (Art. 32). A claim that lacks its cause or its parts needs information before it can be judged.
/// </summary>
public static class ClaimRules
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The coverage names that can carry a repair of <paramref name="system"/>, most specific first.</summary>
    public static IReadOnlyList<string> CoveragesFor(VehicleSystem system) => system switch
    {
        VehicleSystem.TractionBattery => ["tractionBattery", WarrantyRules.WarrantyCoverage],
        VehicleSystem.DriveMotor => ["driveMotor", WarrantyRules.WarrantyCoverage],
        _ => [WarrantyRules.WarrantyCoverage],
    };

    /// <summary>Judges <paramref name="facts"/>.</summary>
    public static ClaimDecision Adjudicate(ClaimFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!facts.WarrantyRequested)
        {
            return new(ClaimVerdict.Rejected, ["The appraiser judged this not a warranty case."]);
        }

        var missing = new List<string>();
        if (facts.Cause is null)
        {
            missing.Add("The appraisal does not state the cause of the failure.");
        }

        if (facts.Parts.Count == 0)
        {
            missing.Add("The appraisal lists no parts to replace under warranty.");
        }

        if (facts.Coverages.Count == 0)
        {
            missing.Add("The vehicle has no warranty start yet (no invoice or delivery recorded).");
        }

        if (missing.Count > 0)
        {
            return new(ClaimVerdict.NeedsInformation, missing);
        }

        var rejections = new List<string>();
        if (facts.Cause is FailureCause.Misuse or FailureCause.Accident or FailureCause.UnauthorisedModification)
        {
            rejections.Add(Text($"The cause is {Describe(facts.Cause.Value)}, which the warranty excludes."));
        }

        var names = CoveragesFor(facts.System);
        var applicable = names
            .Select(name => facts.Coverages.FirstOrDefault(c => c.Name == name))
            .OfType<CoverageStatus>()
            .ToList();
        var covering = applicable.FirstOrDefault(c => c.State == CoverageState.Active);
        if (covering is null)
        {
            var why = applicable.Count == 0
                ? "no coverage applies"
                : string.Join("; ", applicable.Select(c => Text($"'{c.Name}' {Expiry(c)}")));
            rejections.Add(Text($"The {facts.System.ToString().ToLowerInvariant()} is out of coverage on {facts.RepairDate:yyyy-MM-dd} at {facts.MileageKm:N0} km: {why}."));
        }

        if (rejections.Count > 0)
        {
            return new(ClaimVerdict.Rejected, rejections);
        }

        var reasons = new List<string>
        {
            Text($"In coverage '{covering!.Name}' on {facts.RepairDate:yyyy-MM-dd} at {facts.MileageKm:N0} km (until {covering.EndsOn:yyyy-MM-dd} or {covering.EndsAtKm:N0} km)."),
            Text($"The cause is a quality defect; {facts.Parts.Count} part line(s) replaced under warranty."),
        };
        if (facts.ServicedElsewhere)
        {
            reasons.Add("Servicing outside the network is no ground for refusal (Art. 32).");
        }

        return new(ClaimVerdict.Approved, reasons);
    }

    private static string Expiry(CoverageStatus coverage) => coverage.State switch
    {
        CoverageState.ExpiredByTime => Text($"ended on {coverage.EndsOn:yyyy-MM-dd}"),
        CoverageState.ExpiredByMileage => Text($"ended at {coverage.EndsAtKm:N0} km"),
        _ => "is active",
    };

    private static string Describe(FailureCause cause) => cause switch
    {
        FailureCause.Misuse => "misuse",
        FailureCause.Accident => "accident damage",
        FailureCause.UnauthorisedModification => "an unauthorised modification",
        _ => "a quality defect",
    };

    private static string Text(FormattableString text) => text.ToString(Invariant);
}
