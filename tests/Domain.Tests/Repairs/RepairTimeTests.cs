using System.Globalization;
using AfterSales.Domain.Repairs;

namespace AfterSales.Domain.Tests.Repairs;

public sealed class RepairTimeTests
{
    private static readonly DateTimeOffset Agreed = new(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static TimeSpan T(string value) => TimeSpan.Parse(value, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("00:00:00", "00:00:00", 0)] // nothing → 0
    [InlineData("00:00:01", "00:00:00", 1)]
    [InlineData("01:00:00", "00:00:00", 1)] // 1 h → 1 day
    [InlineData("23:59:59", "00:00:00", 1)]
    [InlineData("1.00:00:00", "00:00:00", 1)] // exactly 24 h → 1 day
    [InlineData("1.00:01:00", "00:00:00", 2)] // 24 h + 1 min → 2 days
    [InlineData("5.00:00:00", "00:00:00", 5)]
    [InlineData("5.00:00:01", "00:00:00", 6)]
    [InlineData("30.00:00:00", "00:00:00", 30)] // 30 d → 30
    [InlineData("30.01:00:00", "00:00:00", 31)] // 30 d + 1 h → 31
    [InlineData("3.00:00:00", "1.00:00:00", 2)] // exclusions subtracted first
    [InlineData("3.00:00:00", "2.01:00:00", 1)] // 23 h left → 1 day
    [InlineData("3.00:00:00", "3.00:00:00", 0)] // all excluded → 0
    [InlineData("3.00:00:00", "4.00:00:00", 0)] // never below zero
    [InlineData("31.00:00:00", "1.00:00:00", 30)]
    [InlineData("31.00:00:01", "1.00:00:00", 31)]
    public void Days_CountsEachFull24HoursAndAnyRemainderAsADay_AfterExclusions(string elapsed, string excluded, int expected) =>
        Assert.Equal(expected, RepairTime.Days(Agreed, Agreed + T(elapsed), T(excluded)));

    [Fact]
    public void Days_IsZero_WhenFinishedBeforeAgreed() =>
        Assert.Equal(0, RepairTime.Days(Agreed, Agreed.AddHours(-1), TimeSpan.Zero));

    [Fact]
    public void Days_MeasuresElapsedTime_AcrossOffsets()
    {
        // 09:00 Beijing to 01:00 UTC the next day is exactly 24 h.
        var finished = new DateTimeOffset(2025, 3, 2, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, RepairTime.Days(Agreed, finished, TimeSpan.Zero));
        Assert.Equal(2, RepairTime.Days(Agreed, finished.AddSeconds(1), TimeSpan.Zero));
    }

    [Fact]
    public void Days_RejectsANegativeExclusion() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RepairTime.Days(Agreed, Agreed.AddDays(1), TimeSpan.FromHours(-1)));

    [Theory]
    [InlineData("5.00:00:00", 5)] // still open: counted up to the evaluation instant
    [InlineData("5.00:00:01", 6)]
    [InlineData("0.00:00:00", 0)]
    public void Days_CountsAnOpenRepairUpToTheEvaluationInstant(string sinceAgreed, int expected)
    {
        var visit = Build.Repair("R1", day: 0) with { AgreedAt = Agreed, CompletedAt = null };
        var evaluatedAt = Agreed + T(sinceAgreed);
        Assert.Equal(expected, RepairTime.Days(visit, evaluatedAt, subtractExclusions: true));
        Assert.True(RepairTime.IsOngoing(visit, evaluatedAt));
    }

    [Fact]
    public void Days_TreatsARepairCompletedAfterTheEvaluationInstantAsStillOpen()
    {
        var visit = Build.Repair("R1", day: 0) with { AgreedAt = Agreed, CompletedAt = Agreed.AddDays(10) };
        Assert.Equal(3, RepairTime.Days(visit, Agreed.AddDays(3), subtractExclusions: false));
        Assert.True(RepairTime.IsOngoing(visit, Agreed.AddDays(3)));
        Assert.Equal(10, RepairTime.Days(visit, Agreed.AddDays(20), subtractExclusions: false));
        Assert.False(RepairTime.IsOngoing(visit, Agreed.AddDays(20)));
    }

    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 6)]
    public void Days_SubtractsTheVisitsExclusionsOnlyWhenAsked(bool subtract, int expected)
    {
        var visit = Build.Repair("R1", day: 0) with
        {
            AgreedAt = Agreed,
            CompletedAt = Agreed.AddDays(6),
            ExcludedTime = TimeSpan.FromDays(2),
        };
        Assert.Equal(expected, RepairTime.Days(visit, Agreed.AddDays(30), subtract));
    }
}
