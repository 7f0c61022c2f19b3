using AfterSales.Domain.Claims;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Tests.Claims;

public sealed class ClaimRulesTests
{
    private static readonly DateOnly RepairDate = new(2026, 7, 1);

    private static CoverageStatus Active(string name) => new(name, CoverageState.Active, new DateOnly(2029, 6, 1), 60_000, 1000, 50_000);

    private static CoverageStatus Expired(string name, CoverageState how) => new(name, how, new DateOnly(2026, 6, 1), 60_000, 0, 0);

    private static ClaimFacts Facts(
        FailureCause? cause = FailureCause.Defect, VehicleSystem system = VehicleSystem.Brakes, bool warranty = true, bool parts = true,
        IReadOnlyList<CoverageStatus>? coverages = null, bool servicedElsewhere = false) => new()
        {
            WarrantyRequested = warranty,
            Cause = cause,
            System = system,
            Parts = parts ? [new PartLine("BRK-01", 1)] : [],
            RepairDate = RepairDate,
            MileageKm = 12_000,
            Coverages = coverages ?? [Active("warranty"), Active("sanbao")],
            ServicedElsewhere = servicedElsewhere,
        };

    public static TheoryData<string, ClaimFacts, ClaimVerdict, string> Cases() => new()
    {
        { "defect in coverage", Facts(), ClaimVerdict.Approved, "In coverage 'warranty'" },
        { "misuse", Facts(FailureCause.Misuse), ClaimVerdict.Rejected, "misuse" },
        { "accident", Facts(FailureCause.Accident), ClaimVerdict.Rejected, "accident damage" },
        { "modification", Facts(FailureCause.UnauthorisedModification), ClaimVerdict.Rejected, "unauthorised modification" },
        { "not a warranty case", Facts(warranty: false), ClaimVerdict.Rejected, "not a warranty case" },
        { "no cause", Facts(cause: null), ClaimVerdict.NeedsInformation, "cause" },
        { "no parts", Facts(parts: false), ClaimVerdict.NeedsInformation, "no parts" },
        { "not sold", Facts(coverages: []), ClaimVerdict.NeedsInformation, "no warranty start" },
        { "expired by time", Facts(coverages: [Expired("warranty", CoverageState.ExpiredByTime)]), ClaimVerdict.Rejected, "ended on 2026-06-01" },
        { "expired by mileage", Facts(coverages: [Expired("warranty", CoverageState.ExpiredByMileage)]), ClaimVerdict.Rejected, "ended at 60,000 km" },
        {
            "battery under its component coverage after the whole-vehicle warranty ended",
            Facts(system: VehicleSystem.TractionBattery, coverages: [Expired("warranty", CoverageState.ExpiredByTime), Active("tractionBattery")]),
            ClaimVerdict.Approved, "'tractionBattery'"
        },
        {
            "brakes are not carried by the battery coverage",
            Facts(coverages: [Expired("warranty", CoverageState.ExpiredByTime), Active("tractionBattery")]),
            ClaimVerdict.Rejected, "out of coverage"
        },
        { "serviced elsewhere is never a ground (Art. 32)", Facts(servicedElsewhere: true), ClaimVerdict.Approved, "Art. 32" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adjudicate_JudgesCoverageAndCause_WithAReason(string name, ClaimFacts facts, ClaimVerdict verdict, string reasonContains)
    {
        var decision = ClaimRules.Adjudicate(facts);

        Assert.True(verdict == decision.Verdict, $"{name}: {decision.Verdict} ({string.Join(" ", decision.Reasons)})");
        Assert.Contains(decision.Reasons, r => r.Contains(reasonContains, StringComparison.Ordinal));
    }

    [Fact]
    public void Adjudicate_ListsEveryGround_WhenExcludedAndOutOfCoverage()
    {
        var decision = ClaimRules.Adjudicate(Facts(FailureCause.Accident, coverages: [Expired("warranty", CoverageState.ExpiredByTime)]));

        Assert.Equal(ClaimVerdict.Rejected, decision.Verdict);
        Assert.Equal(2, decision.Reasons.Count);
    }
}
