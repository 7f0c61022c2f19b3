using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Tests.Warranty;

public sealed class WarrantyPolicyTests
{
    private static readonly WarrantyPolicy Defaults = WarrantyPolicy.Default;

    [Fact]
    public void Defaults_AreTheRegulationsAndTheSeedsNumbers()
    {
        Assert.Equal(new MonthsOrKm(36, 60_000), Defaults.Warranty);
        Assert.Equal(new MonthsOrKm(24, 50_000), Defaults.Sanbao);
        Assert.Equal(new MonthsOrKm(6, 5_000), Defaults.FirstMaintenance);
        Assert.Equal(new DaysOrKm(60, 3_000), Defaults.EarlyFailureWindow);
        Assert.Equal(7, Defaults.EarlyReplacementDays);
        Assert.Equal(5, Defaults.LoanerAfterRepairDays);
        Assert.Equal(new ReplaceOrRefundThresholds(), Defaults.ReplaceOrRefund);
        Assert.Equal(2, Defaults.ReplaceOrRefund.SeriousSafetyRepairs);
        Assert.Equal(2, Defaults.ReplaceOrRefund.UnitReplacements);
        Assert.Equal(2, Defaults.ReplaceOrRefund.SameMainPartReplacements);
        Assert.Equal(30, Defaults.ReplaceOrRefund.MaxCumulativeRepairDays);
        Assert.Equal(4, Defaults.ReplaceOrRefund.MaxSameProblemRepairs);
        Assert.Equal(25, Defaults.ReplaceOrRefund.WatchRepairDays);
        Assert.Equal(4, Defaults.ReplaceOrRefund.WatchSameProblemRepairs);
        Assert.Equal(TimeSpan.FromHours(8), Defaults.BusinessUtcOffset);
        Assert.Equal(0.005m, Defaults.UsageCompensationRate);
    }

    [Fact]
    public void DefaultComponents_AreTractionBatteryForHybridsAndEvs_AndDriveMotorForEvs()
    {
        var battery = Defaults.Components.Single(c => c.Name == "tractionBattery");
        var motor = Defaults.Components.Single(c => c.Name == "driveMotor");

        Assert.Equal([Powertrain.Hev, Powertrain.Bev], battery.Powertrains);
        Assert.Equal([Powertrain.Bev], motor.Powertrains);
        Assert.All(new[] { battery, motor }, c => Assert.Equal((96, 150_000), (c.Months, c.Km)));
        Assert.All(new[] { battery, motor }, c => Assert.Empty(c.Models));
    }

    [Theory]
    [InlineData(WorkGrade.Overhaul, 100, 20_000)]
    [InlineData(WorkGrade.Secondary, 30, 5_000)]
    [InlineData(WorkGrade.Minor, 10, 2_000)]
    public void RepairQualityGuarantee_Defaults_FollowSeed002(WorkGrade grade, int days, int km) =>
        Assert.Equal(new DaysOrKm(days, km), Defaults.RepairQualityGuarantee.For(grade));

    [Fact]
    public void Defaults_Validate() => Assert.Empty(Defaults.Validate());

    public static TheoryData<WarrantyPolicy, string> InvalidPolicies() => new()
    {
        { new WarrantyPolicy { UsageCompensationRate = 0.006m }, "UsageCompensationRate must be above 0 and at most 0.005" },
        { new WarrantyPolicy { UsageCompensationRate = 0m }, "UsageCompensationRate must be above 0" },
        { new WarrantyPolicy { Warranty = new MonthsOrKm(0, 60_000) }, "Warranty:Months must be positive; it is 0." },
        { new WarrantyPolicy { Sanbao = new MonthsOrKm(24, -1) }, "Sanbao:Km must be positive; it is -1." },
        { new WarrantyPolicy { EarlyFailureWindow = new DaysOrKm(0, 3_000) }, "EarlyFailureWindow:Days must be positive" },
        { new WarrantyPolicy { ReplaceOrRefund = new ReplaceOrRefundThresholds { MaxSameProblemRepairs = 0 } }, "ReplaceOrRefund:MaxSameProblemRepairs must be positive" },
        { new WarrantyPolicy { ReplaceOrRefund = new ReplaceOrRefundThresholds { WatchRepairDays = 31 } }, "ReplaceOrRefund:WatchRepairDays must be 1–30" },
        { new WarrantyPolicy { ReplaceOrRefund = new ReplaceOrRefundThresholds { WatchSameProblemRepairs = 0 } }, "ReplaceOrRefund:WatchSameProblemRepairs must be 1–4" },
        { new WarrantyPolicy { BusinessUtcOffset = TimeSpan.FromHours(15) }, "BusinessUtcOffset must be between -14:00 and +14:00" },
        { new WarrantyPolicy { RepairQualityGuarantee = new RepairQualityGuarantee { Minor = new DaysOrKm(10, 0) } }, "RepairQualityGuarantee:Minor:Km must be positive" },
        { new WarrantyPolicy { Components = [new ComponentCoverage { Name = "", Powertrains = [Powertrain.Bev], Months = 96, Km = 150_000 }] }, "Components[0]:Name is required." },
        { new WarrantyPolicy { Components = [new ComponentCoverage { Name = "x", Months = 96, Km = 150_000 }] }, "Components[0]:Powertrains must name at least one powertrain." },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void Validate_NamesTheFieldThatIsWrong(WarrantyPolicy policy, string expected)
    {
        var error = Assert.Single(policy.Validate());
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredNumbers_ChangeTheRules_WithoutACodeChange()
    {
        var policy = new WarrantyPolicy { EarlyReplacementDays = 15 };
        var visit = Build.Repair("R1", day: 12) with { System = VehicleSystem.Engine, UnitReplaced = true };
        var asOf = Build.Date(30);

        var defaults = WarrantyRules.Assess(Build.Vehicle(), [visit], asOf, 2_000, Build.EndOf(asOf), WarrantyPolicy.Default);
        var configured = WarrantyRules.Assess(Build.Vehicle(), [visit], asOf, 2_000, Build.EndOf(asOf), policy);

        Assert.Empty(defaults.ByArticle("Art. 22"));
        Assert.Single(configured.ByArticle("Art. 22"));
    }
}
