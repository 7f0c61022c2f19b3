using AfterSales.Domain.Buyback;
using AfterSales.Domain.Calendar;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Buyback;

/// <summary>
/// Replace/refund cases (退换车, 三包 Art. 22–29): which articles a case may rest on and which of them are free
/// (Art. 22/23; Art. 27 usage compensation only under Art. 24), the Art. 28 deadlines on the working-day calendar
/// (10 working days to answer, 20 to complete, the request day not counted: Civil Code Art. 201), what a refund pays
/// back, and which conditions a request still lacks.
/// </summary>
public sealed class BuybackRulesTests
{
    // ---- BuybackArticles.Normalize / IsFree ----

    [Theory]
    [InlineData("Art. 24(4)", "Art. 24(4)")]
    [InlineData("art.24(4)", "Art. 24(4)")]
    [InlineData(" ART 22 ", "Art. 22")]
    [InlineData("24(1)", "Art. 24(1)")]
    [InlineData("Art. 23", "Art. 23")]
    [InlineData("Art. 24 (2)", "Art. 24(2)")]
    [InlineData("art 24(3)", "Art. 24(3)")]
    public void Normalize_AcceptsTheWaysCallersWriteAReplaceOrRefundArticle(string typed, string expected) =>
        Assert.Equal(expected, BuybackArticles.Normalize(typed));

    [Theory]
    [InlineData("Art. 20")] // Art. 20: free unit replacement, not a replacement vehicle or refund
    [InlineData("Art. 21")] // Art. 21: a loaner car or transport compensation
    [InlineData("Art. 24(5)")] // Art. 24 has four points only
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("24")] // Art. 24 without its point names no single condition
    public void Normalize_RefusesAnythingThatIsNotAnArt22To24Remedy(string? typed) =>
        Assert.Null(BuybackArticles.Normalize(typed));

    [Fact]
    public void Normalize_KnowsEveryArticleItLists_AsWritten()
    {
        Assert.Equal(["Art. 22", "Art. 23", "Art. 24(1)", "Art. 24(2)", "Art. 24(3)", "Art. 24(4)"], BuybackArticles.All);
        Assert.All(BuybackArticles.All, a => Assert.Equal(a, BuybackArticles.Normalize(a)));
    }

    [Theory]
    [InlineData("Art. 22", true)] // Art. 22: 销售者应当免费更换、退货
    [InlineData("Art. 23", true)] // Art. 23: free as in Art. 22
    [InlineData("Art. 24(1)", false)] // Art. 27: usage compensation applies to Art. 24 remedies
    [InlineData("Art. 24(2)", false)]
    [InlineData("Art. 24(3)", false)]
    [InlineData("Art. 24(4)", false)]
    public void IsFree_OnlyForArt22AndArt23_BecauseArt27CompensationAppliesToArt24Only(string article, bool free) =>
        Assert.Equal(free, BuybackArticles.IsFree(article));

    // ---- Art. 28 deadlines ----

    /// <summary>2026 with no public holiday in the months used below (March, December): weekends only.</summary>
    private static readonly CalendarYear Plain2026 = new(2026, [], []);

    /// <summary>
    /// The 2025 schedule as published for National Day and Mid-Autumn: Oct 1–8 off, make-up working days Sunday Sep 28
    /// and Saturday Oct 11.
    /// </summary>
    private static readonly CalendarYear GoldenWeek2025 = new(
        2025,
        [D("2025-10-01"), D("2025-10-02"), D("2025-10-03"), D("2025-10-04"), D("2025-10-05"), D("2025-10-06"), D("2025-10-07"), D("2025-10-08")],
        [D("2025-09-28"), D("2025-10-11")]);

    [Fact]
    public void Deadlines_RequestOnAMondayInAPlainMonth_AnswerTwoWeeksLater_CompleteFourWeeksLater()
    {
        // Mon 2026-03-02 is not counted; working days 1–5 are Mar 3–6 and 9, 6–10 are Mar 10–13 and 16;
        // 11–20 are Mar 17–20, 23–27 and 30.
        var deadlines = Art28.Deadlines(new WorkingDayCalendar([Plain2026]), D("2026-03-02"), out var missingYear);

        Assert.Equal((D("2026-03-16"), D("2026-03-30")), deadlines);
        Assert.Null(missingYear);
    }

    [Fact]
    public void Deadlines_RequestOnASaturday_CountFromMonday_AsARequestOnTheFridayBefore()
    {
        var calendar = new WorkingDayCalendar([Plain2026]);

        // Sat 2026-03-07: working day 1 is Mon Mar 9; 10 is Fri Mar 20; 20 is Fri Apr 3.
        var saturday = Art28.Deadlines(calendar, D("2026-03-07"), out var missingYear);
        var friday = Art28.Deadlines(calendar, D("2026-03-06"), out _);

        Assert.Equal((D("2026-03-20"), D("2026-04-03")), saturday);
        Assert.Equal(friday, saturday);
        Assert.Null(missingYear);
    }

    [Fact]
    public void Deadlines_AcrossGoldenWeek_CountTheMakeUpDays_AndSkipTheHolidays()
    {
        // Request Fri 2025-09-26 (not counted). Sat 27 off; Sun 28 make-up = 1; Mon 29 = 2; Tue 30 = 3; Oct 1–8 off;
        // Thu Oct 9 = 4; Fri 10 = 5; Sat 11 make-up = 6; Mon 13 = 7; Tue 14 = 8; Wed 15 = 9; Thu 16 = 10.
        // Then Fri 17 = 11; Oct 20–24 = 12–16; Oct 27–30 = 17–20.
        var deadlines = Art28.Deadlines(new WorkingDayCalendar([GoldenWeek2025]), D("2025-09-26"), out var missingYear);

        Assert.Equal((D("2025-10-16"), D("2025-10-30")), deadlines);
        Assert.Null(missingYear);
    }

    [Fact]
    public void Deadlines_RequestOnAMakeUpSaturday_DoNotCountTheRequestDay()
    {
        // Sat 2025-10-11 is a working day, but the day of the request is not counted (Civil Code Art. 201):
        // Oct 13–17 = 1–5, Oct 20–24 = 6–10.
        var deadlines = Art28.Deadlines(new WorkingDayCalendar([GoldenWeek2025]), D("2025-10-11"), out _);

        Assert.Equal(D("2025-10-24"), deadlines!.Value.AnswerBy);
    }

    [Fact]
    public void Deadlines_InLateDecember_WithoutNextYearsCalendar_AreNull_NamingTheMissingYear()
    {
        // Thu 2026-12-24: Dec 25, 28–31 are only 5 working days; Jan 1 2027 cannot be counted.
        var deadlines = Art28.Deadlines(new WorkingDayCalendar([Plain2026]), D("2026-12-24"), out var missingYear);

        Assert.Null(deadlines);
        Assert.Equal(2027, missingYear);
    }

    [Fact]
    public void Deadlines_WhenOnlyTheCompletionRunsIntoAnUnloadedYear_AreNull_NamingTheMissingYear()
    {
        // Thu 2026-12-10: the answer (Dec 24, the 10th working day) fits in 2026; the 20th working day does not.
        var calendar = new WorkingDayCalendar([Plain2026]);
        Assert.Equal(D("2026-12-24"), calendar.AddWorkingDays(D("2026-12-10"), Art28.AnswerWorkingDays, out _));

        var deadlines = Art28.Deadlines(calendar, D("2026-12-10"), out var missingYear);

        Assert.Null(deadlines);
        Assert.Equal(2027, missingYear);
    }

    [Fact]
    public void Deadlines_InLateDecember_WithNextYearsCalendar_RunIntoIt()
    {
        var calendar = new WorkingDayCalendar([Plain2026, new CalendarYear(2027, [D("2027-01-01")], [])]);

        // Thu 2026-12-24: Dec 25, 28–31 = 1–5; Jan 1 2027 holiday; Jan 4–8 = 6–10; Jan 11–15 = 11–15; Jan 18–22 = 16–20.
        var deadlines = Art28.Deadlines(calendar, D("2026-12-24"), out var missingYear);

        Assert.Equal((D("2027-01-08"), D("2027-01-22")), deadlines);
        Assert.Null(missingYear);
    }

    [Fact]
    public void PassedAt_IsTheStartOfTheNextBusinessDay_At0800Offset()
    {
        var passed = Art28.PassedAt(D("2026-03-16"), TimeSpan.FromHours(8));

        Assert.Equal(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8)), passed);
        Assert.Equal(TimeSpan.FromHours(8), passed.Offset);
        Assert.Equal(new DateTime(2026, 3, 16, 16, 0, 0, DateTimeKind.Utc), passed.UtcDateTime); // 16:00 UTC on the due date
    }

    // ---- Refunds (Art. 27) ----

    [Fact]
    public void RefundAmount_IsThePriceLessTheUsageCompensation() =>
        Assert.Equal(198_500m, Refunds.Amount(200_000m, 1_500m));

    [Fact]
    public void RefundAmount_WithoutCompensation_IsTheFullPrice() =>
        Assert.Equal(200_000m, Refunds.Amount(200_000m, null)); // Art. 22/23: free of charge

    [Fact]
    public void RefundAmount_IsNeverBelowZero() =>
        Assert.Equal(0m, Refunds.Amount(1_000m, 5_000m));

    [Fact]
    public void RefundAmount_OfANegativePrice_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Refunds.Amount(-1m, null));

    [Fact]
    public void RefundAmount_WithANegativeCompensation_Throws_RatherThanPayMoreThanThePrice() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Refunds.Amount(100_000m, -500m));

    // ---- BuybackEligibility.Missing ----

    private static readonly WarrantyPolicy Policy = WarrantyPolicy.Default;

    private static WarrantyAssessment Assessment(IReadOnlyList<Entitlement> entitlements, SanbaoCounters? counters = null) =>
        new(D("2025-09-01"), 12_000, Start, null, [], null, entitlements, counters ?? SanbaoCounters.Empty, []);

    private static Entitlement Granted(string article, Remedy remedy = Remedy.ReplaceOrRefund) =>
        new(remedy, article, "reason read to the owner", ["V1", "V2"], EntitlementStatus.Granted, article.StartsWith("Art. 24", StringComparison.Ordinal) ? 900m : null);

    private static Entitlement Watched(string article) =>
        new(Remedy.ReplaceOrRefund, article, "on watch", ["V1", "V2"], EntitlementStatus.Watch, 900m);

    [Theory]
    [InlineData(BuybackRemedy.Refund)]
    [InlineData(BuybackRemedy.Replace)]
    public void Missing_WithAGrantedEntitlementOfTheArticle_IsEmpty_AndHandsTheEntitlementOut(BuybackRemedy request)
    {
        var granted = Granted("Art. 24(4)");

        var missing = BuybackEligibility.Missing("Art. 24(4)", request, null, Assessment([Watched("Art. 24(1)"), granted]), Policy, out var entitlement);

        Assert.Empty(missing);
        Assert.Same(granted, entitlement);
    }

    [Fact]
    public void Missing_WithAWatchedArt24_1_AsksForTheLaterAppraisal()
    {
        // Art. 24(1): two serious-safety repairs are only a watch until the fault is shown still not eliminated.
        var missing = BuybackEligibility.Missing("Art. 24(1)", BuybackRemedy.Refund, null, Assessment([Watched("Art. 24(1)")]), Policy, out var entitlement);

        var condition = Assert.Single(missing);
        Assert.Contains("a later appraisal", condition, StringComparison.Ordinal);
        Assert.Contains("serious safety fault", condition, StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_WithoutAnyArt24_4Entitlement_NamesTheThresholdsAndTheCountsSoFar()
    {
        // Art. 24(4): more than 30 repair days in total, or the same problem repaired more than 4 times.
        var counters = SanbaoCounters.Empty with
        {
            RepairDays = 12,
            RepairsByFault = new Dictionary<string, int> { ["P0300"] = 3, ["B1001"] = 1 },
        };

        var missing = BuybackEligibility.Missing("Art. 24(4)", BuybackRemedy.Refund, null, Assessment([], counters), Policy, out var entitlement);

        var condition = Assert.Single(missing);
        Assert.Contains("more than 30 repair days", condition, StringComparison.Ordinal);
        Assert.Contains("(counted: 12)", condition, StringComparison.Ordinal);
        Assert.Contains("more than 4 times", condition, StringComparison.Ordinal);
        Assert.Contains("(most for one problem: 3)", condition, StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_WithoutAnyArt22Entitlement_NamesThe7DayWindowFromTheStart()
    {
        // Art. 22: within 7 days of the start date, the engine, gearbox, battery or motor (or a main part) needs replacing.
        var missing = BuybackEligibility.Missing("Art. 22", BuybackRemedy.Replace, null, Assessment([]), Policy, out var entitlement);

        var condition = Assert.Single(missing);
        Assert.Contains("7 days", condition, StringComparison.Ordinal);
        Assert.Contains("2025-03-01", condition, StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_WithoutAnyArt23Entitlement_NamesThe60DayOr3000KmWindow()
    {
        var missing = BuybackEligibility.Missing("Art. 23", BuybackRemedy.Refund, null, Assessment([]), Policy, out _);

        Assert.Contains("60 days or 3,000 km", Assert.Single(missing), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_AVehicleNotInService_IsAMissingConditionEvenWhenEntitled()
    {
        var missing = BuybackEligibility.Missing("Art. 24(4)", BuybackRemedy.Refund, "produced, not delivered", Assessment([Granted("Art. 24(4)")]), Policy, out var entitlement);

        var condition = Assert.Single(missing);
        Assert.Contains("delivered and in service", condition, StringComparison.Ordinal);
        Assert.Contains("(it is produced, not delivered)", condition, StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_AGrantedEntitlementOfAnotherArticle_DoesNotCount()
    {
        var missing = BuybackEligibility.Missing("Art. 24(4)", BuybackRemedy.Refund, null, Assessment([Granted("Art. 23")]), Policy, out var entitlement);

        Assert.Contains("more than 30 repair days", Assert.Single(missing), StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Theory]
    [InlineData("Art. 20")]
    [InlineData("Art. 22")]
    [InlineData("Art. 23")]
    [InlineData("Art. 24(2)")]
    [InlineData("Art. 24(4)")]
    public void Missing_AGrantedArt20UnitReplacement_DoesNotCountForAReplaceOrRefundCase(string article)
    {
        // Art. 20 gives a free replacement of the unit, not of the vehicle.
        var missing = BuybackEligibility.Missing(article, BuybackRemedy.Replace, null, Assessment([Granted("Art. 20", Remedy.UnitReplacement)]), Policy, out var entitlement);

        Assert.NotEmpty(missing);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_AReplacementOnlyEntitlement_DoesNotGiveARefund()
    {
        var missing = BuybackEligibility.Missing("Art. 24(2)", BuybackRemedy.Refund, null, Assessment([Granted("Art. 24(2)", Remedy.Replace)]), Policy, out var entitlement);

        Assert.Contains("replacement vehicle only", Assert.Single(missing), StringComparison.Ordinal);
        Assert.Null(entitlement);
    }

    [Fact]
    public void Missing_WithAWatchedArt24_4_GivesTheThresholdsWithTheCountsSoFar()
    {
        // Art. 24(4) early warning at 25 repair days: the 409 says how far the vehicle is from more than 30.
        var counters = SanbaoCounters.Empty with { RepairDays = 26, RepairsByFault = new Dictionary<string, int> { ["P0300"] = 2 } };

        var missing = BuybackEligibility.Missing("Art. 24(4)", BuybackRemedy.Refund, null, Assessment([Watched("Art. 24(4)")], counters), Policy, out var entitlement);

        var condition = Assert.Single(missing);
        Assert.Contains("more than 30 repair days inside the 三包 validity period (counted: 26)", condition, StringComparison.Ordinal);
        Assert.Contains("(most for one problem: 2)", condition, StringComparison.Ordinal);
        Assert.Null(entitlement);
    }
}
