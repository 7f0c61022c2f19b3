namespace AfterSales.Domain.Repairs;

/// <summary>Repair-time counting of 三包 Art. 40.</summary>
public static class RepairTime
{
    /// <summary>
    /// Repair days: the clock runs from <paramref name="agreedAt"/> to <paramref name="finishedAt"/>,
    /// less <paramref name="excluded"/> (never below zero); every full 24 h is one day and any
    /// remainder is one more day. 1 h → 1; 24 h → 1; 24 h + 1 min → 2; 30 d → 30; 30 d + 1 h → 31;
    /// nothing → 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="excluded"/> is negative.</exception>
    public static int Days(DateTimeOffset agreedAt, DateTimeOffset finishedAt, TimeSpan excluded)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(excluded, TimeSpan.Zero);
        var counted = finishedAt - agreedAt - excluded;
        if (counted <= TimeSpan.Zero)
        {
            return 0;
        }

        var fullDays = counted.Ticks / TimeSpan.TicksPerDay;
        var remainder = counted.Ticks % TimeSpan.TicksPerDay;
        return checked((int)(fullDays + (remainder > 0 ? 1 : 0)));
    }

    /// <summary>
    /// Art. 40 days of <paramref name="visit"/> as seen at <paramref name="evaluatedAt"/>: a repair
    /// not completed by then is counted up to <paramref name="evaluatedAt"/>.
    /// </summary>
    public static int Days(RepairVisit visit, DateTimeOffset evaluatedAt, bool subtractExclusions)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return Days(visit.AgreedAt, EndAt(visit, evaluatedAt), subtractExclusions ? visit.ExcludedTime : TimeSpan.Zero);
    }

    /// <summary>True when the visit was still in repair at <paramref name="evaluatedAt"/>.</summary>
    public static bool IsOngoing(RepairVisit visit, DateTimeOffset evaluatedAt)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return visit.CompletedAt is not { } done || done > evaluatedAt;
    }

    private static DateTimeOffset EndAt(RepairVisit visit, DateTimeOffset evaluatedAt) =>
        IsOngoing(visit, evaluatedAt) ? evaluatedAt : visit.CompletedAt!.Value;
}
