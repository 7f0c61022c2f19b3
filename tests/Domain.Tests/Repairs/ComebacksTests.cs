using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Repairs;

public sealed class ComebacksTests
{
    private const int BaseKm = 10_000;

    /// <summary>Work for fault P0300 agreed on <paramref name="day"/> and completed <paramref name="daysInRepair"/> days later.</summary>
    private static RepairVisit Work(string id, int day, int km, WorkGrade grade = WorkGrade.Minor, int daysInRepair = 0) =>
        Repair(id, day, km) with
        {
            StationCode = "S-" + id,
            FaultCode = "P0300",
            WorkGrade = grade,
            CompletedAt = Day(day + daysInRepair, 17),
        };

    /// <summary>A new visit for fault P0300 agreed at 18:00 on <paramref name="day"/>, after that day's work was completed.</summary>
    private static RepairVisit Returning(string id, int day, int km) =>
        Repair(id, day, km) with { FaultCode = "P0300", AgreedAt = Day(day, 18), CompletedAt = null };

    private static ComebackFinding? Find(RepairVisit newVisit, params RepairVisit[] archive) =>
        Comebacks.Find([.. archive, newVisit], newVisit, WarrantyPolicy.Default);

    [Theory]
    [InlineData(WorkGrade.Minor, 10, 1_999, true)] // 10 days, 1,999 km: inside
    [InlineData(WorkGrade.Minor, 11, 100, false)] // 11 days: outside
    [InlineData(WorkGrade.Minor, 5, 2_000, false)] // 2,000 km: outside
    [InlineData(WorkGrade.Secondary, 30, 4_999, true)]
    [InlineData(WorkGrade.Secondary, 31, 100, false)]
    [InlineData(WorkGrade.Secondary, 5, 5_000, false)]
    [InlineData(WorkGrade.Overhaul, 100, 19_999, true)]
    [InlineData(WorkGrade.Overhaul, 101, 100, false)]
    [InlineData(WorkGrade.Overhaul, 5, 20_000, false)]
    [InlineData(WorkGrade.Minor, 0, 0, true)] // back the same day
    public void Comeback_IsInsideTheGuaranteeOfItsWorkGrade_DaysOrKmWhicheverFirst(WorkGrade grade, int daysSince, int kmSince, bool comeback)
    {
        var previous = Work("V1", day: 20, BaseKm, grade);

        var finding = Find(Returning("V2", 20 + daysSince, BaseKm + kmSince), previous);

        Assert.Equal(comeback, finding is not null);
        if (finding is not null)
        {
            Assert.Equal("V1", finding.PreviousVisitId);
            Assert.Equal("S-V1", finding.PreviousStationCode);
            Assert.Equal(grade, finding.PreviousWorkGrade);
            Assert.Equal(daysSince, finding.DaysSince);
            Assert.Equal(kmSince, finding.KmSince);
            Assert.False(finding.MustTransferToAnotherStation);
            Assert.Null(finding.EarlierComebackVisitId);
        }
    }

    [Theory]
    [InlineData(WorkGrade.Overhaul, 100, 20_000)]
    [InlineData(WorkGrade.Secondary, 30, 5_000)]
    [InlineData(WorkGrade.Minor, 10, 2_000)]
    public void Finding_ReportsTheGuaranteeOfThePreviousWorkGrade(WorkGrade grade, int days, int km)
    {
        var finding = Find(Returning("V2", 22, BaseKm + 10), Work("V1", day: 20, BaseKm, grade))!;

        Assert.Equal(days, finding.GuaranteeDays);
        Assert.Equal(km, finding.GuaranteeKm);
    }

    [Theory]
    [InlineData(15, true)] // completed day 5: 10 days since completion
    [InlineData(16, false)]
    public void Guarantee_RunsFromTheCompletionDate_NotTheDateAgreed(int day, bool comeback)
    {
        var previous = Work("V1", day: 0, BaseKm, WorkGrade.Minor, daysInRepair: 5);

        Assert.Equal(comeback, Find(Returning("V2", day, BaseKm + 100), previous) is not null);
    }

    [Fact]
    public void NotAComeback_ForADifferentFault()
    {
        var other = Returning("V2", 22, BaseKm + 10) with { FaultCode = "C1201" };

        Assert.Null(Find(other, Work("V1", day: 20, BaseKm)));
    }

    [Fact]
    public void NotAComeback_WithoutAFaultCode()
    {
        var noFault = Returning("V2", 22, BaseKm + 10) with { FaultCode = null };
        var previous = Work("V1", day: 20, BaseKm) with { FaultCode = null };

        Assert.Null(Find(noFault, previous));
    }

    [Fact]
    public void NotAComeback_OfWorkNotYetCompleted()
    {
        var open = Work("V1", day: 20, BaseKm) with { CompletedAt = null };

        Assert.Null(Find(Returning("V2", 22, BaseKm + 10), open));
    }

    [Fact]
    public void Comeback_MatchesTheFaultCodeCaseInsensitively()
    {
        var lower = Returning("V2", 22, BaseKm + 10) with { FaultCode = "p0300" };

        Assert.NotNull(Find(lower, Work("V1", day: 20, BaseKm)));
    }

    [Fact]
    public void Comeback_ReportsTheLatestCoveringWork()
    {
        var overhaul = Work("V1", day: 0, BaseKm, WorkGrade.Overhaul);
        var minor = Work("V2", day: 50, BaseKm + 3_000, WorkGrade.Minor) with { FaultCode = "P0300" };

        // V2 itself came back inside V1's guarantee, so this third failure also needs a transfer.
        var finding = Find(Returning("V3", 55, BaseKm + 3_500), overhaul, minor)!;

        Assert.Equal("V2", finding.PreviousVisitId);
        Assert.Equal(5, finding.DaysSince);
        Assert.Equal(500, finding.KmSince);
    }

    [Theory]
    [InlineData(8)] // V1 day 0, V2 back on day 3, V3 back on day 8: twice inside V1's 10 days
    [InlineData(10)] // V1's last day
    [InlineData(13)] // only inside V2's guarantee, which V2 earned as a comeback of V1
    public void TheSameFaultFailingTwiceInsideTheGuarantee_MustBeTransferredToAnotherStation(int thirdDay)
    {
        var first = Work("V1", day: 0, BaseKm);
        var comeback = Work("V2", day: 3, BaseKm + 200);

        var finding = Find(Returning("V3", thirdDay, BaseKm + 400), first, comeback)!;

        Assert.True(finding.MustTransferToAnotherStation);
        Assert.Equal("V2", finding.EarlierComebackVisitId);
        Assert.Equal("V2", finding.PreviousVisitId);
        Assert.Equal("S-V2", finding.PreviousStationCode);
    }

    [Fact]
    public void NoFinding_WhenTheThirdVisitIsOutsideEveryGuarantee()
    {
        var first = Work("V1", day: 0, BaseKm);
        var comeback = Work("V2", day: 3, BaseKm + 200);

        Assert.Null(Find(Returning("V3", 14, BaseKm + 400), first, comeback));
    }

    [Fact]
    public void NotAComeback_WhenAgreedBeforeThePreviousWorkWasCompleted()
    {
        var previous = Work("V1", day: 20, BaseKm); // completed 17:00
        var sameMorning = Returning("V2", 20, BaseKm) with { AgreedAt = Day(20, 9) };

        Assert.Null(Find(sameMorning, previous));
    }

    [Fact]
    public void TheSecondComeback_OnlyInsideTheFirstComebacksGuarantee_StillMustBeTransferred()
    {
        var first = Work("V1", day: 0, BaseKm); // guarantee through day 10
        var comeback = Work("V2", day: 8, BaseKm + 100); // inside V1's: guarantee through day 18

        var finding = Find(Returning("V3", 15, BaseKm + 300), first, comeback)!;

        Assert.True(finding.MustTransferToAnotherStation);
        Assert.Equal("V2", finding.PreviousVisitId);
    }

    [Fact]
    public void AFirstComeback_IsFreeButNeedsNoTransfer()
    {
        var first = Work("V1", day: 0, BaseKm);
        var unrelated = Work("V0", day: -30, BaseKm - 3_000); // long before: its guarantee had ended

        var finding = Find(Returning("V2", 5, BaseKm + 100), unrelated, first)!;

        Assert.False(finding.MustTransferToAnotherStation);
        Assert.Null(finding.EarlierComebackVisitId);
    }

    [Fact]
    public void NoTransfer_WhenTheEarlierRepeatWasOutsideTheFirstGuarantee()
    {
        var first = Work("V1", day: 0, BaseKm); // guarantee through day 10
        var later = Work("V2", day: 12, BaseKm + 100); // not a comeback of V1

        var finding = Find(Returning("V3", 14, BaseKm + 200), first, later)!;

        Assert.Equal("V2", finding.PreviousVisitId);
        Assert.False(finding.MustTransferToAnotherStation);
    }

    [Fact]
    public void NoTransfer_WhenTheEarlierComebackWasForAnotherFault()
    {
        var first = Work("V1", day: 0, BaseKm);
        var otherFault = Work("V2", day: 3, BaseKm + 100) with { FaultCode = "C1201" };

        var finding = Find(Returning("V3", 8, BaseKm + 200), first, otherFault)!;

        Assert.Equal("V1", finding.PreviousVisitId);
        Assert.False(finding.MustTransferToAnotherStation);
    }

    /// <summary>A maintenance of <paramref name="grade"/> with no fault code, completed at 17:00 on <paramref name="day"/>.</summary>
    private static RepairVisit Maintenance(string id, int day, int km, WorkGrade grade = WorkGrade.Secondary) =>
        Repair(id, day, km) with { Kind = VisitKind.Maintenance, Warranty = false, FaultCode = null, WorkGrade = grade, CompletedAt = Day(day, 17) };

    [Theory]
    [InlineData(30, 4_999, true)] // seed 002: a secondary maintenance redone inside 30 days and 5,000 km
    [InlineData(31, 100, false)]
    [InlineData(5, 5_000, false)]
    public void TheSameRepairItem_ASecondaryMaintenanceRedone_IsAComeback(int daysSince, int kmSince, bool comeback)
    {
        var first = Maintenance("M1", day: 20, BaseKm);
        var again = Maintenance("M2", day: 20 + daysSince, BaseKm + kmSince) with { AgreedAt = Day(20 + daysSince, 18), CompletedAt = null };

        var finding = Find(again, first);

        Assert.Equal(comeback, finding is not null);
        if (finding is not null)
        {
            Assert.Equal("M1", finding.PreviousVisitId);
            Assert.Equal(WorkGrade.Secondary, finding.PreviousWorkGrade);
        }
    }

    [Fact]
    public void MaintenanceOfAnotherGrade_IsAnotherRepairItem()
    {
        var primary = Maintenance("M1", day: 20, BaseKm, WorkGrade.Minor);

        Assert.Null(Find(Maintenance("M2", day: 22, BaseKm + 100) with { AgreedAt = Day(22, 18) }, primary));
    }

    [Fact]
    public void ANamedRepairItem_MatchesWithoutAFaultCode_WhateverTheCase()
    {
        var first = Work("V1", day: 20, BaseKm) with { FaultCode = null, RepairItem = "WHEEL-ALIGN" };
        var again = Returning("V2", 25, BaseKm + 300) with { FaultCode = null, RepairItem = "wheel-align" };

        Assert.Equal("V1", Find(again, first)!.PreviousVisitId);
    }

    [Fact]
    public void TheSameRepairItemTwice_InsideTheGuarantee_MeansATransfer()
    {
        var first = Maintenance("M1", day: 0, BaseKm);
        var redone = Maintenance("M2", day: 5, BaseKm + 100);

        var finding = Find(Maintenance("M3", day: 9, BaseKm + 200) with { AgreedAt = Day(9, 18), CompletedAt = null }, first, redone)!;

        Assert.True(finding.MustTransferToAnotherStation);
        Assert.Equal("M2", finding.EarlierComebackVisitId);
    }

    [Fact]
    public void ACancelledWorkOrder_GuaranteesNothing()
    {
        var cancelled = Work("V1", day: 20, BaseKm) with { Cancelled = true };

        Assert.Null(Find(Returning("V2", 22, BaseKm + 100), cancelled));
    }

    [Theory]
    [InlineData(VisitKind.Maintenance, WorkGrade.Secondary, "maintenance:secondary")]
    [InlineData(VisitKind.FirstMaintenance, WorkGrade.Minor, "maintenance:primary")]
    [InlineData(VisitKind.Repair, WorkGrade.Minor, null)]
    [InlineData(VisitKind.Recall, WorkGrade.Overhaul, null)]
    public void RepairItemOf_Maintenance_IsTheMaintenanceOfItsGrade(VisitKind kind, WorkGrade grade, string? item) =>
        Assert.Equal(item, Comebacks.RepairItemOf(Repair("V1", 1) with { Kind = kind, WorkGrade = grade }));
}
