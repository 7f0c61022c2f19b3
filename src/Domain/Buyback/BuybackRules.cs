using System.Globalization;
using AfterSales.Domain.Calendar;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Buyback;

/// <summary>What the owner asks for under Art. 22–24: a replacement vehicle or a refund.</summary>
public enum BuybackRemedy
{
    Replace,
    Refund,
}

/// <summary>The articles a replace/refund case may rest on, and how they are written.</summary>
public static class BuybackArticles
{
    /// <summary>Every article that gives the owner a replacement or a refund, as the warranty answer writes them.</summary>
    public static readonly IReadOnlyList<string> All = ["Art. 22", "Art. 23", "Art. 24(1)", "Art. 24(2)", "Art. 24(3)", "Art. 24(4)"];

    /// <summary>
    /// The article as written in <see cref="All"/>, from what a caller typed ("Art. 24(4)", "art.24(4)", "24(4)");
    /// null when it names none of them.
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compact = new string([.. text.Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant();
        if (compact.StartsWith("ART.", StringComparison.Ordinal))
        {
            compact = compact[4..];
        }
        else if (compact.StartsWith("ART", StringComparison.Ordinal))
        {
            compact = compact[3..];
        }

        return All.FirstOrDefault(a => a[5..].Replace(" ", "", StringComparison.Ordinal) == compact);
    }

    /// <summary>Art. 22 and 23 remedies are free (销售者应当免费更换、退货); only Art. 24 ones owe the Art. 27 usage compensation.</summary>
    public static bool IsFree(string article) => article is "Art. 22" or "Art. 23";
}

/// <summary>
/// Whether a replace/refund request has an entitlement behind it, and if not, which conditions are missing. The
/// entitlement itself is the vehicle's 三包 assessment (<see cref="WarrantyRules"/>): a case opens only on one that is
/// granted; a watched one, or none, is refused with the conditions the article needs and the counts so far.
/// </summary>
public static class BuybackEligibility
{
    /// <summary>
    /// The conditions missing for <paramref name="request"/> under <paramref name="article"/> (empty: entitled, and
    /// <paramref name="entitlement"/> is the granted entitlement the case rests on).
    /// </summary>
    /// <param name="lifecycle">The vehicle's lifecycle, for the condition that it is in an owner's hands: null when delivered and in service, else what it is ("produced", "refunded on 2026-05-01").</param>
    public static IReadOnlyList<string> Missing(
        string article, BuybackRemedy request, string? lifecycle, WarrantyAssessment assessment, WarrantyPolicy policy, out Entitlement? entitlement)
    {
        entitlement = null;
        var missing = new List<string>();
        if (lifecycle is not null)
        {
            missing.Add($"the vehicle is delivered and in service (it is {lifecycle})");
        }

        var ofArticle = assessment.Entitlements.Where(e => e.Article == article && e.Remedy is Remedy.ReplaceOrRefund or Remedy.Replace).ToList();
        var granted = ofArticle.FirstOrDefault(e => e.Status == EntitlementStatus.Granted);
        if (granted is null)
        {
            missing.AddRange(ofArticle.Count > 0 ? StillMissing(article, assessment, policy) : Conditions(article, assessment, policy));
        }
        else if (granted.Remedy == Remedy.Replace && request == BuybackRemedy.Refund)
        {
            missing.Add($"{article} gives a replacement vehicle only, not a refund");
        }

        if (missing.Count == 0)
        {
            entitlement = granted;
        }

        return missing;
    }

    /// <summary>A watched entitlement: the counts are there, the condition that completes the right is not.</summary>
    private static IEnumerable<string> StillMissing(string article, WarrantyAssessment assessment, WarrantyPolicy policy) => article switch
    {
        "Art. 24(1)" => ["a later appraisal inside the 三包 validity period finding the serious safety fault still not eliminated, or a new serious safety fault"],
        "Art. 24(2)" => ["a later appraisal inside the 三包 validity period finding the replaced engine, gearbox, traction battery or drive motor still not usable"],
        "Art. 24(3)" => ["a later appraisal inside the 三包 validity period finding the twice-replaced main part still not usable"],
        _ => [Art24Point4(policy, assessment.Counters)],
    };

    /// <summary>No entitlement of the article at all: everything it needs, with the vehicle's counts.</summary>
    private static IEnumerable<string> Conditions(string article, WarrantyAssessment assessment, WarrantyPolicy policy)
    {
        var counters = assessment.Counters;
        var thresholds = policy.ReplaceOrRefund;
        var start = assessment.CoverageStart is { } s ? s.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "not started";
        switch (article)
        {
            case "Art. 22":
                yield return $"an approved appraisal within {policy.EarlyReplacementDays} days of the 三包 start ({start}) finding that the engine, gearbox, traction battery or drive motor, or a main part of one, needs replacing";
                break;
            case "Art. 23":
                yield return $"an approved appraisal within {policy.EarlyFailureWindow.Days} days or {policy.EarlyFailureWindow.Km:N0} km of the 三包 start ({start}) finding a steering failure, brake failure, body cracking, fuel leak or traction-battery fire";
                break;
            case "Art. 24(1)":
                yield return $"serious safety faults repaired {thresholds.SeriousSafetyRepairs} times inside the 三包 validity period (counted: {counters.SeriousSafetyRepairs})";
                yield return "then an appraisal finding the fault still not eliminated, or a new serious safety fault";
                break;
            case "Art. 24(2)":
                yield return $"the engine, gearbox, traction battery or drive motor replaced {thresholds.UnitReplacements} times inside the 三包 validity period (counted: {counters.UnitReplacements})";
                yield return "then an appraisal finding it still not usable";
                break;
            case "Art. 24(3)":
                var most = counters.MainPartReplacements.Count == 0 ? 0 : counters.MainPartReplacements.Values.Max();
                yield return $"one main part replaced {thresholds.SameMainPartReplacements} times inside the 三包 validity period (most for one part: {most})";
                yield return "then an appraisal finding it still not usable";
                break;
            default:
                yield return Art24Point4(policy, counters);
                break;
        }
    }

    private static string Art24Point4(WarrantyPolicy policy, SanbaoCounters counters)
    {
        var thresholds = policy.ReplaceOrRefund;
        var days = $" (counted: {counters.RepairDays})";
        var most = $" (most for one problem: {(counters.RepairsByFault.Count == 0 ? 0 : counters.RepairsByFault.Values.Max())})";
        return $"more than {thresholds.MaxCumulativeRepairDays} repair days inside the 三包 validity period{days}, or the same problem repaired more than {thresholds.MaxSameProblemRepairs} times{most}";
    }
}

/// <summary>
/// Art. 28: a replace/refund request is answered within 10 working days and completed within 20, counted on the
/// working-day calendar from the day after the request (Civil Code Art. 201). A deadline is a date: it is met by a step
/// on that business day and passes at the start of the next one.
/// </summary>
public static class Art28
{
    public const int AnswerWorkingDays = 10;
    public const int CompleteWorkingDays = 20;

    /// <summary>The answer and completion deadlines of a request made on <paramref name="requestedOn"/>; null with the first year the calendar lacks.</summary>
    public static (DateOnly AnswerBy, DateOnly CompleteBy)? Deadlines(WorkingDayCalendar calendar, DateOnly requestedOn, out int? missingYear)
    {
        if (calendar.AddWorkingDays(requestedOn, AnswerWorkingDays, out missingYear) is not { } answerBy
            || calendar.AddWorkingDays(requestedOn, CompleteWorkingDays, out missingYear) is not { } completeBy)
        {
            return null;
        }

        return (answerBy, completeBy);
    }

    /// <summary>The instant the deadline <paramref name="dueBy"/> has passed: the start of the next business day.</summary>
    public static DateTimeOffset PassedAt(DateOnly dueBy, TimeSpan businessUtcOffset) =>
        new(dueBy.AddDays(1).ToDateTime(TimeOnly.MinValue), businessUtcOffset);
}

/// <summary>Art. 27: what a refund pays back.</summary>
public static class Refunds
{
    /// <summary>
    /// The invoice price less the usage compensation (none for Art. 22/23), never below zero.
    /// </summary>
    public static decimal Amount(decimal invoicePrice, decimal? usageCompensation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(invoicePrice);
        if (usageCompensation is < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(usageCompensation), usageCompensation, "A usage compensation is never negative (Art. 27).");
        }

        return Math.Max(0m, invoicePrice - (usageCompensation ?? 0m));
    }
}
