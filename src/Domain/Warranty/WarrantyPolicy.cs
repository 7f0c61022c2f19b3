using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Warranty;

/// <summary>
/// The policy numbers of the warranty and 三包 rules, bound from configuration. Every default is the
/// regulation's or the seeds' figure; <see cref="Validate"/> names any field that makes no sense.
/// </summary>
/// <remarks>
/// The configuration binder appends configured list items to the defaults of
/// <see cref="Components"/>; to replace the defaults, bind into a policy created with
/// <c>Components = []</c>.
/// </remarks>
public sealed record WarrantyPolicy
{
    /// <summary>The highest Art. 27 usage-compensation rate the regulation allows: 0.5 %.</summary>
    public const decimal MaxUsageCompensationRate = 0.005m;

    /// <summary>A policy with every default.</summary>
    public static WarrantyPolicy Default { get; } = new();

    /// <summary>包修期, whole-vehicle warranty repair (Art. 18 minimum). Default 36 months / 60,000 km.</summary>
    public MonthsOrKm Warranty { get; init; } = new(36, 60_000);

    /// <summary>三包有效期, replace/refund validity (Art. 18). Default 24 months / 50,000 km.</summary>
    public MonthsOrKm Sanbao { get; init; } = new(24, 50_000);

    /// <summary>
    /// Component coverages. Default <c>tractionBattery</c> (hev, bev) and <c>driveMotor</c> (bev),
    /// each 96 months / 150,000 km, every model.
    /// </summary>
    public IReadOnlyList<ComponentCoverage> Components { get; init; } =
    [
        new() { Name = "tractionBattery", Powertrains = [Powertrain.Hev, Powertrain.Bev], Months = 96, Km = 150_000 },
        new() { Name = "driveMotor", Powertrains = [Powertrain.Bev], Months = 96, Km = 150_000 },
    ];

    /// <summary>首保 first-maintenance window (seed 000 §5.3.3). Default 6 months / 5,000 km.</summary>
    public MonthsOrKm FirstMaintenance { get; init; } = new(6, 5_000);

    /// <summary>Art. 20 (unit replacement) and Art. 23 (safety defects) window. Default 60 days / 3,000 km.</summary>
    public DaysOrKm EarlyFailureWindow { get; init; } = new(60, 3_000);

    /// <summary>Art. 22 window for replacing engine, gearbox, battery or motor: replace or refund. Default 7 days.</summary>
    public int EarlyReplacementDays { get; init; } = 7;

    /// <summary>Art. 21: a repair lasting more than this many days earns a loaner or transport compensation from the next day. Default 5.</summary>
    public int LoanerAfterRepairDays { get; init; } = 5;

    /// <summary>Art. 24 replace-or-refund thresholds.</summary>
    public ReplaceOrRefundThresholds ReplaceOrRefund { get; init; } = new();

    /// <summary>Art. 27 usage-compensation rate n, 0 &lt; n ≤ 0.005. Default 0.005 (0.5 %).</summary>
    public decimal UsageCompensationRate { get; init; } = MaxUsageCompensationRate;

    /// <summary>Repair-quality guarantee (维修质量保证期, seed 002) per work grade.</summary>
    public RepairQualityGuarantee RepairQualityGuarantee { get; init; } = new();

    /// <summary>
    /// Offset of the business calendar from UTC: every rule that counts dates takes an instant's date in this offset
    /// (a repair agreed at 01:30 Beijing time happened on the Beijing date). Default +08:00, China Standard Time.
    /// </summary>
    public TimeSpan BusinessUtcOffset { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The business-calendar date of <paramref name="instant"/>.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => Boundaries.DateOf(instant, BusinessUtcOffset);

    /// <summary>Every problem with the numbers, each naming its field; empty when the policy is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckPeriod(errors, nameof(Warranty), Warranty.Months, Warranty.Km);
        CheckPeriod(errors, nameof(Sanbao), Sanbao.Months, Sanbao.Km);
        CheckPeriod(errors, nameof(FirstMaintenance), FirstMaintenance.Months, FirstMaintenance.Km);
        for (var i = 0; i < Components.Count; i++)
        {
            var component = Components[i];
            var field = $"{nameof(Components)}[{i}]";
            if (string.IsNullOrWhiteSpace(component.Name))
            {
                errors.Add($"{field}:{nameof(ComponentCoverage.Name)} is required.");
            }

            if (component.Powertrains.Count == 0)
            {
                errors.Add($"{field}:{nameof(ComponentCoverage.Powertrains)} must name at least one powertrain.");
            }

            CheckPeriod(errors, field, component.Months, component.Km);
        }

        CheckWindow(errors, nameof(EarlyFailureWindow), EarlyFailureWindow);
        CheckPositive(errors, nameof(EarlyReplacementDays), EarlyReplacementDays);
        CheckPositive(errors, nameof(LoanerAfterRepairDays), LoanerAfterRepairDays);
        CheckPositive(errors, $"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.SeriousSafetyRepairs)}", ReplaceOrRefund.SeriousSafetyRepairs);
        CheckPositive(errors, $"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.UnitReplacements)}", ReplaceOrRefund.UnitReplacements);
        CheckPositive(errors, $"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.SameMainPartReplacements)}", ReplaceOrRefund.SameMainPartReplacements);
        CheckPositive(errors, $"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.MaxCumulativeRepairDays)}", ReplaceOrRefund.MaxCumulativeRepairDays);
        CheckPositive(errors, $"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.MaxSameProblemRepairs)}", ReplaceOrRefund.MaxSameProblemRepairs);
        if (ReplaceOrRefund.MaxCumulativeRepairDays > 0 && (ReplaceOrRefund.WatchRepairDays < 1 || ReplaceOrRefund.WatchRepairDays > ReplaceOrRefund.MaxCumulativeRepairDays))
        {
            errors.Add($"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.WatchRepairDays)} must be 1–{ReplaceOrRefund.MaxCumulativeRepairDays} (at most {nameof(ReplaceOrRefundThresholds.MaxCumulativeRepairDays)}); it is {ReplaceOrRefund.WatchRepairDays}.");
        }

        if (ReplaceOrRefund.MaxSameProblemRepairs > 0 && (ReplaceOrRefund.WatchSameProblemRepairs < 1 || ReplaceOrRefund.WatchSameProblemRepairs > ReplaceOrRefund.MaxSameProblemRepairs))
        {
            errors.Add($"{nameof(ReplaceOrRefund)}:{nameof(ReplaceOrRefundThresholds.WatchSameProblemRepairs)} must be 1–{ReplaceOrRefund.MaxSameProblemRepairs} (at most {nameof(ReplaceOrRefundThresholds.MaxSameProblemRepairs)}); it is {ReplaceOrRefund.WatchSameProblemRepairs}.");
        }

        if (BusinessUtcOffset < TimeSpan.FromHours(-14) || BusinessUtcOffset > TimeSpan.FromHours(14))
        {
            errors.Add($"{nameof(BusinessUtcOffset)} must be between -14:00 and +14:00; it is {BusinessUtcOffset}.");
        }
        if (UsageCompensationRate is <= 0m or > MaxUsageCompensationRate)
        {
            errors.Add($"{nameof(UsageCompensationRate)} must be above 0 and at most {MaxUsageCompensationRate} (Art. 27); it is {UsageCompensationRate}.");
        }

        CheckWindow(errors, $"{nameof(RepairQualityGuarantee)}:{nameof(RepairQualityGuarantee.Overhaul)}", RepairQualityGuarantee.Overhaul);
        CheckWindow(errors, $"{nameof(RepairQualityGuarantee)}:{nameof(RepairQualityGuarantee.Secondary)}", RepairQualityGuarantee.Secondary);
        CheckWindow(errors, $"{nameof(RepairQualityGuarantee)}:{nameof(RepairQualityGuarantee.Minor)}", RepairQualityGuarantee.Minor);
        return errors;
    }

    private static void CheckPeriod(List<string> errors, string field, int months, int km)
    {
        CheckPositive(errors, $"{field}:Months", months);
        CheckPositive(errors, $"{field}:Km", km);
    }

    private static void CheckWindow(List<string> errors, string field, DaysOrKm window)
    {
        CheckPositive(errors, $"{field}:{nameof(DaysOrKm.Days)}", window.Days);
        CheckPositive(errors, $"{field}:{nameof(DaysOrKm.Km)}", window.Km);
    }

    private static void CheckPositive(List<string> errors, string field, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{field} must be positive; it is {value}.");
        }
    }
}

/// <summary>
/// Art. 24 replace-or-refund thresholds, counted over warranty repairs inside the 三包有效期. For (1)–(3) reaching the
/// count puts the vehicle on watch; the right is granted when a later appraisal shows the fault persisting. (4) is
/// granted on its numbers, with an early warning (watch) at <see cref="WatchRepairDays"/> and
/// <see cref="WatchSameProblemRepairs"/>.
/// </summary>
public sealed record ReplaceOrRefundThresholds
{
    /// <summary>Art. 24(1): after this many serious-safety repairs a fault still not eliminated, or a new one, gives the right. Default 2.</summary>
    public int SeriousSafetyRepairs { get; init; } = 2;

    /// <summary>Art. 24(2): after this many engine/gearbox/battery/motor replacements a unit still not usable gives the right. Default 2.</summary>
    public int UnitReplacements { get; init; } = 2;

    /// <summary>Art. 24(3): after this many replacements of the same main part, still not usable gives the right. Default 2.</summary>
    public int SameMainPartReplacements { get; init; } = 2;

    /// <summary>Art. 24(4): cumulative Art. 40 repair days above this give the right. Default 30.</summary>
    public int MaxCumulativeRepairDays { get; init; } = 30;

    /// <summary>Art. 24(4): repairs of the same quality problem above this give the right. Default 4.</summary>
    public int MaxSameProblemRepairs { get; init; } = 4;

    /// <summary>Art. 24(4) early warning: cumulative repair days at or above this put the vehicle on watch. Default 25.</summary>
    public int WatchRepairDays { get; init; } = 25;

    /// <summary>Art. 24(4) early warning: this many repairs of one quality problem put the vehicle on watch. Default 4 (the 4th repair).</summary>
    public int WatchSameProblemRepairs { get; init; } = 4;
}

/// <summary>Repair-quality guarantee (维修质量保证期, seed 002), counted from the day the work was completed.</summary>
public sealed record RepairQualityGuarantee
{
    /// <summary>Overhaul or major-assembly repair. Default 100 days / 20,000 km.</summary>
    public DaysOrKm Overhaul { get; init; } = new(100, 20_000);

    /// <summary>Secondary maintenance. Default 30 days / 5,000 km.</summary>
    public DaysOrKm Secondary { get; init; } = new(30, 5_000);

    /// <summary>Primary maintenance, minor or special repair. Default 10 days / 2,000 km.</summary>
    public DaysOrKm Minor { get; init; } = new(10, 2_000);

    /// <summary>The guarantee for a work grade.</summary>
    public DaysOrKm For(WorkGrade grade) => grade switch
    {
        WorkGrade.Overhaul => Overhaul,
        WorkGrade.Secondary => Secondary,
        WorkGrade.Minor => Minor,
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, "Unknown work grade."),
    };
}
