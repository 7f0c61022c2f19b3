using System.Collections.Immutable;

namespace AfterSales.Interfaces.Reports;

/// <summary>
/// How station work feeds the weekly and annual summaries: every source of a station-month
/// (<see cref="StationMonthCounters"/>: a completed work order, a comeback, a survey, a card at a station) also reports
/// the same contribution — same source, same version, from the same outbox write — to the network-wide roll-ups
/// <c>service:{yyyy-MM}</c> and <c>service:week:{yyyy-Www}</c> of the same business date, keyed by station: each counter
/// as it is (the period's totals) and as <c>st:{code}|{counter}</c> (the station's row).
/// </summary>
public static class ServiceCounters
{
    public const string StationPrefix = "st:";

    public const char Separator = '|';

    public static string MonthScope(int year, int month) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"service:{year:D4}-{month:D2}");

    public static string WeekScope(string week) => "service:week:" + week;

    /// <summary>The station-month counters of <paramref name="station"/> as a service contribution: totals and the station's own.</summary>
    public static ImmutableSortedDictionary<string, long> ForStation(string station, IEnumerable<KeyValuePair<string, long>> counters)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in counters.Where(c => c.Value != 0))
        {
            builder[name] = builder.GetValueOrDefault(name) + value;
            var own = StationPrefix + station + Separator + name;
            builder[own] = builder.GetValueOrDefault(own) + value;
        }

        return builder.ToImmutable();
    }
}
