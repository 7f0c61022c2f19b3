namespace AfterSales.Domain.Tests;

public sealed class BoundariesTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(7, true)]
    [InlineData(8, false)]
    [InlineData(-1, false)]
    public void IsWithinDays_CountsTheStartAsDayZero(int day, bool within) =>
        Assert.Equal(within, Boundaries.IsWithinDays(Build.Start, Build.Date(day), 7));

    [Theory]
    [InlineData(2_999, true)]
    [InlineData(3_000, false)]
    public void IsBelowKm_TheLimitIsReachedAtTheLimit(int km, bool below) =>
        Assert.Equal(below, Boundaries.IsBelowKm(km, 3_000));

    [Theory]
    [InlineData("2025-03-01T17:30:00+00:00", "2025-03-02")] // 01:30 in Beijing, recorded in UTC
    [InlineData("2025-03-02T01:30:00+08:00", "2025-03-02")] // the same instant in Beijing time
    [InlineData("2025-03-01T15:59:59+00:00", "2025-03-01")] // 23:59:59 in Beijing
    [InlineData("2025-03-01T16:00:00+00:00", "2025-03-02")] // midnight in Beijing
    [InlineData("2025-03-01T20:00:00-05:00", "2025-03-02")] // any offset: 09:00 the next day in Beijing
    public void DateOf_TakesTheDateInTheBusinessCalendar_WhateverOffsetTheInstantCarries(string instant, string date) =>
        Assert.Equal(Build.D(date), Boundaries.DateOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Build.China));

    [Theory]
    [InlineData("2025-03-01", "2025-03-01", 0)]
    [InlineData("2025-03-01", "2025-03-08", 7)]
    [InlineData("2024-12-31", "2025-03-01", 60)]
    [InlineData("2025-03-08", "2025-03-01", -7)]
    public void ElapsedDays_IsTheNumberOfCalendarDaysBetween(string start, string date, int expected) =>
        Assert.Equal(expected, Boundaries.ElapsedDays(Build.D(start), Build.D(date)));
}
