using AfterSales.Grains.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;

namespace AfterSales.Grains.Network;

/// <summary>
/// The roll-up reports a source owes the weekly and annual summaries besides its monthly ones, written with them (same
/// source, same version, same outbox write): the period is a dimension of the same contribution, by the business date
/// that put it in its month (<see cref="ReportPeriods"/>). A year is read as its twelve months, so nothing reports to a year.
/// </summary>
public static class SummaryReports
{
    /// <summary>A station-month contribution of <paramref name="station"/> to <c>service:{yyyy-MM}</c> and <c>service:week:{yyyy-Www}</c>.</summary>
    public static IEnumerable<RollupReport> Service(string station, DateOnly day, CounterContribution contribution, string idPrefix)
    {
        var keyed = contribution with { Counters = ServiceCounters.ForStation(station, contribution.Counters) };
        yield return new RollupReport(ServiceCounters.MonthScope(day.Year, day.Month), keyed) { Id = idPrefix + ":service-month" };
        yield return new RollupReport(ServiceCounters.WeekScope(ReportPeriods.Week(day)), keyed) { Id = idPrefix + ":service-week" };
    }
}
