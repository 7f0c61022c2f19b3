using System.Globalization;
using AfterSales.Api.Http;
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
            .WithSummary("Each station's grade A–D for a month (yyyy-MM) with its inputs, each input's score and the configured weights.")
            .Produces<StationGradesReport>();
        return group;
    }

    private static async Task<IResult> StationsAsync(string month, IClusterClient cluster)
    {
        if (!TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        return TypedResults.Ok(await cluster.Grain<IStationGradesGrain>(first.ToString("yyyy-MM", CultureInfo.InvariantCulture)).GetAsync());
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
