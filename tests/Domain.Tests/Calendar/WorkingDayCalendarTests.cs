using AfterSales.Domain.Calendar;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Calendar;

/// <summary>
/// 三包 Art. 28: a replace/refund request is answered within 10 working days and completed within 20, on the mainland
/// working-day calendar (weekends off; public holidays and their make-up working days as data, loaded per year). The
/// request day itself is not counted (Civil Code Art. 201). The 2026 data below is a test fixture shaped like a
/// published schedule (a Golden-Week-style holiday with make-up weekend days), not the State Council's notice.
/// </summary>
public sealed class WorkingDayCalendarTests
{
    private static readonly CalendarYear Year2026 = new(
        2026,
        [D("2026-10-01"), D("2026-10-02"), D("2026-10-05"), D("2026-10-06"), D("2026-10-07")], // Thu–Fri and Mon–Wed off; Sat–Sun are weekend anyway
        [D("2026-09-27"), D("2026-10-10")]); // a make-up Sunday before and a make-up Saturday after

    private static readonly WorkingDayCalendar Calendar = new([Year2026]);

    [Theory]
    [InlineData("2026-11-02", 1, "2026-11-03")] // Monday → Tuesday: the request day is not counted
    [InlineData("2026-11-06", 1, "2026-11-09")] // Friday → Monday: the weekend is skipped
    [InlineData("2026-11-07", 1, "2026-11-09")] // a request on Saturday counts from Monday
    [InlineData("2026-11-02", 10, "2026-11-16")] // Art. 28 answer: two weeks later
    [InlineData("2026-11-02", 20, "2026-11-30")] // Art. 28 completion: four weeks later
    [InlineData("2026-11-02", 0, "2026-11-02")]
    public void WeekendsAreNotWorkingDays(string start, int days, string due)
    {
        Assert.Equal(D(due), Calendar.AddWorkingDays(D(start), days, out var missing));
        Assert.Null(missing);
    }

    [Theory]
    [InlineData("2026-09-30", 1, "2026-10-08")] // the Golden-Week-style holiday is skipped whole
    [InlineData("2026-09-30", 3, "2026-10-10")] // … and its make-up Saturday is a working day
    [InlineData("2026-09-30", 4, "2026-10-12")]
    [InlineData("2026-09-25", 1, "2026-09-27")] // a make-up Sunday counts
    public void HolidaysAreSkipped_AndMakeUpWeekendDaysCount(string start, int days, string due)
    {
        Assert.Equal(D(due), Calendar.AddWorkingDays(D(start), days, out _));
    }

    [Fact]
    public void TenWorkingDaysAcrossTheHoliday_CountedByHand()
    {
        // After Thu 09-24: Fri 25, Sun 27 (make-up), Mon 28, Tue 29, Wed 30, Thu 10-08, Fri 10-09, Sat 10-10 (make-up),
        // Mon 10-12, Tue 10-13: the tenth.
        Assert.Equal(D("2026-10-13"), Calendar.AddWorkingDays(D("2026-09-24"), 10, out _));
    }

    [Fact]
    public void AYearThatIsNotLoaded_IsNamed_NotGuessed()
    {
        Assert.Null(Calendar.AddWorkingDays(D("2026-12-24"), 10, out var missing));
        Assert.Equal(2027, missing);
        Assert.Null(Calendar.IsWorkingDay(D("2027-01-04")));
    }

    [Fact]
    public void AYearsDataIsChecked()
    {
        var bad = new CalendarYear(2026, [D("2026-10-01"), D("2027-01-01")], [D("2026-10-01"), D("2026-10-08")]);

        // A 2027 day; 10-01 both off and worked; 10-01 and 10-08 (Thursdays) as make-up days.
        Assert.Equal(4, bad.Problems().Count);
        Assert.Empty(Year2026.Problems());
    }
}
