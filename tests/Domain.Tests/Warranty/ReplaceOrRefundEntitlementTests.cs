using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

/// <summary>
/// Art. 24 of SAMR Order No. 43: replacement or refund inside the 三包有效期 (start 2025-03-01: the period ends
/// 2027-03-01 / 50,000 km). (1) serious safety faults repaired twice in total and the fault still not eliminated
/// (仍未排除), or a new serious safety fault; (2) engine, gearbox, traction battery or drive motor replaced twice and
/// still not usable (仍不能正常使用); (3) the same main part of a listed system replaced twice and still not usable;
/// (4) more than 30 repair days in total, or the same quality problem repaired more than 4 times. For (1)–(3) the two
/// repairs alone are a watch: a later appraisal must show the fault persisting. Unit and main-part replacements are
/// counted separately. A condition that arose inside the period keeps its entitlement after the period ends.
/// </summary>
public sealed class ReplaceOrRefundEntitlementTests
{
    private static RepairVisit[] Visits(int count, Func<int, RepairVisit> make) =>
        Enumerable.Range(1, count).Select(make).ToArray();

    private static RepairVisit Safety(string id, int day, string fault = "C1001") =>
        Repair(id, day, km: 50 * day) with { System = VehicleSystem.Brakes, SeriousSafety = true, FaultCode = fault };

    [Fact]
    public void Article24_1_OneSeriousSafetyRepair_IsNothingYet()
    {
        var assessment = Assess(400, 20_000, Safety("R1", 100));

        Assert.Equal(1, assessment.Counters.SeriousSafetyRepairs);
        Assert.Empty(assessment.ByArticle("Art. 24(1)"));
    }

    [Fact]
    public void Article24_1_TwoRepairsOfAFaultThatWasFixed_IsAWatch_NotAnEntitlement()
    {
        var assessment = Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200));

        var art = Assert.Single(assessment.ByArticle("Art. 24(1)"));
        Assert.Equal(EntitlementStatus.Watch, art.Status);
        Assert.Equal(Remedy.ReplaceOrRefund, art.Remedy);
        Assert.Equal(["R1", "R2"], art.VisitIds);
        Assert.Contains("repaired 2 times inside the 三包 validity period (repairs R1, R2): if an appraisal finds the fault still not eliminated", art.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article24_1_IsGranted_WhenALaterAppraisalFindsTheSameFaultStillNotEliminated()
    {
        var assessment = Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200), Safety("R3", 300));

        var art = Assert.Single(assessment.ByArticle("Art. 24(1)"));
        Assert.Equal(EntitlementStatus.Granted, art.Status);
        Assert.Equal(["R1", "R2", "R3"], art.VisitIds);
        Assert.Contains("appraisal R3 found the fault still not eliminated (fault code C1001)", art.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article24_1_IsGranted_WhenANewSeriousSafetyFaultAppears()
    {
        var assessment = Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200), Safety("R3", 300, fault: "S2002") with { System = VehicleSystem.Steering });

        var art = Assert.Single(assessment.ByArticle("Art. 24(1)"));
        Assert.Equal(EntitlementStatus.Granted, art.Status);
        Assert.Contains("appraisal R3 found a new serious safety fault (S2002)", art.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article24_1_ALaterFaultThatIsNotASeriousSafetyFault_LeavesItOnWatch()
    {
        var assessment = Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200), Repair("R3", 300) with { FaultCode = "C1001" });

        Assert.Equal(EntitlementStatus.Watch, Assert.Single(assessment.ByArticle("Art. 24(1)")).Status);
    }

    [Fact]
    public void Article24_1_AnAppraisalWhoseRepairWasCancelled_StillShowsTheFaultPersisting_ButIsNoRepair()
    {
        // The owner chose a replacement once the third appraisal confirmed the fault: the work order was cancelled.
        var assessment = Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200), Safety("R3", 300) with { Cancelled = true, CompletedAt = Day(301) });

        Assert.Equal(EntitlementStatus.Granted, Assert.Single(assessment.ByArticle("Art. 24(1)")).Status);
        Assert.Equal(2, assessment.Counters.SeriousSafetyRepairs);
        Assert.Equal(2, assessment.Counters.RepairDays);
    }

    [Theory]
    [InlineData("2027-03-01", 49_999, EntitlementStatus.Watch)] // last day of the 三包有效期: still watched
    [InlineData("2027-03-02", 49_999, null)] // the day after: a watch that never came true is gone
    [InlineData("2027-03-01", 50_000, null)] // the km limit
    public void Article24_1_AWatchIsShownOnlyWhileTheSanbaoPeriodRuns(string asOf, int km, EntitlementStatus? expected)
    {
        var art = Assess(Vehicle(), D(asOf), km, Safety("R1", 100), Safety("R2", 200)).ByArticle("Art. 24(1)");

        Assert.Equal(expected, art.SingleOrDefault()?.Status);
    }

    [Fact]
    public void Article24_1_AGrantThatAroseInsideThePeriod_StaysAfterItEnds()
    {
        var art = Assess(Vehicle(), D("2027-06-01"), 60_000, Safety("R1", 100), Safety("R2", 200), Safety("R3", 300)).ByArticle("Art. 24(1)");

        Assert.Equal(EntitlementStatus.Granted, Assert.Single(art).Status);
    }

    [Fact]
    public void Article24_1_AnAppraisalAfterThePeriodEnded_GrantsNothing()
    {
        var late = Safety("R3", 0) with { AgreedAt = At(D("2027-03-02")), CompletedAt = At(D("2027-03-02"), 12), MileageKm = 40_000 };

        var assessment = Assess(Vehicle(), D("2027-03-05"), 40_100, Safety("R1", 100), Safety("R2", 200), late);

        Assert.Empty(assessment.ByArticle("Art. 24(1)"));
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(2, EntitlementStatus.Watch)]
    public void Article24_2_TwoUnitReplacements_AreAWatch(int replacements, EntitlementStatus? expected)
    {
        var visits = Visits(replacements, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Gearbox, UnitReplaced = true });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(replacements, assessment.Counters.UnitReplacements);
        var art = assessment.ByArticle("Art. 24(2)");
        Assert.Equal(expected, art.SingleOrDefault()?.Status);
        if (expected is not null)
        {
            Assert.Contains("replaced 2 times inside the 三包 validity period (R1: gearbox, R2: gearbox)", art[0].Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(VehicleSystem.Gearbox, EntitlementStatus.Granted)] // the replaced unit still not usable
    [InlineData(VehicleSystem.Engine, EntitlementStatus.Watch)] // another unit: says nothing about the gearbox
    public void Article24_2_IsGranted_WhenALaterAppraisalFindsTheReplacedUnitStillNotUsable(VehicleSystem laterSystem, EntitlementStatus expected)
    {
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Gearbox, UnitReplaced = true })
            .Append(Repair("R3", day: 300, km: 15_000) with { System = laterSystem })
            .ToArray();

        var art = Assert.Single(Assess(400, 20_000, visits).ByArticle("Art. 24(2)"));

        Assert.Equal(expected, art.Status);
        if (expected == EntitlementStatus.Granted)
        {
            Assert.Equal(["R1", "R2", "R3"], art.VisitIds);
            Assert.Contains("appraisal R3 found the gearbox still not usable", art.Reason, StringComparison.Ordinal);
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
    [InlineData(1, null)]
    [InlineData(2, EntitlementStatus.Watch)]
    public void Article24_3_TheSameMainPartReplacedTwice_IsAWatch(int replacements, EntitlementStatus? expected)
    {
        var visits = Visits(replacements, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with
        {
            System = VehicleSystem.Suspension,
            MainPartsReplaced = ["SUS-ARM-L"],
        });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(replacements, assessment.Counters.MainPartReplacements["SUS-ARM-L"]);
        var art = assessment.ByArticle("Art. 24(3)");
        Assert.Equal(expected, art.SingleOrDefault()?.Status);
        if (expected is not null)
        {
            Assert.Contains("Main part SUS-ARM-L of the suspension has been replaced 2 times", art[0].Reason, StringComparison.Ordinal);
            Assert.Equal(["R1", "R2"], art[0].VisitIds);
        }
    }

    [Theory]
    [InlineData("SUS-ARM-L", "F-OTHER", EntitlementStatus.Granted)] // the same main part fails again
    [InlineData("SUS-SPRING", "F-R1", EntitlementStatus.Granted)] // the same fault again
    [InlineData("SUS-SPRING", "F-OTHER", EntitlementStatus.Watch)] // another part, another fault
    public void Article24_3_IsGranted_WhenALaterAppraisalFindsItStillNotUsable(string laterPart, string laterFault, EntitlementStatus expected)
    {
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with { System = VehicleSystem.Suspension, MainPartsReplaced = ["SUS-ARM-L"] })
            .Append(Repair("R3", day: 300, km: 15_000) with { System = VehicleSystem.Suspension, MainPartsReplaced = [laterPart], FaultCode = laterFault })
            .ToArray();

        var art = Assess(400, 20_000, visits).ByArticle("Art. 24(3)").Single(e => e.Reason.Contains("SUS-ARM-L", StringComparison.Ordinal));

        Assert.Equal(expected, art.Status);
    }

    [Fact]
    public void Article24_3_NotForTwoDifferentMainParts()
    {
        var assessment = Assess(
            400,
            20_000,
            Repair("R1", day: 100) with { System = VehicleSystem.Brakes, MainPartsReplaced = ["BRK-CALIPER"] },
            Repair("R2", day: 200) with { System = VehicleSystem.Brakes, MainPartsReplaced = ["BRK-MASTER"] });

        Assert.Empty(assessment.ByArticle("Art. 24(3)"));
    }

    [Theory]
    [InlineData(VehicleSystem.Electrical, false)]
    [InlineData(VehicleSystem.Other, false)]
    [InlineData(VehicleSystem.EmissionControl, true)]
    [InlineData(VehicleSystem.Body, true)]
    [InlineData(VehicleSystem.Drivetrain, true)]
    public void Article24_3_CountsOnlyTheMainPartsOfTheListedSystems(VehicleSystem system, bool counted)
    {
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i) with { System = system, MainPartsReplaced = ["PART-1"] });

        Assert.Equal(counted, Assess(400, 20_000, visits).ByArticle("Art. 24(3)").Count == 1);
    }

    [Fact]
    public void Article24_UnitAndMainPartReplacements_AreCountedSeparately_NeverTwice()
    {
        // Two engine replacements whose appraisals also list the crankshaft: two unit replacements, no main-part count.
        var visits = Visits(2, i => Repair($"R{i}", day: 100 * i, km: 5_000 * i) with
        {
            System = VehicleSystem.Engine,
            UnitReplaced = true,
            MainPartsReplaced = ["ENG-CRANK"],
        });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(2, assessment.Counters.UnitReplacements);
        Assert.Empty(assessment.Counters.MainPartReplacements);
        Assert.Empty(assessment.ByArticle("Art. 24(3)"));
        Assert.Single(assessment.ByArticle("Art. 24(2)"));
    }

    [Theory]
    [InlineData(24, null)] // below the early warning
    [InlineData(25, EntitlementStatus.Watch)] // the warranty department's early warning (policy: 25 days)
    [InlineData(30, EntitlementStatus.Watch)] // 30 is not more than 30
    [InlineData(31, EntitlementStatus.Granted)] // more than 30 repair days
    public void Article24_4_RepairDays_WarnAt25_GrantAbove30(int days, EntitlementStatus? expected)
    {
        var assessment = Assess(400, 20_000, Lasting("R1", day: 100, TimeSpan.FromDays(days)));

        Assert.Equal(days, assessment.Counters.RepairDays);
        Assert.Equal(expected, assessment.ByArticle("Art. 24(4)").SingleOrDefault()?.Status);
    }

    [Fact]
    public void Article24_4_ListsEachRepairsDays()
    {
        var art = Assess(400, 20_000, Lasting("R1", day: 100, TimeSpan.FromDays(15)), Lasting("R2", day: 200, TimeSpan.FromDays(15) + TimeSpan.FromHours(1)))
            .ByArticle("Art. 24(4)");

        Assert.Contains("have taken 31 days in total (R1: 15 days, R2: 16 days), more than 30", Assert.Single(art).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30.00:00:00", "00:00:00", 30, EntitlementStatus.Watch)] // 30 d → 30 (Art. 40)
    [InlineData("30.01:00:00", "00:00:00", 31, EntitlementStatus.Granted)] // 30 d + 1 h → 31
    [InlineData("32.00:00:00", "2.00:00:00", 30, EntitlementStatus.Watch)] // shipping of a VIN-customised part excluded
    [InlineData("32.00:00:00", "1.23:00:00", 31, EntitlementStatus.Granted)]
    public void Article24_4_CountsRepairDaysByArticle40_LessTheExclusions(string duration, string excluded, int days, EntitlementStatus expected)
    {
        var visit = Lasting("R1", day: 100, TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture)) with
        {
            ExcludedTime = TimeSpan.Parse(excluded, System.Globalization.CultureInfo.InvariantCulture),
        };

        var assessment = Assess(400, 20_000, visit);

        Assert.Equal(days, assessment.Counters.RepairDays);
        Assert.Equal(expected, Assert.Single(assessment.ByArticle("Art. 24(4)")).Status);
    }

    [Fact]
    public void Article24_4_CountsAnOpenRepairUpToTheEvaluationInstant()
    {
        var open = Repair("R1", day: 100) with { CompletedAt = null };

        var assessment = WarrantyRules.Assess(Vehicle(), [open], Date(140), 20_000, Day(100) + TimeSpan.FromDays(30) + TimeSpan.FromHours(1), WarrantyPolicy.Default);

        Assert.Equal(31, assessment.Counters.RepairDays);
        Assert.Equal(EntitlementStatus.Granted, Assert.Single(assessment.ByArticle("Art. 24(4)")).Status);
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(4, EntitlementStatus.Watch)] // the 4th repair of one fault: early warning
    [InlineData(5, EntitlementStatus.Granted)] // more than 4
    public void Article24_4_SameProblem_WarnsAtTheFourthRepair_GrantsAtTheFifth(int repairs, EntitlementStatus? expected)
    {
        var visits = Visits(repairs, i => Repair($"R{i}", day: 50 * i, km: 2_000 * i) with { FaultCode = i % 2 == 0 ? "p0300" : "P0300" });

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(repairs, assessment.Counters.RepairsByFault["P0300"]);
        var art = assessment.ByArticle("Art. 24(4)");
        Assert.Equal(expected, art.SingleOrDefault()?.Status);
        if (expected == EntitlementStatus.Granted)
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
        Assert.All(art, e => Assert.Equal(EntitlementStatus.Granted, e.Status));
    }

    [Theory]
    [InlineData("2027-03-01", 49_999)] // the last day of the 三包有效期
    [InlineData("2027-06-01", 49_999)] // after it ended by time
    [InlineData("2027-03-01", 50_000)] // after it ended by mileage
    public void Article24_4_AGrantThatAroseInsideThePeriod_StaysAfterItEnds(string asOf, int km)
    {
        var visits = Visits(5, i => Repair($"R{i}", day: 50 * i, km: 2_000 * i) with { FaultCode = "P0300" });

        var assessment = Assess(Vehicle(), D(asOf), km, visits);

        Assert.Equal(EntitlementStatus.Granted, Assert.Single(assessment.ByArticle("Art. 24(4)")).Status);
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
        Assert.Empty(assessment.ByArticle("Art. 24(4)")); // four repairs inside, and the watch ended with the period
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
            Repair("R7", day: 401) with { FaultCode = "P0300" }, // after the date asked
        };

        var assessment = Assess(400, 20_000, visits);

        Assert.Equal(3, assessment.Counters.RepairsByFault["P0300"]);
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

    [Fact]
    public void Article27_Article24RemediesCarryTheUsageCompensation_AsANumber()
    {
        // ¥150,000 × 20,000 km ÷ 1000 × 0.5 % = ¥15,000.00 on a replacement or a refund.
        var art = Assert.Single(Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200), Safety("R3", 300)).ByArticle("Art. 24(1)"));

        Assert.Equal(15_000.00m, art.UsageCompensation);
        Assert.Contains("usage compensation of ¥15,000.00 at 20,000 km driven (Art. 27: price ¥150,000.00 × 20,000 km ÷ 1000 × 0.5 %)", art.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Article27_AWatchShowsTheAmountItWouldCost()
    {
        Assert.Equal(15_000.00m, Assert.Single(Assess(400, 20_000, Safety("R1", 100), Safety("R2", 200)).ByArticle("Art. 24(1)")).UsageCompensation);
    }

    [Fact]
    public void Article27_CountsKmFromTheOdometerOnTheStartDate()
    {
        var vehicle = Vehicle(Powertrain.Ice, Reading(Start, 12));

        var art = Assess(vehicle, Date(400), 20_012, Safety("R1", 100), Safety("R2", 200)).ByArticle("Art. 24(1)")[0];

        Assert.Equal(15_000.00m, art.UsageCompensation);
    }
}
