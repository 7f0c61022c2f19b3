using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

/// <summary>
/// Art. 20, 22 and 23 of SAMR Order No. 43: failures soon after the start date. Art. 20 (a main part of the engine,
/// gearbox, traction battery or drive motor failing within 60 days / 3,000 km) gives a free replacement of that unit;
/// Art. 22 (the unit or a main part of it needing replacement within 7 days) and Art. 23 (steering failure, brake
/// failure, body cracking, fuel leak or traction-battery fire within 60 days / 3,000 km) give a replacement or refund
/// that the seller makes free of charge (销售者应当免费更换、退货): no Art. 27 usage compensation.
/// </summary>
public sealed class EarlyFailureEntitlementTests
{
    private static RepairVisit MainPart(int day, int km = 1_000, VehicleSystem system = VehicleSystem.Engine) =>
        Repair("R1", day, km) with { System = system, MainPartsReplaced = ["ENG-CRANK"] };

    [Theory]
    [InlineData(0, true)]
    [InlineData(7, true)] // day 7 is inside
    [InlineData(8, false)] // day 8 is outside
    public void Article22_ReplaceOrRefund_WhenAMajorUnitsMainPartIsReplacedWithin7Days(int day, bool entitled)
    {
        var assessment = Assess(30, 2_000, MainPart(day));

        var art22 = assessment.ByArticle("Art. 22");
        Assert.Equal(entitled, art22.Count == 1);
        if (entitled)
        {
            Assert.Equal(Remedy.ReplaceOrRefund, art22[0].Remedy);
            Assert.Equal(["R1"], art22[0].VisitIds);
            Assert.Contains(FormattableString.Invariant($"repair R1 on day {day}: engine, main part ENG-CRANK replaced"), art22[0].Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(VehicleSystem.Engine, true)]
    [InlineData(VehicleSystem.Gearbox, true)]
    [InlineData(VehicleSystem.TractionBattery, true)]
    [InlineData(VehicleSystem.DriveMotor, true)]
    [InlineData(VehicleSystem.Steering, false)]
    [InlineData(VehicleSystem.Electrical, false)]
    public void Article22_AppliesOnlyToEngineGearboxBatteryAndMotor(VehicleSystem system, bool entitled)
    {
        var unit = Repair("R1", day: 3) with { System = system, UnitReplaced = true };

        Assert.Equal(entitled, Assess(30, 2_000, unit).ByArticle("Art. 22").Count == 1);
    }

    [Fact]
    public void Article22_NeedsAReplacement_NotJustARepairOfTheUnit()
    {
        var repaired = Repair("R1", day: 3) with { System = VehicleSystem.Engine };

        Assert.Empty(Assess(30, 2_000, repaired).Entitlements);
    }

    [Fact]
    public void Article22_IgnoresRepairsNotJudgedWarranty()
    {
        var paid = MainPart(3) with { Warranty = false };

        Assert.Empty(Assess(30, 2_000, paid).Entitlements);
    }

    [Fact]
    public void Article22_IsFreeOfCharge_NoUsageCompensation()
    {
        var art22 = Assess(30, 2_000, MainPart(3)).ByArticle("Art. 22")[0];

        Assert.Null(art22.UsageCompensation);
        Assert.Equal(EntitlementStatus.Granted, art22.Status);
        Assert.Contains("free of charge (no usage compensation)", art22.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("¥", art22.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article23_BrakeFailureOnDay2_IsFreeOfCharge_NoUsageCompensation()
    {
        var art23 = Assess(30, 2_000, Repair("R1", day: 2, km: 150) with { SafetyDefect = SafetyDefect.BrakeFailure }).ByArticle("Art. 23")[0];

        Assert.Null(art23.UsageCompensation);
        Assert.Contains("free of charge (no usage compensation)", art23.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("¥", art23.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article20_UnitReplacementIsFree()
    {
        Assert.Null(Assess(30, 2_000, MainPart(3)).ByArticle("Art. 20")[0].UsageCompensation);
    }

    [Fact]
    public void Article20And22_APartThatIsNotACatalogueMainPart_GivesNothing()
    {
        // A valve-cover gasket is no main part of the engine: the appraisal records no main part, so nothing arises.
        var gasket = Repair("R1", day: 3) with { System = VehicleSystem.Engine, PartsUsed = [new PartLine("ENG-GASKET-VC", 1)] };

        var assessment = Assess(30, 2_000, gasket);

        Assert.Empty(assessment.ByArticle("Art. 20"));
        Assert.Empty(assessment.ByArticle("Art. 22"));
    }

    [Fact]
    public void Article20And22_AFindingWhoseWorkOrderWasCancelled_StillCounts()
    {
        // The owner chose a refund under Art. 22 instead of having the engine repaired: the appraisal's finding stands.
        var cancelled = MainPart(3) with { Cancelled = true };

        Assert.Single(Assess(30, 2_000, cancelled).ByArticle("Art. 22"));
        Assert.Single(Assess(30, 2_000, cancelled).ByArticle("Art. 20"));
    }

    [Theory]
    [InlineData(60, 2_999, true)] // day 60, 2,999 km: inside
    [InlineData(61, 2_999, false)] // day 61: outside
    [InlineData(60, 3_000, false)] // 3,000 km: outside
    [InlineData(0, 0, true)]
    public void Article20_FreeUnitReplacement_WhenAMajorUnitsMainPartFailsWithin60DaysAnd3000km(int day, int km, bool entitled)
    {
        var assessment = Assess(90, 3_500, MainPart(day, km, VehicleSystem.TractionBattery));

        var art20 = assessment.ByArticle("Art. 20");
        Assert.Equal(entitled, art20.Count == 1);
        if (entitled)
        {
            Assert.Equal(Remedy.UnitReplacement, art20[0].Remedy);
            Assert.Contains("free replacement traction battery", art20[0].Reason, StringComparison.Ordinal);
            Assert.Contains(FormattableString.Invariant($"Repair R1 on day {day} at {km:N0} km"), art20[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Article20_And22_BothApply_WhenAUnitIsReplacedInTheFirstWeek()
    {
        var assessment = Assess(30, 2_000, Repair("R1", day: 2) with { System = VehicleSystem.Gearbox, UnitReplaced = true });

        Assert.Equal(["Art. 20", "Art. 22"], assessment.Entitlements.Select(e => e.Article));
        Assert.Contains("the whole unit was replaced", assessment.Entitlements[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SafetyDefect.SteeringFailure, "steering failure")]
    [InlineData(SafetyDefect.BrakeFailure, "brake failure")]
    [InlineData(SafetyDefect.BodyCracking, "body cracking")]
    [InlineData(SafetyDefect.FuelLeak, "fuel leak")]
    [InlineData(SafetyDefect.BatteryFire, "traction-battery fire")]
    public void Article23_ReplaceOrRefund_ForEachListedSafetyDefect(SafetyDefect defect, string named)
    {
        var visit = Repair("R1", day: 20, km: 1_500) with { SafetyDefect = defect };

        var art23 = Assess(30, 2_000, visit).ByArticle("Art. 23");

        var entitlement = Assert.Single(art23);
        Assert.Equal(Remedy.ReplaceOrRefund, entitlement.Remedy);
        Assert.Contains($"{named}, repair R1 on day 20 at 1,500 km", entitlement.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, 2_999, true)]
    [InlineData(61, 2_999, false)]
    [InlineData(60, 3_000, false)]
    public void Article23_AppliesWithin60DaysAnd3000km(int day, int km, bool entitled)
    {
        var visit = Repair("R1", day, km) with { SafetyDefect = SafetyDefect.BrakeFailure };

        Assert.Equal(entitled, Assess(90, 3_500, visit).ByArticle("Art. 23").Count == 1);
    }

    [Fact]
    public void Article23_NotForRepairsWithoutAListedDefect()
    {
        var visit = Repair("R1", day: 20) with { System = VehicleSystem.Brakes, SeriousSafety = true };

        Assert.Empty(Assess(30, 2_000, visit).ByArticle("Art. 23"));
    }

    [Fact]
    public void EarlyEntitlements_IgnoreRepairsAfterTheDateAsked()
    {
        var visit = Repair("R1", day: 5) with { SafetyDefect = SafetyDefect.FuelLeak };

        Assert.Empty(Assess(4, 500, visit).Entitlements);
        Assert.Single(Assess(5, 500, visit).Entitlements);
    }

    [Fact]
    public void EarlyEntitlements_IgnoreRepairsBeforeTheStartDate()
    {
        var predelivery = Repair("R1", day: -1, km: 10) with { SafetyDefect = SafetyDefect.FuelLeak };

        Assert.Empty(Assess(10, 500, predelivery).Entitlements);
    }
}
