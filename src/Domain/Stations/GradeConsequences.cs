using System.Globalization;

namespace AfterSales.Domain.Stations;

public enum GradeConsequenceKind
{
    None,
    Reward,
    Penalty,
}

/// <summary>What one grade earns in a frozen month (configuration <c>Policies:Grades:Consequences:{grade}</c>).</summary>
public sealed record GradeConsequencePolicy
{
    public GradeConsequenceKind Kind { get; set; }

    /// <summary>The reward paid or the penalty charged, CNY (0 for <see cref="GradeConsequenceKind.None"/>).</summary>
    public decimal AmountCny { get; set; }

    /// <summary>What the graded assessment (服务商分级考核表) says, e.g. "penalty: grade D".</summary>
    public string Label { get; set; } = "";
}

/// <summary>
/// The rewards, penalties and suspensions a frozen grade sheet drives (seed 000 §5.4.5: the graded assessment is the
/// basis of 奖罚措施). Pure: the sheet grain and the station grain call these.
/// </summary>
public static class GradeConsequences
{
    /// <summary>The consequence of <paramref name="grade"/> under <paramref name="policy"/> (none for a grade the policy does not map).</summary>
    public static GradeConsequencePolicy For(string grade, GradePolicy policy) =>
        policy.Consequences.TryGetValue(grade, out var c) ? c : new GradeConsequencePolicy { Kind = GradeConsequenceKind.None, Label = "no reward or penalty" };

    /// <summary>
    /// The months (oldest first) of a run of <paramref name="consecutive"/> calendar-consecutive D grades that
    /// includes <paramref name="month"/>, or null when there is none. <paramref name="grades"/> holds the station's
    /// frozen grades by month (yyyy-MM); a month without a frozen grade breaks a run. Order-independent: it answers the
    /// same whichever of the months was frozen last, so the station can apply it whenever a grade arrives.
    /// </summary>
    public static IReadOnlyList<string>? SuspensionRun(IReadOnlyDictionary<string, string> grades, string month, int consecutive)
    {
        if (consecutive < 1 || grades.GetValueOrDefault(month) != "D")
        {
            return null;
        }

        var at = Parse(month);
        var start = at;
        while (grades.GetValueOrDefault(Format(start.AddMonths(-1))) == "D")
        {
            start = start.AddMonths(-1);
        }

        // The first run of the required length that contains the month: its end is at most `consecutive - 1` after it.
        var end = at;
        while (grades.GetValueOrDefault(Format(end.AddMonths(1))) == "D")
        {
            end = end.AddMonths(1);
        }

        var length = ((end.Year - start.Year) * 12) + end.Month - start.Month + 1;
        if (length < consecutive)
        {
            return null;
        }

        // Within a longer run, the window of `consecutive` months that ends at this month (or the first one, for a
        // month near the run's start).
        var windowStart = at.AddMonths(-(consecutive - 1));
        if (windowStart < start)
        {
            windowStart = start;
        }

        return [.. Enumerable.Range(0, consecutive).Select(i => Format(windowStart.AddMonths(i)))];
    }

    private static DateOnly Parse(string month) => DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
