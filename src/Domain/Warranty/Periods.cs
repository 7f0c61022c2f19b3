namespace AfterSales.Domain.Warranty;

/// <summary>
/// A coverage of <see cref="Months"/> months or <see cref="Km"/> km, whichever comes first: it ends
/// on <c>start.AddMonths(Months)</c> (the last covered day) and at odometer <c>Km</c> (not covered).
/// </summary>
public sealed record MonthsOrKm
{
    /// <summary>For the configuration binder.</summary>
    public MonthsOrKm()
    {
    }

    /// <summary>A period of <paramref name="months"/> months or <paramref name="km"/> km.</summary>
    public MonthsOrKm(int months, int km)
    {
        Months = months;
        Km = km;
    }

    /// <summary>Months from the start date.</summary>
    public int Months { get; init; }

    /// <summary>Km limit, reached at this reading.</summary>
    public int Km { get; init; }
}

/// <summary>
/// A window of <see cref="Days"/> days or <see cref="Km"/> km, whichever comes first: open through
/// day <c>Days</c> (the start is day 0) while the km counted are below <c>Km</c>.
/// </summary>
public sealed record DaysOrKm
{
    /// <summary>For the configuration binder.</summary>
    public DaysOrKm()
    {
    }

    /// <summary>A window of <paramref name="days"/> days or <paramref name="km"/> km.</summary>
    public DaysOrKm(int days, int km)
    {
        Days = days;
        Km = km;
    }

    /// <summary>Last day inside the window, counting the start as day 0.</summary>
    public int Days { get; init; }

    /// <summary>Km limit, reached at this many km.</summary>
    public int Km { get; init; }
}
