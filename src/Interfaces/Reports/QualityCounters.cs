namespace AfterSales.Interfaces.Reports;

/// <summary>
/// How completed repairs feed the monthly quality report: each repair reports a final contribution to the
/// counter roll-up <c>quality:{yyyy-MM}</c> (by the month it was completed in), and each batch reports its
/// repeat-fault signals there.
/// </summary>
public static class QualityCounters
{
    public const string Repairs = "repairs";
    public const string ModelPrefix = "m:";
    public const string ComponentPrefix = "c:";
    public const string FaultPrefix = "f:";

    /// <summary>Model, component and fault together: <c>x:{model}|{component}|{fault}</c>.</summary>
    public const string CombinationPrefix = "x:";

    /// <summary>A repeat-fault signal: <c>s:{batch}|{model}|{fault}</c> = distinct vehicles in the window.</summary>
    public const string SignalPrefix = "s:";

    public const char Separator = '|';

    public static string Scope(int year, int month) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"quality:{year:D4}-{month:D2}");

    /// <summary>Repairs completed in one ISO business week (<c>quality:week:{yyyy-Www}</c>), the same per-repair contribution as the month's (no signals).</summary>
    public static string WeekScope(string week) => "quality:week:" + week;
}
