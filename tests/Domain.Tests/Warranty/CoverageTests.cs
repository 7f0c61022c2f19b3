using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

public sealed class CoverageTests
{
    // Start 2025-03-01: 包修期 ends 2028-03-01 / 60,000 km; 三包有效期 ends 2027-03-01 / 50,000 km.
    [Theory]
    [InlineData("warranty", "2028-03-01", 10_000, CoverageState.Active, 0, 50_000)] // last day: still active
    [InlineData("warranty", "2028-03-02", 10_000, CoverageState.ExpiredByTime, 0, 0)] // the day after
    [InlineData("warranty", "2028-02-28", 10_000, CoverageState.Active, 2, 50_000)]
    [InlineData("warranty", "2026-03-01", 59_999, CoverageState.Active, 731, 1)]
    [InlineData("warranty", "2026-03-01", 60_000, CoverageState.ExpiredByMileage, 0, 0)]
    [InlineData("sanbao", "2027-03-01", 49_999, CoverageState.Active, 0, 1)]
    [InlineData("sanbao", "2027-03-02", 10_000, CoverageState.ExpiredByTime, 0, 0)]
    [InlineData("sanbao", "2026-03-01", 50_000, CoverageState.ExpiredByMileage, 0, 0)]
    [InlineData("sanbao", "2025-03-01", 0, CoverageState.Active, 730, 50_000)] // day 0
    public void Coverage_IsActiveThroughItsLastDay_AndUntilTheOdometerReachesTheLimit(
        string name, string asOf, int km, CoverageState state, int remainingDays, int remainingKm)
    {
        var coverage = Assess(Vehicle(), D(asOf), km).Coverage(name);

        Assert.Equal(state, coverage.State);
        Assert.Equal(remainingDays, coverage.RemainingDays);
        Assert.Equal(remainingKm, coverage.RemainingKm);
    }

    [Theory]
    [InlineData("warranty", "2028-03-01", 60_000)]
    [InlineData("sanbao", "2027-03-01", 50_000)]
    public void Coverage_ReportsItsLastDayAndItsKmLimit(string name, string endsOn, int endsAtKm)
    {
        var coverage = Assess(Vehicle(), D("2025-06-01"), 1_000).Coverage(name);

        Assert.Equal(D(endsOn), coverage.EndsOn);
        Assert.Equal(endsAtKm, coverage.EndsAtKm);
    }

    [Fact]
    public void Warranty_ExpiresByMileageBeforeTime_WhenDriven60000kmInYearTwo()
    {
        var vehicle = Vehicle(Powertrain.Ice, Reading(D("2026-11-20"), 60_400));

        var coverage = Assess(vehicle, D("2026-12-01"), 61_000).Coverage("warranty");

        Assert.Equal(CoverageState.ExpiredByMileage, coverage.State);
        Assert.Equal(0, coverage.RemainingDays);
        Assert.Equal(0, coverage.RemainingKm);
    }

    [Fact]
    public void Warranty_ExpiresByTimeBeforeMileage_WhenDrivenLittle()
    {
        var coverage = Assess(Vehicle(), D("2028-03-02"), 20_000).Coverage("warranty");

        Assert.Equal(CoverageState.ExpiredByTime, coverage.State);
    }

    [Theory]
    [InlineData("2027-06-01", CoverageState.ExpiredByMileage)] // limit reached in year 3, time passed later
    [InlineData("2028-03-01", CoverageState.ExpiredByMileage)] // reached on the last covered day
    [InlineData("2028-03-02", CoverageState.ExpiredByTime)] // reached the day after time ran out
    [InlineData("2028-09-01", CoverageState.ExpiredByTime)]
    public void Warranty_WhenBothLimitsHavePassed_ReportsTheOneThatPassedFirst_FromTheOdometerHistory(string reachedOn, CoverageState expected)
    {
        var vehicle = Vehicle(
            Powertrain.Ice,
            Reading(D("2026-03-01"), 30_000),
            Reading(D(reachedOn), 60_000),
            Reading(D("2029-01-01"), 75_000));

        var coverage = Assess(vehicle, D("2029-02-01"), 76_000).Coverage("warranty");

        Assert.Equal(expected, coverage.State);
        Assert.Equal(0, coverage.RemainingDays);
        Assert.Equal(0, coverage.RemainingKm);
    }

    [Fact]
    public void Warranty_WhenBothLimitsHavePassed_AndNoRecordedReadingShowsWhenKmRanOut_ReportsTime()
    {
        var coverage = Assess(Vehicle(), D("2029-02-01"), 76_000).Coverage("warranty");

        Assert.Equal(CoverageState.ExpiredByTime, coverage.State);
    }

    [Fact]
    public void Assess_UsesTheRecordedOdometer_WhenTheMileageAskedAboutIsLower()
    {
        var vehicle = Vehicle(Powertrain.Ice, Reading(D("2026-01-10"), 50_000));

        var assessment = Assess(vehicle, D("2026-02-01"), 100);

        Assert.Equal(50_000, assessment.MileageKm);
        Assert.Equal(CoverageState.ExpiredByMileage, assessment.Coverage("sanbao").State);
        Assert.Equal(CoverageState.Active, assessment.Coverage("warranty").State);
        Assert.Equal(10_000, assessment.Coverage("warranty").RemainingKm);
    }

    [Theory]
    [InlineData(Powertrain.Ice, "warranty,sanbao")]
    [InlineData(Powertrain.Hev, "warranty,sanbao,tractionBattery")]
    [InlineData(Powertrain.Bev, "warranty,sanbao,tractionBattery,driveMotor")]
    public void ComponentCoverages_ApplyOnlyToTheirPowertrains(Powertrain powertrain, string expected)
    {
        var assessment = Assess(Vehicle(powertrain), D("2025-06-01"), 1_000);

        Assert.Equal(expected, string.Join(",", assessment.Coverages.Select(c => c.Name)));
    }

    [Fact]
    public void TractionBattery_IsCoveredFor96MonthsOr150000km()
    {
        var battery = Assess(Vehicle(Powertrain.Bev), D("2030-03-01"), 100_000).Coverage("tractionBattery");

        Assert.Equal(CoverageState.Active, battery.State);
        Assert.Equal(D("2033-03-01"), battery.EndsOn);
        Assert.Equal(150_000, battery.EndsAtKm);
        Assert.Equal(50_000, battery.RemainingKm);
        Assert.Equal(1096, battery.RemainingDays);
    }

    [Theory]
    [InlineData("EV7", true)]
    [InlineData("ev7", true)]
    [InlineData("EV5", false)]
    public void ComponentCoverage_LimitedToModels_AppliesOnlyToThoseModels(string model, bool applies)
    {
        var policy = new WarrantyPolicy
        {
            Components = [new ComponentCoverage { Name = "hybridUnit", Powertrains = [Powertrain.Hev], Models = ["EV7"], Months = 120, Km = 200_000 }],
        };
        var vehicle = Vehicle(Powertrain.Hev) with { Model = model };

        var assessment = WarrantyRules.Assess(vehicle, [], D("2025-06-01"), 1_000, EndOf(D("2025-06-01")), policy);

        Assert.Equal(applies, assessment.Coverages.Any(c => c.Name == "hybridUnit"));
    }

    [Theory]
    [InlineData("2025-03-01", "2025-03-01", "2025-03-01", "2028-03-01")] // same date
    [InlineData("2025-03-01", "2025-03-10", "2025-03-10", "2028-03-10")] // Art. 18: delivery where they differ
    [InlineData("2025-03-01", null, "2025-03-01", "2028-03-01")] // invoice only
    public void Coverage_StartsOnTheInvoiceDate_OrTheDeliveryDateWhereTheyDiffer(string invoice, string? delivery, string start, string warrantyEndsOn)
    {
        var vehicle = Vehicle() with { InvoiceDate = D(invoice), DeliveryDate = delivery is null ? null : D(delivery) };

        var assessment = Assess(vehicle, D("2025-06-01"), 1_000);

        Assert.Equal(D(start), assessment.CoverageStart);
        Assert.Equal(D(warrantyEndsOn), assessment.Coverage("warranty").EndsOn);
    }

    [Fact]
    public void ReplacementVehicle_RestartsBothPeriods_FromTheRestartDateAndOdometer()
    {
        var restart = D("2026-09-01");
        var vehicle = Vehicle(Powertrain.Ice, Reading(D("2026-08-20"), 29_000), Reading(restart, 30_000)) with { CoverageRestartedOn = restart };
        var beforeRestart = Repair("R0", day: 100, km: 9_000) with { FaultCode = "P0300" };

        var assessment = Assess(vehicle, D("2027-09-01"), 60_000, beforeRestart);

        Assert.Equal(restart, assessment.CoverageStart);
        var sanbao = assessment.Coverage("sanbao");
        Assert.Equal(D("2028-09-01"), sanbao.EndsOn);
        Assert.Equal(80_000, sanbao.EndsAtKm);
        Assert.Equal(CoverageState.Active, sanbao.State);
        Assert.Equal(20_000, sanbao.RemainingKm);
        Assert.Equal(D("2029-09-01"), assessment.Coverage("warranty").EndsOn);
        Assert.Equal(90_000, assessment.Coverage("warranty").EndsAtKm);
        Assert.Empty(assessment.Counters.RepairsByFault);
    }

    [Fact]
    public void BeforeSale_TheAssessmentSaysSo_WithNoCoveragesAndNoEntitlements()
    {
        var vehicle = Vehicle() with { InvoiceDate = null, DeliveryDate = null };

        var assessment = Assess(vehicle, D("2025-06-01"), 5, Repair("R1", day: 1));

        Assert.Null(assessment.CoverageStart);
        Assert.Contains("Art. 18", assessment.Note, StringComparison.Ordinal);
        Assert.Empty(assessment.Coverages);
        Assert.Null(assessment.FirstMaintenance);
        Assert.Empty(assessment.Entitlements);
        Assert.Equal(0, assessment.Counters.RepairDays);
    }

    [Fact]
    public void AfterSale_ThereIsNoNote()
    {
        Assert.Null(Assess(Vehicle(), D("2025-06-01"), 1_000).Note);
    }

    [Fact]
    public void Assess_RejectsANegativeMileage() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Assess(Vehicle(), D("2025-06-01"), -1));

    [Fact]
    public void Counters_IgnoreMaintenanceAndNonWarrantyRepairs()
    {
        var maintenance = Repair("M1", day: 10) with { Kind = VisitKind.Maintenance, FaultCode = "P0300" };
        var paid = Repair("R1", day: 11) with { Warranty = false, FaultCode = "P0300" };
        var warranty = Repair("R2", day: 12) with { FaultCode = "P0300" };

        var counters = Assess(30, 2_000, maintenance, paid, warranty).Counters;

        Assert.Equal(1, counters.RepairsByFault["P0300"]);
        Assert.Equal(1, counters.RepairDays);
    }
}
