using System.Diagnostics;
using System.Diagnostics.Metrics;
using AfterSales.Interfaces.Common;

namespace AfterSales.Grains.Common;

/// <summary>
/// The project's own series (meter <see cref="TelemetryNames.Meter"/>), exported by each process's telemetry setup:
/// what the business and the operators watch besides Orleans' and HTTP's own. Recording costs next to nothing while
/// nobody listens.
/// </summary>
public static class AfterSalesMetrics
{
    private static readonly Meter Meter = new(TelemetryNames.Meter);

    private static readonly Counter<long> WarrantyAnswers = Meter.CreateCounter<long>(
        "aftersales.warranty.answers", "{answer}", "Warranty and 三包 answers given.");

    private static readonly Counter<long> GrantedEntitlements = Meter.CreateCounter<long>(
        "aftersales.warranty.granted_entitlements", "{entitlement}", "Granted 三包 entitlements in the answers given, by article.");

    private static readonly Counter<long> Breaches = Meter.CreateCounter<long>(
        "aftersales.sla.breaches", "{breach}", "Deadlines that passed before their step: complaint SLA clocks and Art. 28 buyback clocks.");

    private static readonly Histogram<int> WriteBatchSizes = Meter.CreateHistogram<int>(
        "aftersales.storage.write_batch_size", "{write}", "Grain-state writes per PostgreSQL round trip (group commit).",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    private static readonly Counter<long> StorageErrors = Meter.CreateCounter<long>(
        "aftersales.storage.errors", "{error}", "Grain-state reads and writes that failed (version conflicts included), every grain type, by operation and state.");

    private static Func<long>? s_outboxBacklog;

    static AfterSalesMetrics() =>
        Meter.CreateObservableGauge("aftersales.outbox.backlog", () => s_outboxBacklog?.Invoke() ?? 0, "{grain}",
            "Grains whose outbox has waited longer than the sweeper's threshold, at its last sweep.");

    public static void WarrantyAnswered() => WarrantyAnswers.Add(1);

    /// <summary>Whether anyone listens to the granted-entitlement series (the hot warranty path skips the loop otherwise).</summary>
    public static bool CountsGrantedEntitlements => GrantedEntitlements.Enabled;

    public static void EntitlementGranted(string article) => GrantedEntitlements.Add(1, new KeyValuePair<string, object?>("article", article));

    /// <summary>A deadline passed: <paramref name="kind"/> is <c>complaint</c> or <c>buyback</c>, <paramref name="clock"/> which one.</summary>
    public static void Breach(string kind, string clock) =>
        Breaches.Add(1, new TagList { { "kind", kind }, { "clock", clock } });

    public static void WriteBatch(int writes) => WriteBatchSizes.Record(writes);

    /// <summary>A grain-state read or write failed: <paramref name="operation"/> is <c>read</c> or <c>write</c>, <paramref name="state"/> the state's name.</summary>
    public static void StorageError(string operation, string state) =>
        StorageErrors.Add(1, new TagList { { "operation", operation }, { "state", state } });

    /// <summary>Where the backlog gauge reads from (the silo's outbox sweeper).</summary>
    public static void ObserveOutboxBacklog(Func<long> backlog) => s_outboxBacklog = backlog;
}
