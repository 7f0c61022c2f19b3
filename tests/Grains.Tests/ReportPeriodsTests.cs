using AfterSales.Interfaces.Reports;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Seed 002 §6.3.2 (周度、月度、年度服务数据的分析): which week, month and year an event counts in. The business date of the
/// instant (UTC+8) decides all three; the week is the ISO 8601 week (Monday–Sunday, week 1 holds the first Thursday),
/// the year the calendar year of the same date.
/// </summary>
public sealed class ReportPeriodsTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Theory]
    // Sunday 23:59:59 in Beijing is still the week of that Sunday; Monday 00:00 starts the next one (UTC is still Sunday then).
    [InlineData("2026-06-07T23:59:59+08:00", "2026-W23", "2026-06", "2026")]
    [InlineData("2026-06-07T15:59:59+00:00", "2026-W23", "2026-06", "2026")]
    [InlineData("2026-06-08T00:00:00+08:00", "2026-W24", "2026-06", "2026")]
    [InlineData("2026-06-07T16:00:00+00:00", "2026-W24", "2026-06", "2026")]
    // 31 December vs 1 January: the year and month change, the ISO week does not (2027 starts on a Friday, so its first
    // days belong to 2026's week 53).
    [InlineData("2026-12-31T23:59:59+08:00", "2026-W53", "2026-12", "2026")]
    [InlineData("2026-12-31T16:00:00+00:00", "2026-W53", "2027-01", "2027")]
    [InlineData("2027-01-03T23:59:59+08:00", "2026-W53", "2027-01", "2027")]
    [InlineData("2027-01-04T00:00:00+08:00", "2027-W01", "2027-01", "2027")]
    // 2021 also starts on a Friday: 1 January is in 2020's week 53 (2020 has 53 weeks: a leap year starting on a Wednesday).
    [InlineData("2021-01-01T12:00:00+08:00", "2020-W53", "2021-01", "2021")]
    [InlineData("2021-01-04T00:00:00+08:00", "2021-W01", "2021-01", "2021")]
    // A year starting on a Thursday: week 1 began on the Monday before, in the previous calendar year.
    [InlineData("2025-12-29T00:00:00+08:00", "2026-W01", "2025-12", "2025")]
    [InlineData("2025-12-28T23:59:59+08:00", "2025-W52", "2025-12", "2025")]
    [InlineData("2026-01-01T00:00:00+08:00", "2026-W01", "2026-01", "2026")]
    // 2025 has 52 weeks: its last Sunday closes W52.
    [InlineData("2025-12-28T12:00:00+08:00", "2025-W52", "2025-12", "2025")]
    public void AnInstant_CountsInTheWeekMonthAndYearOfItsBusinessDate(string instant, string week, string month, string year)
    {
        var day = ReportPeriods.DayOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Beijing);

        Assert.Equal(week, ReportPeriods.Week(day));
        Assert.Equal(month, ReportPeriods.Month(day));
        Assert.Equal(year, ReportPeriods.Year(day));
    }

    [Theory]
    [InlineData("2026-W23", "2026-06-01", "2026-06-07")]
    [InlineData("2026-W01", "2025-12-29", "2026-01-04")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")]
    [InlineData("2020-W53", "2020-12-28", "2021-01-03")]
    [InlineData("2027-W01", "2027-01-04", "2027-01-10")]
    [InlineData("0001-W01", "0001-01-01", "0001-01-07")]
    public void AWeek_RunsFromMondayToSunday(string week, string monday, string sunday)
    {
        Assert.True(ReportPeriods.TryParseWeek(week, out var first, out var last));
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), first);
        Assert.Equal(DateOnly.Parse(sunday, System.Globalization.CultureInfo.InvariantCulture), last);
        Assert.Equal(week, ReportPeriods.Week(first));
        Assert.Equal(week, ReportPeriods.Week(last));
    }

    [Theory]
    [InlineData("2026-W54")]
    [InlineData("2025-W53")] // 2025 has 52 weeks
    [InlineData("2026-W00")]
    [InlineData("2026-13")]
    [InlineData("2026-W5")]
    [InlineData("2026-w05")]
    [InlineData("2026W05")]
    [InlineData("+026-W05")]
    [InlineData(" 2026-W05")]
    [InlineData("0000-W01")]
    [InlineData("9999-W52")] // ends in year 10000
    [InlineData("abc")]
    [InlineData("")]
    public void ANonWeek_IsRefused(string text) => Assert.False(ReportPeriods.TryParseWeek(text, out _, out _));

    [Theory]
    [InlineData("2026", true)]
    [InlineData("0001", true)]
    [InlineData("9999", true)]
    [InlineData("0000", false)]
    [InlineData("26", false)]
    [InlineData("20266", false)]
    [InlineData("-202", false)]
    [InlineData("abc", false)]
    [InlineData("2026-13", false)]
    public void AYear_IsFourDigits(string text, bool valid) => Assert.Equal(valid, ReportPeriods.TryParseYear(text, out _));
}
