using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

/// <summary>Art. 24: replacement or refund inside the 三包有效期 (start 2025-03-01: ends 2027-03-01 / 50,000 km).</summary>
public sealed class ReplaceOrRefundEntitlementTests
{
    private static RepairVisit[] Visits(int count, Func<int, RepairVisit> make) =>
        Enumerable.Range(1, count).Select(make).ToArray();

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Article24_1_AfterTwoSeriousSafetyRepairs(int repairs, bool entitled)
    {
        var visits = Visits(repairs, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Brakes, SeriousSafety = true });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(repairs, assessment.Counters.SeriousSafetyRepairs);
        var art = assessment.ByArticle("Art. 24(1)");
        Assert.Equal(entitled, art.Count == 1);
        if (entitled)
        {
            Assert.Equal(Remedy.ReplaceOrRefund, art[0].Remedy);
            Assert.Equal(["R1", "R2"], art[0].VisitIds);
            Assert.Contains("repaired 2 times inside the 三包 validity period (repairs R1, R2)", art[0].Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Article24_2_AfterTwoUnitReplacements(int replacements, bool entitled)
    {
        var visits = Visits(replacements, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Gearbox, UnitReplaced = true });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(replacements, assessment.Counters.UnitReplacements);
        var art = assessment.ByArticle("Art. 24(2)");
        Assert.Equal(entitled, art.Count == 1);
        if (entitled)
        {
            Assert.Contains("replaced 2 times inside the 三包 validity period (R1: gearbox, R2: gearbox)", art[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Article24_2_CountsOnlyEngineGearboxBatteryAndMotor()
    {
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Steering, UnitReplaced = true });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(0, assessment.Counters.UnitReplacements);
        Assert.Empty(assessment.ByArticle("Art. 24(2)"));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Article24_3_AfterTheSameMainPartIsReplacedTwice(int replacements, bool entitled)
    {
        var visits = Visits(replacements, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with
        {
            System = VehicleSystem.Suspension,
            MainPartReplaced = i == 1 ? "Control Arm" : " control arm ",
        });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(replacements, assessment.Counters.MainPartReplacements["control arm"]);
        var art = assessment.ByArticle("Art. 24(3)");
        Assert.Equal(entitled, art.Count == 1);
        if (entitled)
        {
            Assert.Contains("Main part 'Control Arm' of the suspension has been replaced 2 times", art[0].Reason, StringComparison.Ordinal);
            Assert.Equal(["R1", "R2"], art[0].VisitIds);
        }
    }

    [Fact]
    public void Article24_3_NotForTwoDifferentMainParts()
    {
        var assessment = Assess(
            400,
            20_000,
            Repair("R1", day: 100) with { System = VehicleSystem.Brakes, MainPartReplaced = "caliper" },
            Repair("R2", day: 200) with { System = VehicleSystem.Brakes, MainPartReplaced = "master cylinder" });

        Assert.Empty(assessment.ByArticle("Art. 24(3)"));
    }

    [Theory]
    [InlineData(VehicleSystem.Electrical, false)]
    [InlineData(VehicleSystem.Other, false)]
    [InlineData(VehicleSystem.EmissionControl, true)]
    [InlineData(VehicleSystem.Body, true)]
    [InlineData(VehicleSystem.Drivetrain, true)]
    public void Article24_3_CountsOnlyTheMainPartsOfTheListedSystems(VehicleSystem system, bool entitled)
    {
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i) with { System = system, MainPartReplaced = "part-1" });

        Assert.Equal(entitled, Assess(400, 20_000, visits).ByArticle("Art. 24(3)").Count == 1);
    }

    [Theory]
    [InlineData(0, false)] // 15 + 15 = 30 days: not more than 30
    [InlineData(1, true)] // 15 + 16 = 31 days
    public void Article24_4_WhenCumulativeRepairDaysExceed30(int extraHours, bool entitled)
    {
        var assessment = Assess(
            400,
            20_000,
            Lasting("R1", day: 100, TimeSpan.FromDays(15)),
            Lasting("R2", day: 200, TimeSpan.FromDays(15) + TimeSpan.FromHours(extraHours)));

        Assert.Equal(entitled ? 31 : 30, assessment.Counters.RepairDays);
        var art = assessment.ByArticle("Art. 24(4)");
        Assert.Equal(entitled, art.Count == 1);
        if (entitled)
        {
            Assert.Contains("have taken 31 days in total (R1: 15 days, R2: 16 days), more than 30", art[0].Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("30.00:00:00", "00:00:00", 30, false)] // 30 d → 30
    [InlineData("30.01:00:00", "00:00:00", 31, true)] // 30 d + 1 h → 31
    [InlineData("32.00:00:00", "2.00:00:00", 30, false)] // shipping of a VIN-customised part excluded
    [InlineData("32.00:00:00", "1.23:00:00", 31, true)]
    public void Article24_4_CountsRepairDaysByArticle40_LessTheExclusions(string duration, string excluded, int days, bool entitled)
    {
        var visit = Lasting("R1", day: 100, TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture)) with
        {
            ExcludedTime = TimeSpan.Parse(excluded, System.Globalization.CultureInfo.InvariantCulture),
        };

        var assessment = Assess(400, 20_000, visit);

        Assert.Equal(days, assessment.Counters.RepairDays);
        Assert.Equal(entitled, assessment.ByArticle("Art. 24(4)").Count == 1);
    }

    [Fact]
    public void Article24_4_CountsAnOpenRepairUpToTheEvaluationInstant()
    {
        var open = Repair("R1", day: 100) with { CompletedAt = null };

        var assessment = WarrantyRules.Assess(Vehicle(), [open], Date(140), 20_000, Day(100) + TimeSpan.FromDays(30) + TimeSpan.FromHours(1), WarrantyPolicy.Default);

        Assert.Equal(31, assessment.Counters.RepairDays);
        Assert.Single(assessment.ByArticle("Art. 24(4)"));
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)] // more than 4
    public void Article24_4_WhenTheSameProblemIsRepairedMoreThan4Times(int repairs, bool entitled)
    {
        var visits = Visits(repairs, i => Repair($"R{i}", day: 50 * i, km: 2_000 * i) with { FaultCode = i % 2 == 0 ? "p0300" : "P0300" });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(repairs, assessment.Counters.RepairsByFault["P0300"]);
        var art = assessment.ByArticle("Art. 24(4)");
        Assert.Equal(entitled, art.Count == 1);
        if (entitled)
        {
            Assert.Contains("fault code P0300) has been repaired 5 times inside the 三包 validity period (repairs R1, R2, R3, R4, R5), more than 4", art[0].Reason, StringComparison.Ordinal);
            Assert.Equal(5, art[0].VisitIds.Count);
        }
    }

    [Fact]
    public void Article24_4_TwoTriggers_GiveTwoEntitlements()
    {
        var visits = Visits(5, i => Lasting($"R{i}", day: 50 * i, TimeSpan.FromDays(7), km: 2_000 * i) with { FaultCode = "P0300" });

        var art = Assess(400, 20_000, visits).ByArticle("Art. 24(4)");

        Assert.Equal(2, art.Count);
        Assert.Contains("35 days in total", art[0].Reason, StringComparison.Ordinal);
        Assert.Contains("fault code P0300", art[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article24_Reasons_QuoteTheRefundUsageCompensation()
    {
        // ¥150,000 × 20,000 km ÷ 1000 × 0.5 % = ¥15,000.00
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i) with { SeriousSafety = true });

        var reason = Assess(400, 20_000, visits).ByArticle("Art. 24(1)")[0].Reason;

        Assert.Contains("the usage compensation at 20,000 km driven is ¥15,000.00 (price ¥150,000.00 × 20,000 km ÷ 1000 × 0.5 %)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article24_UsageCompensation_CountsKmFromTheOdometerOnTheStartDate()
    {
        var vehicle = Vehicle(Powertrain.Ice, Reading(Start, 12));
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i) with { SeriousSafety = true });

        var reason = Assess(vehicle, Date(400), 20_012, visits).ByArticle("Art. 24(1)")[0].Reason;

        Assert.Contains("at 20,000 km driven is ¥15,000.00", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-03-01", 49_999, true)] // last day and km of the 三包有效期
    [InlineData("2027-03-02", 49_999, false)] // the day after
    [InlineData("2027-03-01", 50_000, false)] // the km limit
    public void Article24_AppliesOnlyWhileInsideTheSanbaoPeriod(string asOf, int km, bool entitled)
    {
        var visits = Visits(5, i => Repair($"R{i}", day: 50 * i, km: 2_000 * i) with { FaultCode = "P0300" });

        var assessment = Assess(Vehicle(), D(asOf), km, visits);

        Assert.Equal(entitled, assessment.ByArticle("Art. 24(4)").Count == 1);
        Assert.Equal(5, assessment.Counters.RepairsByFault["P0300"]);
    }

    [Fact]
    public void Article24_CountsOnlyRepairsAgreedInsideTheSanbaoPeriod()
    {
        var vehicle = Vehicle(Powertrain.Ice, Reading(D("2027-02-10"), 49_000));
        var visits = Visits(4, i => Repair($"R{i}", day: 50 * i, km: 2_000 * i) with { FaultCode = "P0300" })
            .Append(Repair("R5", day: 0, km: 49_500) with { FaultCode = "P0300", AgreedAt = At(D("2027-03-02")), CompletedAt = At(D("2027-03-02"), 12) })
            .ToArray();

        var assessment = Assess(vehicle, D("2027-03-05"), 49_600, visits);

        Assert.Equal(4, assessment.Counters.RepairsByFault["P0300"]);
        Assert.Empty(assessment.ByArticle("Art. 24(4)"));
    }

    [Fact]
    public void Article24_CountsOnlyWarrantyRepairsAgreedOnOrAfterTheStartAndOnOrBeforeTheDateAsked()
    {
        var visits = new[]
        {
            Repair("R0", day: -3, km: 5) with { FaultCode = "P0300" }, // pre-delivery
            Repair("R1", day: 50) with { FaultCode = "P0300" },
            Repair("R2", day: 100) with { FaultCode = "P0300", Warranty = false }, // paid
            Repair("R3", day: 150) with { FaultCode = "P0300", Kind = VisitKind.Recall },
            Repair("R4", day: 200) with { FaultCode = "P0300" },
            Repair("R5", day: 250) with { FaultCode = "P0300" },
            Repair("R6", day: 300) with { FaultCode = "P0300" },
            Repair("R7", day: 401) with { FaultCode = "P0300" }, // after the date asked
        };

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(4, assessment.Counters.RepairsByFault["P0300"]);
        Assert.Empty(assessment.Entitlements);
    }

    [Fact]
    public void Article24_DifferentTriggers_EachGetTheirOwnArticle()
    {
        var visits = new[]
        {
            Repair("R1", day: 100) with { System = VehicleSystem.Engine, UnitReplaced = true, SeriousSafety = true },
            Repair("R2", day: 200) with { System = VehicleSystem.Engine, UnitReplaced = true, SeriousSafety = true },
        };

        var articles = Assess(400, 20_000, visits).Entitlements.Select(e => e.Article);

        Assert.Equal(["Art. 24(1)", "Art. 24(2)"], articles);
    }
}
