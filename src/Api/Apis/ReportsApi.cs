using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;
using AfterSales.Api.Hosting;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;

namespace AfterSales.Api.Apis;

public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports");
        group.MapGet("/quality/{month}", QualityAsync).WithName("GetQualityReport")
            .WithSummary("Repairs completed in a month (yyyy-MM) by model, component and fault code, and repeat-fault signals per batch.")
            .Produces<QualityReport>();
        group.MapGet("/stations/{month}", StationsAsync).WithName("GetStationGrades")
            .WithSummary("Each station's grade A–D for a month (yyyy-MM) with its inputs, each input's score and the configured weights; stations by code, one page (limit 1–500, default 50; cursor from nextCursor).")
            .Produces<StationGradesPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapPost("/stations/{month}/close", CloseStationsAsync).RequireAuthorization(Policies.Operate).WithName("CloseStationGrades")
            .WithSummary("Freeze a month's grade sheet (服务商分级考核表) once the month has ended on the business calendar (409 month-not-over before; 409 illegal-transition once closed): the grades are stored, each grade's reward or penalty (Policies:Grades:Consequences) is recorded on its station, and a station graded D in SuspendAfterConsecutiveD consecutive months (default 2) is suspended with the months as the reason. Answers the first page of the frozen sheet (limit 50).")
            .Produces<StationGradesPage>();
        group.MapGet("/complaints/{month}", ComplaintsAsync).WithName("GetComplaintsReport")
            .WithSummary("Cards (service requests and complaints) registered in a month (yyyy-MM, business calendar) by kind, by category and by SLA clock breached, per station and for the call centre's queue; the totals are the whole month's, stations by code, one page (limit 1–500, default 50; cursor from nextCursor).")
            .Produces<ComplaintsReportPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/summaries/weekly/{week}", WeeklyAsync).WithName("GetWeeklySummary")
            .WithSummary("One ISO week (yyyy-Www, Monday–Sunday on the business calendar) of quality (repairs by model, component, top fault codes and failures), complaints (cards by kind, category, SLA clock breached, queued) and service (work orders and recall work completed, comebacks, service requests, complaints, SLA breaches, surveys due/answered/not reached and their mean score); an event counts in the week of the business date that puts it in its month. Totals are the whole week's; stations by code, one page (limit 1–500, default 50; cursor from nextCursor).")
            .Produces<ReportSummaryPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/summaries/annual/{year}", AnnualAsync).WithName("GetAnnualSummary")
            .WithSummary("One calendar year (yyyy, business calendar) of quality, complaints and service as the weekly summary counts them: the sum of the year's twelve months. Totals are the whole year's; stations by code, one page (limit 1–500, default 50; cursor from nextCursor).")
            .Produces<ReportSummaryPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        return group;
    }

    private static async Task<IResult> WeeklyAsync(string week, string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        if (!ReportPeriods.TryParseWeek(week, out var monday, out var sunday))
        {
            errors.Add("week", "week must be an ISO 8601 week yyyy-Www (W01 to the year's last week, W52 or W53), for example 2026-W23.");
        }

        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "summary", ReportSummaryPage.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var period = ReportPeriods.Week(monday);
        var read = await Task.WhenAll(
            cluster.Grain<ICounterRollupGrain>(QualityCounters.WeekScope(period)).GetCountersAsync(),
            cluster.Grain<ICounterRollupGrain>(RollupScopes.ComplaintsWeek(period)).GetCountersAsync(),
            cluster.Grain<ICounterRollupGrain>(ServiceCounters.WeekScope(period)).GetCountersAsync());
        return TypedResults.Ok(ReportSummaryPage.Of(period, monday, sunday, read[0].Counters, read[1].Counters, read[2].Counters, size, after));
    }

    private static async Task<IResult> AnnualAsync(string year, string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        if (!ReportPeriods.TryParseYear(year, out var y))
        {
            errors.Add("year", "year must be yyyy, for example 2026.");
        }

        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "summary", ReportSummaryPage.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        // A year is its twelve months: every event's month lies in the year of its business date.
        async Task<IReadOnlyDictionary<string, long>> SumAsync(Func<int, string> scope) => ReportSummaryPage.Sum(
            (await Task.WhenAll(Enumerable.Range(1, 12).Select(m => cluster.Grain<ICounterRollupGrain>(scope(m)).GetCountersAsync()))).Select(t => t.Counters));

        var read = await Task.WhenAll(
            SumAsync(m => QualityCounters.Scope(y, m)),
            SumAsync(m => RollupScopes.ComplaintsMonth(y, m)),
            SumAsync(m => ServiceCounters.MonthScope(y, m)));
        return TypedResults.Ok(ReportSummaryPage.Of(ReportPeriods.Year(new DateOnly(y, 1, 1)), new DateOnly(y, 1, 1), new DateOnly(y, 12, 31),
            read[0], read[1], read[2], size, after));
    }

    private static async Task<IResult> StationsAsync(string month, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "report", StationGradesPage.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var key = first.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        // A closed month answers its frozen sheet; an open one is graded live from the roll-ups.
        if (await cluster.Grain<IGradeSheetGrain>(key).GetFrozenAsync() is { } frozen)
        {
            return TypedResults.Ok(StationGradesPage.Of(frozen, size, after));
        }

        var report = await cluster.Grain<IStationGradesGrain>(key).GetAsync();
        return TypedResults.Ok(StationGradesPage.Of(report, size, after));
    }

    private static async Task<IResult> CloseStationsAsync(string month, HttpRequest request, IClusterClient cluster)
    {
        if (!TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var closed = await cluster.Grain<IGradeSheetGrain>(first.ToString("yyyy-MM", CultureInfo.InvariantCulture)).CloseAsync(request.HttpContext.User.Actor(), key);
        return closed.Refusal is not null ? closed.ToHttp() : TypedResults.Ok(StationGradesPage.Of(closed.Value!, Paging.DefaultLimit, null));
    }

    private static async Task<IResult> ComplaintsAsync(string month, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "report", ComplaintsReportPage.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var totals = await cluster.Grain<ICounterRollupGrain>(RollupScopes.ComplaintsMonth(first.Year, first.Month)).GetCountersAsync();
        return TypedResults.Ok(ComplaintsReportPage.Of(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), totals.Counters, size, after));
    }

    internal static bool TryMonth(string month, out DateOnly first, out IResult invalid)
    {
        invalid = OutcomeResults.Invalid(new() { ["month"] = ["month must be yyyy-MM, for example 2026-11."] });
        first = default;
        return month.Length == 7 && DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first);
    }

    private static async Task<IResult> QualityAsync(string month, IClusterClient cluster)
    {
        if (!TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        var totals = await cluster.Grain<ICounterRollupGrain>(QualityCounters.Scope(first.Year, first.Month)).GetCountersAsync();
        return TypedResults.Ok(QualityReport.From(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), totals.Counters));
    }
}

/// <summary>
/// GET /api/reports/stations/{yyyy-MM}: one page of the month's grades, stations by code (ordinal). The weights are the
/// whole report's; <see cref="NextCursor"/> (opaque: the page's last code) asks for the next page, null on the last.
/// <see cref="Frozen"/>: the month is closed and this is its stored sheet (frozen at <see cref="FrozenAt"/>, each
/// station with its <c>consequence</c>), not a live grading.
/// </summary>
public sealed record StationGradesPage(
    string Month,
    ImmutableSortedDictionary<string, double> Weights,
    IReadOnlyList<StationGradeView> Stations,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    bool Frozen = false,
    DateTimeOffset? FrozenAt = null,
    string? FrozenBy = null)
{
    /// <summary>One page of a frozen sheet.</summary>
    public static StationGradesPage Of(FrozenGradeSheet sheet, int limit, string? after) =>
        Of(sheet.Report, limit, after) with { Frozen = true, FrozenAt = sheet.FrozenAt, FrozenBy = sheet.FrozenBy };

    private const string Prefix = "station:";

    /// <summary>Whether a decoded cursor is a position of this report: a station code to continue after.</summary>
    public static bool IsPosition(string position) => position.StartsWith(Prefix, StringComparison.Ordinal) && position.Length > Prefix.Length;

    /// <summary>Up to <paramref name="limit"/> stations after <paramref name="after"/> (a position), by code.</summary>
    public static StationGradesPage Of(StationGradesReport report, int limit, string? after)
    {
        var afterCode = after?[Prefix.Length..];
        var rest = report.Stations.Where(s => afterCode is null || string.CompareOrdinal(s.Code, afterCode) > 0)
            .OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
        var page = rest.Take(limit).ToList();
        var next = rest.Count > page.Count ? Paging.Cursor(Prefix + page[^1].Code) : null;
        return new StationGradesPage(report.Month, report.Weights, page, next);
    }
}

/// <summary>
/// GET /api/reports/complaints/{yyyy-MM}: complaints registered in the month, from the roll-up <c>complaints:{yyyy-MM}</c>.
/// <see cref="Complaints"/>, <see cref="ByCategory"/> and <see cref="ByClock"/> (SLA clocks breached) are the whole
/// month's; <see cref="Stations"/> is one page of the stations, by code (ordinal), <see cref="NextCursor"/> (opaque: the
/// page's last code) asks for the next page, null on the last.
/// </summary>
public sealed record ComplaintsReportPage(
    string Month,
    long Complaints,
    ImmutableSortedDictionary<string, long> ByCategory,
    ImmutableSortedDictionary<string, long> ByClock,
    IReadOnlyList<StationComplaints> Stations,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor)
{
    private const string Prefix = "station:";

    /// <summary>The month's cards by kind: <c>serviceRequest</c> and <c>complaint</c>.</summary>
    public ImmutableSortedDictionary<string, long> ByKind { get; init; } = ImmutableSortedDictionary<string, long>.Empty;

    /// <summary>The month's cards in the call centre's queue (counted at no station): how many, by category, and their breaches.</summary>
    public QueuedComplaints Queued { get; init; } = new(0, ImmutableSortedDictionary<string, long>.Empty, ImmutableSortedDictionary<string, long>.Empty);

    /// <summary>Whether a decoded cursor is a position of this report: a station code to continue after.</summary>
    public static bool IsPosition(string position) => position.StartsWith(Prefix, StringComparison.Ordinal) && position.Length > Prefix.Length;

    /// <summary>The report from the month's counters: up to <paramref name="limit"/> stations after <paramref name="after"/> (a position), by code.</summary>
    public static ComplaintsReportPage Of(string month, IReadOnlyDictionary<string, long> counters, int limit, string? after)
    {
        var afterCode = after?[Prefix.Length..];
        var stations = new SortedDictionary<string, (long Complaints, ImmutableSortedDictionary<string, long>.Builder ByCategory, ImmutableSortedDictionary<string, long>.Builder Breaches)>(StringComparer.Ordinal);
        foreach (var (name, value) in counters.Where(c => c.Key.StartsWith(ComplaintCounters.StationPrefix, StringComparison.Ordinal)))
        {
            var rest = name[ComplaintCounters.StationPrefix.Length..];
            var split = rest.IndexOf(ComplaintCounters.Separator, StringComparison.Ordinal);
            var code = split < 0 ? rest : rest[..split];
            if (afterCode is not null && string.CompareOrdinal(code, afterCode) <= 0)
            {
                continue;
            }

            if (!stations.TryGetValue(code, out var row))
            {
                row = (0, ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal), ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal));
            }

            var part = split < 0 ? "" : rest[(split + 1)..];
            if (split < 0)
            {
                row.Complaints = value;
            }
            else if (part.StartsWith(ComplaintCounters.CategoryPrefix, StringComparison.Ordinal))
            {
                row.ByCategory[part[ComplaintCounters.CategoryPrefix.Length..]] = value;
            }
            else if (part.StartsWith(ComplaintCounters.ClockPrefix, StringComparison.Ordinal))
            {
                row.Breaches[part[ComplaintCounters.ClockPrefix.Length..]] = value;
            }

            stations[code] = row;
        }

        var page = stations.Take(limit).Select(s => new StationComplaints(s.Key, s.Value.Complaints, s.Value.ByCategory.ToImmutable(), s.Value.Breaches.ToImmutable())).ToList();
        var next = stations.Count > page.Count ? Paging.Cursor(Prefix + page[^1].StationCode) : null;
        return new ComplaintsReportPage(month, counters.GetValueOrDefault(ComplaintCounters.Complaints),
            By(counters, ComplaintCounters.CategoryPrefix), By(counters, ComplaintCounters.ClockPrefix), page, next)
        {
            ByKind = By(counters, ComplaintCounters.KindPrefix),
            Queued = new QueuedComplaints(counters.GetValueOrDefault(ComplaintCounters.Queued),
                By(counters, ComplaintCounters.Queued + ComplaintCounters.Separator + ComplaintCounters.CategoryPrefix),
                By(counters, ComplaintCounters.Queued + ComplaintCounters.Separator + ComplaintCounters.ClockPrefix)),
        };
    }

    private static ImmutableSortedDictionary<string, long> By(IReadOnlyDictionary<string, long> counters, string prefix) => counters
        .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
        .ToImmutableSortedDictionary(c => c.Key[prefix.Length..], c => c.Value, StringComparer.Ordinal);
}

/// <summary>One station's complaints in the month: by category, and SLA breaches by clock.</summary>
public sealed record QueuedComplaints(long Complaints, ImmutableSortedDictionary<string, long> ByCategory, ImmutableSortedDictionary<string, long> Breaches);

public sealed record StationComplaints(string StationCode, long Complaints, ImmutableSortedDictionary<string, long> ByCategory, ImmutableSortedDictionary<string, long> Breaches);

public sealed record CountBy(string Name, long Repairs);

public sealed record FailureCount(string Model, string Component, string FaultCode, long Repairs);

public sealed record RepeatFaultSignalView(string Batch, string Model, string FaultCode, long Vehicles);

/// <summary>GET /api/reports/quality/{yyyy-MM}: most frequent first, ties by name.</summary>
public sealed record QualityReport(
    string Month,
    long Repairs,
    IReadOnlyList<CountBy> ByModel,
    IReadOnlyList<CountBy> ByComponent,
    IReadOnlyList<CountBy> ByFault,
    IReadOnlyList<FailureCount> Failures,
    IReadOnlyList<RepeatFaultSignalView> RepeatFaultSignals)
{
    public static QualityReport From(string month, IReadOnlyDictionary<string, long> counters)
    {
        IReadOnlyList<CountBy> By(string prefix) => [.. counters
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(c => new CountBy(c.Key[prefix.Length..], c.Value))
            .OrderByDescending(c => c.Repairs).ThenBy(c => c.Name, StringComparer.Ordinal)];

        var failures = By(QualityCounters.CombinationPrefix).Select(c => c.Name.Split(QualityCounters.Separator))
            .Zip(By(QualityCounters.CombinationPrefix), (parts, c) => new FailureCount(parts[0], parts[1], parts[2], c.Repairs)).ToList();
        var signals = By(QualityCounters.SignalPrefix).Select(c => (Parts: c.Name.Split(QualityCounters.Separator), c.Repairs))
            .Select(s => new RepeatFaultSignalView(s.Parts[0], s.Parts[1], s.Parts[2], s.Repairs)).ToList();
        return new QualityReport(month, counters.GetValueOrDefault(QualityCounters.Repairs), By(QualityCounters.ModelPrefix),
            By(QualityCounters.ComponentPrefix), By(QualityCounters.FaultPrefix), failures, signals);
    }
}
