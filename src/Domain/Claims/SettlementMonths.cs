using System.Globalization;

namespace AfterSales.Domain.Claims;

/// <summary>A calendar month of the business calendar, spelled <c>yyyy-MM</c>.</summary>
public readonly record struct BusinessMonth(int Year, int Month) : IComparable<BusinessMonth>
{
    public static BusinessMonth Of(DateOnly date) => new(date.Year, date.Month);

    public BusinessMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    public DateOnly FirstDay => new(Year, Month, 1);

    public int CompareTo(BusinessMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public static bool operator <(BusinessMonth a, BusinessMonth b) => a.CompareTo(b) < 0;

    public static bool operator >(BusinessMonth a, BusinessMonth b) => a.CompareTo(b) > 0;

    public static bool operator <=(BusinessMonth a, BusinessMonth b) => a.CompareTo(b) <= 0;

    public static bool operator >=(BusinessMonth a, BusinessMonth b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary>Parses <c>yyyy-MM</c> (years 2000–2999).</summary>
    public static bool TryParse(string? text, out BusinessMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || year is < 2000 or > 2999 || m is < 1 or > 12)
        {
            return false;
        }

        month = new(year, m);
        return true;
    }
}

/// <summary>
/// Which month of a station's settlement a line belongs to (seed 002 §6.3.4: claims are settled per station per
/// month). A line goes to the month of its date (a claim: the month of its repair); a closed month is frozen, so a
/// line dated in a month that is already closed (a late approval) goes to the first open month after the closed ones. Months close in order:
/// closing one closes every earlier month too, and only a month that is over can be closed.
/// </summary>
public static class SettlementMonths
{
    /// <summary>The month a line decided on <paramref name="decidedOn"/> goes to, given the months closed through <paramref name="closedThrough"/>.</summary>
    public static BusinessMonth MonthFor(DateOnly decidedOn, BusinessMonth? closedThrough)
    {
        var month = BusinessMonth.Of(decidedOn);
        return closedThrough is { } closed && month <= closed ? closed.Next : month;
    }

    /// <summary>Why <paramref name="month"/> cannot be closed on <paramref name="today"/>, or null when it can.</summary>
    public static string? CannotClose(BusinessMonth month, DateOnly today, BusinessMonth? closedThrough)
    {
        if (closedThrough is { } closed && month <= closed)
        {
            return $"{month} is already closed (months are closed through {closed}).";
        }

        return month >= BusinessMonth.Of(today) ? $"{month} is not over yet (today is {today:yyyy-MM-dd}); a month is closed once it has ended." : null;
    }
}
