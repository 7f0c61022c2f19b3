using System.Globalization;

namespace AfterSales.Interfaces.Reports;

/// <summary>
/// The periods the reports are kept by (seed 002 §6.3.2: 周度、月度、年度). An event belongs to the periods of one business
/// date — the date, on the business calendar (UTC+8 by default), of the same instant that puts it in its month: a card's
/// registration, a work order's or repair's completion, a survey's completed work order. Its month is that date's
/// <c>yyyy-MM</c>, its year that date's calendar year <c>yyyy</c> (so a year is exactly its twelve months), and its week
/// the ISO 8601 week of that date, <c>yyyy-Www</c> (Monday to Sunday; week 1 holds the year's first Thursday, so the
/// week-year may differ from the calendar year near 1 January: 2027-01-01, a Friday, is in 2026-W53).
/// </summary>
public static class ReportPeriods
{
    public static string Month(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Year(DateOnly day) => day.Year.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The ISO week of <paramref name="day"/>: <c>yyyy-Www</c>, the year being the ISO week-year.</summary>
    public static string Week(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return Week(ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date));
    }

    public static string Week(int weekYear, int week) =>
        string.Create(CultureInfo.InvariantCulture, $"{weekYear:D4}-W{week:D2}");

    /// <summary>The business date of <paramref name="instant"/> at <paramref name="businessOffset"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeSpan businessOffset) => DateOnly.FromDateTime(instant.ToOffset(businessOffset).DateTime);

    /// <summary>
    /// Reads <c>yyyy-Www</c> (year 0001–9999, week 01 to the last ISO week of that year, 52 or 53) into the week's
    /// Monday and Sunday; anything else is false.
    /// </summary>
    public static bool TryParseWeek(string text, out DateOnly monday, out DateOnly sunday)
    {
        monday = sunday = default;
        if (text.Length != 8 || text[4] != '-' || text[5] != 'W'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year < 1 || week < 1 || week > ISOWeek.GetWeeksInYear(year)
            // The last ISO week of 9999 ends in year 10000.
            || (year == 9999 && week == ISOWeek.GetWeeksInYear(year)))
        {
            return false;
        }

        monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        sunday = monday.AddDays(6);
        return true;
    }

    /// <summary>Reads <c>yyyy</c> (0001–9999); anything else is false.</summary>
    public static bool TryParseYear(string text, out int year)
    {
        year = 0;
        return text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out year) && year >= 1;
    }
}
