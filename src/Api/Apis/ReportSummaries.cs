using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Api.Http;
using AfterSales.Interfaces.Reports;

namespace AfterSales.Api.Apis;

/// <summary>
/// GET /api/reports/summaries/weekly/{yyyy-Www} and /annual/{yyyy} (seed 002 §6.3.2, 周度、年度服务数据分析): the period's
/// quality, complaints and service, read from the roll-ups the events maintain (a week's <c>quality:week:…</c>,
/// <c>complaints:week:…</c>, <c>service:week:…</c>; a year's twelve months of <c>quality:…</c>, <c>complaints:…</c>,
/// <c>service:…</c>). <see cref="Quality"/>, <see cref="Complaints"/> and <see cref="Service"/> are the whole period's;
/// <see cref="Stations"/> is one page of the stations with any count in the period, by code (ordinal);
/// <see cref="NextCursor"/> (opaque: the page's last code) asks for the next page, null on the last.
/// </summary>
public sealed record ReportSummaryPage(
    // "2026-W23" or "2026".
    string Period,
    // The business dates the period covers, both included.
    DateOnly From,
    DateOnly To,
    QualitySummary Quality,
    ComplaintsSummary Complaints,
    ServiceSummary Service,
    IReadOnlyList<StationSummary> Stations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor)
{
    /// <summary>How many entries <see cref="QualitySummary.ByFault"/> and <see cref="QualitySummary.TopFailures"/> show at most.</summary>
    public const int TopN = 20;

    private const string Prefix = "summary-station:";

    /// <summary>Whether a decoded cursor is a position of a summary: a station code to continue after.</summary>
    public static bool IsPosition(string position) => position.StartsWith(Prefix, StringComparison.Ordinal) && position.Length > Prefix.Length;

    /// <summary>The summary from the period's counters: up to <paramref name="limit"/> stations after <paramref name="after"/> (a position), by code.</summary>
    public static ReportSummaryPage Of(string period, DateOnly from, DateOnly to, IReadOnlyDictionary<string, long> quality,
        IReadOnlyDictionary<string, long> complaints, IReadOnlyDictionary<string, long> service, int limit, string? after)
    {
        var afterCode = after?[Prefix.Length..];
        var serviceByStation = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (name, value) in service.Where(c => c.Key.StartsWith(ServiceCounters.StationPrefix, StringComparison.Ordinal)))
        {
            var rest = name[ServiceCounters.StationPrefix.Length..];
            var split = rest.IndexOf(ServiceCounters.Separator, StringComparison.Ordinal);
            if (split > 0)
            {
                var code = rest[..split];
                if (!serviceByStation.TryGetValue(code, out var own))
                {
                    serviceByStation[code] = own = new(StringComparer.Ordinal);
                }

                own[rest[(split + 1)..]] = value;
            }
        }

        var cards = ComplaintsReportPage.Of("", complaints, int.MaxValue, null);
        var cardsByStation = cards.Stations.ToDictionary(s => s.StationCode, StringComparer.Ordinal);
        var codes = serviceByStation.Keys.Union(cardsByStation.Keys, StringComparer.Ordinal)
            .Where(c => afterCode is null || string.CompareOrdinal(c, afterCode) > 0)
            .Order(StringComparer.Ordinal).ToList();
        var page = codes.Take(limit).Select(code =>
        {
            var card = cardsByStation.GetValueOrDefault(code);
            return new StationSummary(code, ServiceSummary.From(serviceByStation.GetValueOrDefault(code) ?? []), card?.Complaints ?? 0,
                card?.ByCategory ?? ImmutableSortedDictionary<string, long>.Empty, card?.Breaches ?? ImmutableSortedDictionary<string, long>.Empty);
        }).ToList();
        var next = codes.Count > page.Count ? Paging.Cursor(Prefix + page[^1].StationCode) : null;
        return new ReportSummaryPage(period, from, to, QualitySummary.From(quality),
            new ComplaintsSummary(cards.Complaints, cards.ByKind, cards.ByCategory, cards.ByClock, cards.Queued),
            ServiceSummary.From(service.Where(c => !c.Key.StartsWith(ServiceCounters.StationPrefix, StringComparison.Ordinal))),
            page, next);
    }

    /// <summary>The sum of several periods' counters (a year's months).</summary>
    public static ImmutableSortedDictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>> periods)
    {
        var sum = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in periods.SelectMany(p => p))
        {
            sum[name] = sum.GetValueOrDefault(name) + value;
        }

        return sum.ToImmutable();
    }
}

/// <summary>
/// Repairs completed in the period (with a fault code): by model and by component in full, by fault code and by
/// model × component × fault the <see cref="ReportSummaryPage.TopN"/> most frequent (ties by name), with how many there are.
/// Repeat-fault signals are a month's (GET /api/reports/quality/{yyyy-MM}).
/// </summary>
public sealed record QualitySummary(
    long Repairs,
    IReadOnlyList<CountBy> ByModel,
    IReadOnlyList<CountBy> ByComponent,
    IReadOnlyList<CountBy> ByFault,
    int FaultCodes,
    IReadOnlyList<FailureCount> TopFailures,
    int Failures)
{
    public static QualitySummary From(IReadOnlyDictionary<string, long> counters)
    {
        List<CountBy> By(string prefix) => [.. counters
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal) && c.Value != 0)
            .Select(c => new CountBy(c.Key[prefix.Length..], c.Value))
            .OrderByDescending(c => c.Repairs).ThenBy(c => c.Name, StringComparer.Ordinal)];

        var faults = By(QualityCounters.FaultPrefix);
        var failures = By(QualityCounters.CombinationPrefix);
        var top = failures.Take(ReportSummaryPage.TopN).Select(c => (Parts: c.Name.Split(QualityCounters.Separator), c.Repairs))
            .Where(c => c.Parts.Length == 3).Select(c => new FailureCount(c.Parts[0], c.Parts[1], c.Parts[2], c.Repairs)).ToList();
        return new QualitySummary(counters.GetValueOrDefault(QualityCounters.Repairs), By(QualityCounters.ModelPrefix), By(QualityCounters.ComponentPrefix),
            [.. faults.Take(ReportSummaryPage.TopN)], faults.Count, top, failures.Count);
    }
}

/// <summary>Cards (service requests and complaints) registered in the period, as the monthly complaints report counts them.</summary>
public sealed record ComplaintsSummary(
    long Cards,
    ImmutableSortedDictionary<string, long> ByKind,
    ImmutableSortedDictionary<string, long> ByCategory,
    ImmutableSortedDictionary<string, long> ByClock,
    QueuedComplaints Queued);

/// <summary>
/// Station work in the period, as the station-month grade inputs count it: work orders completed (and recall work among
/// them), comebacks charged, cards at the station (service requests dispatched, complaints charged) and their SLA
/// breaches, the satisfaction surveys owed for the completed orders (answered, not reached) and their mean score (null: none answered).
/// </summary>
public sealed record ServiceSummary(
    long CompletedWorkOrders,
    long RecallsCompleted,
    long Comebacks,
    long ServiceRequests,
    long Complaints,
    long SlaBreaches,
    long SurveysDue,
    long SurveysAnswered,
    long SurveysNoAnswer,
    double? MeanSurveyScore)
{
    public static ServiceSummary From(IEnumerable<KeyValuePair<string, long>> counters)
    {
        var c = counters.ToDictionary(StringComparer.Ordinal);
        long Get(string name) => c.GetValueOrDefault(name);
        var answered = Get(StationMonthCounters.SurveysAnswered);
        return new ServiceSummary(Get(StationMonthCounters.CompletedWorkOrders), Get(StationMonthCounters.RecallsCompleted), Get(StationMonthCounters.Comebacks),
            Get(StationMonthCounters.ServiceRequests), Get(StationMonthCounters.Complaints), Get(StationMonthCounters.SlaBreaches),
            Get(StationMonthCounters.SurveysDue), answered, Get(StationMonthCounters.SurveysNoAnswer),
            answered == 0 ? null : Math.Round((double)Get(StationMonthCounters.SurveyScoreSum) / answered, 3));
    }
}

/// <summary>One station's period: its service counters, and its cards by category and SLA breaches by clock.</summary>
public sealed record StationSummary(
    string StationCode,
    ServiceSummary Service,
    long Cards,
    ImmutableSortedDictionary<string, long> ByCategory,
    ImmutableSortedDictionary<string, long> Breaches);
