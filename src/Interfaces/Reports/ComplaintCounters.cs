namespace AfterSales.Interfaces.Reports;

/// <summary>
/// How complaints feed the monthly complaints report: each complaint reports its whole current contribution to the
/// counter roll-up <c>complaints:{yyyy-MM}</c> (<see cref="Network.RollupScopes.ComplaintsMonth"/>, by its business
/// month of registration), so a breach recorded later replaces the older contribution. Category and clock names are
/// the API's (camelCase enum names); station codes are letters, digits, '-' and '_', so neither ':' nor '|' needs escaping.
/// </summary>
public static class ComplaintCounters
{
    /// <summary>1 per complaint.</summary>
    public const string Complaints = "complaints";

    /// <summary><c>kind:{serviceRequest|complaint}</c> = 1.</summary>
    public const string KindPrefix = "kind:";

    /// <summary>
    /// <c>q</c> = 1 while the card waits in the call centre's queue (it then counts at no station); <c>q|cat:{category}</c> = 1;
    /// <c>q|clock:{clock}</c> = 1 per breach.
    /// </summary>
    public const string Queued = "q";

    /// <summary><c>cat:{category}</c> = 1.</summary>
    public const string CategoryPrefix = "cat:";

    /// <summary><c>clock:{clock}</c> = 1 per SLA clock breached.</summary>
    public const string ClockPrefix = "clock:";

    /// <summary><c>st:{station}</c> = 1; <c>st:{station}|cat:{category}</c> = 1; <c>st:{station}|clock:{clock}</c> = 1 per breach.</summary>
    public const string StationPrefix = "st:";

    public const char Separator = '|';

    public static string Kind(string kind) => KindPrefix + kind;

    public static string Category(string category) => CategoryPrefix + category;

    public static string Clock(string clock) => ClockPrefix + clock;

    public static string Station(string station) => StationPrefix + station;

    public static string StationCategory(string station, string category) => Station(station) + Separator + Category(category);

    public static string StationClock(string station, string clock) => Station(station) + Separator + Clock(clock);

    public static string QueuedCategory(string category) => Queued + Separator + Category(category);

    public static string QueuedClock(string clock) => Queued + Separator + Clock(clock);
}
