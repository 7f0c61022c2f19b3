using System.Collections.Frozen;

namespace AfterSales.Domain.Calendar;

/// <summary>
/// One year of the mainland working-day calendar as the State Council publishes it: the public holidays (days off
/// that would otherwise be working days) and the make-up working days (调休上班: weekend days that are worked). Policy
/// data an operator loads per year, not code.
/// </summary>
public sealed record CalendarYear(int Year, IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> MakeUpWorkingDays)
{
    /// <summary>The problems with this year's data (empty when it makes sense).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Year is < 2000 or > 2999)
        {
            problems.Add($"year must be 2000–2999; it is {Year}.");
        }

        foreach (var day in Holidays.Concat(MakeUpWorkingDays).Where(d => d.Year != Year).Distinct())
        {
            problems.Add($"{day:yyyy-MM-dd} is not in {Year}.");
        }

        foreach (var day in Holidays.Intersect(MakeUpWorkingDays))
        {
            problems.Add($"{day:yyyy-MM-dd} is both a holiday and a make-up working day.");
        }

        foreach (var day in MakeUpWorkingDays.Where(d => !IsWeekend(d)))
        {
            problems.Add($"{day:yyyy-MM-dd} is a {day.DayOfWeek}: a make-up working day is a Saturday or Sunday.");
        }

        return problems;
    }

    internal static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}

/// <summary>
/// Working-day arithmetic for the Art. 28 clocks (a replace/refund request is answered within 10 working days and
/// completed within 20): Monday to Friday are working days unless a holiday; a make-up Saturday or Sunday is one. The
/// day of the request is not counted; counting starts the next day (Civil Code Art. 201: 开始的当日不计入). A date in a
/// year whose calendar is not loaded cannot be counted: the answer says which year is missing rather than guess.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly FrozenSet<int> _years;
    private readonly FrozenSet<DateOnly> _holidays;
    private readonly FrozenSet<DateOnly> _makeUpDays;

    public WorkingDayCalendar(IEnumerable<CalendarYear> years)
    {
        var list = years.ToList();
        _years = list.Select(y => y.Year).ToFrozenSet();
        _holidays = list.SelectMany(y => y.Holidays).ToFrozenSet();
        _makeUpDays = list.SelectMany(y => y.MakeUpWorkingDays).ToFrozenSet();
    }

    /// <summary>True when <paramref name="year"/>'s calendar is loaded.</summary>
    public bool Covers(int year) => _years.Contains(year);

    /// <summary>Whether <paramref name="day"/> is a working day; null when its year is not loaded.</summary>
    public bool? IsWorkingDay(DateOnly day)
    {
        if (!Covers(day.Year))
        {
            return null;
        }

        return _makeUpDays.Contains(day) || (!CalendarYear.IsWeekend(day) && !_holidays.Contains(day));
    }

    /// <summary>
    /// The <paramref name="workingDays"/>-th working day after <paramref name="start"/> (the start day not counted),
    /// or null with the first year that is not loaded.
    /// </summary>
    public DateOnly? AddWorkingDays(DateOnly start, int workingDays, out int? missingYear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        missingYear = null;
        var day = start;
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            switch (IsWorkingDay(day))
            {
                case null:
                    missingYear = day.Year;
                    return null;
                case true:
                    counted++;
                    break;
            }
        }

        return day;
    }
}
