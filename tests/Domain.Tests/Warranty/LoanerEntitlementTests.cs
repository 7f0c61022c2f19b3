using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Warranty;

/// <summary>Art. 21: a repair lasting more than 5 days earns a loaner car or transport compensation from day 6.</summary>
public sealed class LoanerEntitlementTests
{
    [Theory]
    [InlineData(5 * 24, 0)] // exactly 5 days: nothing
    [InlineData(5 * 24 + 1, 1)] // 6 Art. 40 days: 1 compensated day
    [InlineData(8 * 24, 3)]
    public void Article21_LoanerOrCompensation_WhenOneRepairTakesMoreThan5Days(int hours, int compensatedDays)
    {
        var visit = Lasting("R1", day: 20, TimeSpan.FromHours(hours));

        var art21 = Assess(60, 2_000, visit).ByArticle("Art. 21");

        Assert.Equal(compensatedDays > 0, art21.Count == 1);
        if (compensatedDays > 0)
        {
            Assert.Equal(Remedy.LoanerOrCompensation, art21[0].Remedy);
            Assert.Equal(["R1"], art21[0].VisitIds);
            var days = compensatedDays + 5;
            var compensated = compensatedDays == 1 ? "1 day" : $"{compensatedDays} days";
            Assert.Equal(
                $"Repair R1 at station S-001 took {days} days, more than 5: the owner is entitled to a loaner car or transport compensation for {compensated}, from day 6.",
                art21[0].Reason);
        }
    }

    [Theory]
    [InlineData(5 * 24, false)]
    [InlineData(5 * 24 + 1, true)]
    public void Article21_CountsAnOpenRepairUpToTheEvaluationInstant(int hoursSoFar, bool entitled)
    {
        var open = Repair("R1", day: 20) with { CompletedAt = null };
        var evaluatedAt = Day(20) + TimeSpan.FromHours(hoursSoFar);

        var assessment = WarrantyRules.Assess(Vehicle(), [open], Date(26), 2_000, evaluatedAt, WarrantyPolicy.Default);

        var art21 = assessment.ByArticle("Art. 21");
        Assert.Equal(entitled, art21.Count == 1);
        if (entitled)
        {
            Assert.Contains("has taken 6 days so far and is still open", art21[0].Reason, StringComparison.Ordinal);
            Assert.Contains("from day 6, 1 day so far", art21[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Article21_CountsWaitingForPartsAndShipping_ThatArt24Excludes()
    {
        var visit = Lasting("R1", day: 20, TimeSpan.FromDays(6)) with { ExcludedTime = TimeSpan.FromDays(3) };

        var assessment = Assess(60, 2_000, visit);

        Assert.Single(assessment.ByArticle("Art. 21"));
        Assert.Equal(3, assessment.Counters.RepairDays);
    }

    [Theory]
    [InlineData("2028-03-01", 59_999, true)] // agreed on the last day of the 包修期
    [InlineData("2028-03-02", 50_000, false)] // the day after
    [InlineData("2027-06-01", 60_000, false)] // at the 包修期 km limit
    public void Article21_AppliesOnlyToRepairsAgreedInsideTheWarrantyPeriod(string agreed, int km, bool entitled)
    {
        var visit = Repair("R1", day: 0, km) with { AgreedAt = At(D(agreed)), CompletedAt = At(D(agreed)).AddDays(7) };

        var assessment = Assess(Vehicle(), D("2028-03-20"), 60_500, visit);

        Assert.Equal(entitled, assessment.ByArticle("Art. 21").Count == 1);
    }

    [Fact]
    public void Article21_IgnoresMaintenance()
    {
        var maintenance = Lasting("M1", day: 20, TimeSpan.FromDays(10)) with { Kind = VisitKind.Maintenance };

        Assert.Empty(Assess(60, 2_000, maintenance).Entitlements);
    }

    [Fact]
    public void Article21_GivesOneEntitlementPerLongRepair()
    {
        var assessment = Assess(
            90,
            2_000,
            Lasting("R1", day: 10, TimeSpan.FromDays(6)),
            Lasting("R2", day: 30, TimeSpan.FromDays(2)),
            Lasting("R3", day: 50, TimeSpan.FromDays(7)));

        Assert.Equal(["R1", "R3"], assessment.ByArticle("Art. 21").SelectMany(e => e.VisitIds));
    }
}
