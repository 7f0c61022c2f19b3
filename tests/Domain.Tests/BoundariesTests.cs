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

    [Fact]
    public void DateOf_TakesTheDateInTheInstantsOwnOffset()
    {
        var earlyMorningInBeijing = new DateTimeOffset(2025, 3, 2, 1, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateOnly(2025, 3, 2), Boundaries.DateOf(earlyMorningInBeijing));
        Assert.Equal(new DateOnly(2025, 3, 1), Boundaries.DateOf(earlyMorningInBeijing.ToUniversalTime()));
    }

    [Theory]
    [InlineData("2025-03-01", "2025-03-01", 0)]
    [InlineData("2025-03-01", "2025-03-08", 7)]
    [InlineData("2024-12-31", "2025-03-01", 60)]
    [InlineData("2025-03-08", "2025-03-01", -7)]
    public void ElapsedDays_IsTheNumberOfCalendarDaysBetween(string start, string date, int expected) =>
        Assert.Equal(expected, Boundaries.ElapsedDays(Build.D(start), Build.D(date)));
}
