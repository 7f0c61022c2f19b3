namespace AfterSales.Domain;

/// <summary>
/// The boundary conventions every rule in this library uses, in one place.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Calendar dates.</b> An instant's date is its date in the business calendar's offset (China
/// Standard Time, UTC+08:00, by policy): a repair agreed at 01:30 Beijing time, 17:30 UTC the day before,
/// happened on the Beijing date, whatever offset the instant was recorded with.</item>
/// <item><b>Days.</b> Elapsed days = (date − start date) in whole calendar days; the start date is
/// day 0 (PRC Civil Code Art. 201: the first day is not counted). "Within N days" holds while
/// elapsed ≤ N, so day 7 is inside a 7-day window and day 8 outside.</item>
/// <item><b>Months.</b> A coverage of M months ends on <c>start.AddMonths(M)</c> (clamped to the
/// month's last day), which is its last covered day.</item>
/// <item><b>Km.</b> A limit of L km is reached at L: inside while the odometer reads less than L
/// (2,999 is inside a 3,000 km window, 3,000 outside).</item>
/// <item><b>Whichever comes first.</b> A time-and-mileage window is open only while both hold.</item>
/// </list>
/// </remarks>
public static class Boundaries
{
    /// <summary>The calendar date of <paramref name="instant"/> in the business calendar at <paramref name="businessUtcOffset"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant, TimeSpan businessUtcOffset) =>
        DateOnly.FromDateTime(instant.ToOffset(businessUtcOffset).DateTime);

    /// <summary>Whole calendar days from <paramref name="start"/> (day 0) to <paramref name="date"/>; negative before the start.</summary>
    public static int ElapsedDays(DateOnly start, DateOnly date) => date.DayNumber - start.DayNumber;

    /// <summary>True when <paramref name="date"/> is on day 0..<paramref name="days"/> counted from <paramref name="start"/>.</summary>
    public static bool IsWithinDays(DateOnly start, DateOnly date, int days)
    {
        var elapsed = ElapsedDays(start, date);
        return elapsed >= 0 && elapsed <= days;
    }

    /// <summary>True while <paramref name="km"/> has not reached <paramref name="limitKm"/> (km &lt; limit).</summary>
    public static bool IsBelowKm(int km, int limitKm) => km < limitKm;
}
