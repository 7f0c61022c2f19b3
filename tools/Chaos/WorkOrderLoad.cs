using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AfterSales.Chaos;

/// <summary>An acknowledged <c>complete</c>: the station answered 2xx for this work order.</summary>
public sealed record WorkOrderCompletion(string Station, string OrderId, string Vin, TimeSpan At, bool ArchivedWhenAnswered, string AnsweredState, bool Repair = false);

/// <summary>An acknowledged <c>settle</c>, with how long the client waited for the visit to reach the archive (409s).</summary>
public sealed record WorkOrderSettlement(string Station, string OrderId, string Vin, TimeSpan At, TimeSpan Waited);

/// <summary>
/// Work-order flows under the same failover: open a maintenance order at a station for a vehicle of the work-order
/// fleet (a fleet of its own, so the visit writers' odometer readings never meet these), start it, complete it and
/// settle it; each step with an Idempotency-Key of its own, retried like every other write (timeouts, refused
/// connections, 5xx, 429 with the same key until the retry budget is spent). Completing writes the visit for the
/// vehicle's archive into the station's outbox; a settle refused with 409 because that visit has not reached the
/// archive yet is retried (same key) for up to <see cref="ChaosOptions.SettleWait"/>. Each vehicle belongs to one
/// worker, so its odometer readings only go up (+10 km per order).
/// </summary>
public sealed class WorkOrderLoad(ChaosOptions options, HttpClient http, IReadOnlyList<string> vins, IReadOnlyList<string> stations, RequestStats? stats = null)
{
    /// <summary>What a station answers to a settle that came before the archive has the visit.</summary>
    public const string NotArchivedYet = "has not reached";

    /// <summary>The fault code of the chaos run's repairs (the quality report counts them by it).</summary>
    public const string RepairFault = "F-CHAOS";

    private readonly ConcurrentBag<WorkOrderCompletion> _completions = [];
    private readonly ConcurrentBag<WorkOrderSettlement> _settlements = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private RetryingSender? _senderInstance;
    private int _flows;
    private int _stepsOutOfBudget;
    private int _stepsRefused;
    private int _settleRefusals;
    private int _settlesThatWaited;
    private int _settlesGivenUp;
    private long _longestSettleWaitTicks;

    public IReadOnlyCollection<WorkOrderCompletion> Completions => _completions;

    public IReadOnlyCollection<WorkOrderSettlement> Settlements => _settlements;

    public IReadOnlyDictionary<int, int> Statuses => Sender.Statuses;

    private RetryingSender Sender => _senderInstance ??= new(options, http, _clock, stats);

    /// <summary>Flows begun (an open was sent).</summary>
    public int Flows => _flows;

    public int Attempts => Sender.Attempts;

    /// <summary>Steps given up because the retry budget was spent.</summary>
    public int StepsOutOfBudget => _stepsOutOfBudget;

    /// <summary>Steps refused for good (a 4xx other than 429, and other than the settle's "not archived yet"): each printed on stderr.</summary>
    public int StepsRefused => _stepsRefused;

    /// <summary>Settle answers 409 "its visit has not reached the archive yet" (each retried).</summary>
    public int SettleRefusals => _settleRefusals;

    /// <summary>Settles that needed at least one such retry before they were acknowledged.</summary>
    public int SettlesThatWaited => _settlesThatWaited;

    /// <summary>Settles still refused after <see cref="ChaosOptions.SettleWait"/>.</summary>
    public int SettlesGivenUp => _settlesGivenUp;

    public TimeSpan LongestSettleWait => TimeSpan.FromTicks(Interlocked.Read(ref _longestSettleWaitTicks));

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.WorkOrderWorkers).Select(worker => Task.Run(() => WorkerAsync(worker, stop))));

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var mine = vins.Where((_, i) => i % options.WorkOrderWorkers == worker).ToList();
        if (mine.Count == 0)
        {
            return;
        }

        var odometer = new Dictionary<string, int>();
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var vin = mine[turn % mine.Count];
            var station = stations[(turn + worker) % stations.Count];
            turn++;
            var km = odometer[vin] = odometer.GetValueOrDefault(vin, 90) + 10;
            // Every third order is a repair of a fault, which the vehicle reports on to the month's quality report.
            await FlowAsync(station, vin, km, $"wo{worker}-{turn:D6}", repair: turn % 3 == 0, stop);
        }
    }

    /// <summary>One order from open to settled; the load's end stops it between steps (what was acknowledged stays in the ledger).</summary>
    private async Task FlowAsync(string station, string vin, int km, string key, bool repair, CancellationToken stop)
    {
        Interlocked.Increment(ref _flows);
        object order = repair
            ? new { vin, odometerKm = km, kind = "repair", faultCode = RepairFault, system = "brakes", description = "chaos repair" }
            : new { vin, odometerKm = km, kind = "maintenance", description = "chaos work order" };
        var opened = await SendWithRetriesAsync($"/api/stations/{station}/work-orders", order, key + "-open");
        if (opened.At is null || opened.Body.ValueKind != JsonValueKind.Object || !opened.Body.TryGetProperty("id", out var idProperty))
        {
            GaveUp(opened.Status);
            return;
        }

        var id = idProperty.GetString()!;
        var orderPath = $"/api/stations/{station}/work-orders/{Uri.EscapeDataString(id)}";
        if (stop.IsCancellationRequested)
        {
            return;
        }

        var started = await SendWithRetriesAsync(orderPath + "/start", new { }, key + "-start");
        if (started.At is null)
        {
            GaveUp(started.Status);
            return;
        }

        if (stop.IsCancellationRequested)
        {
            return;
        }

        var completed = await SendWithRetriesAsync(orderPath + "/complete", new { }, key + "-complete");
        if (completed.At is not { } completedAt)
        {
            GaveUp(completed.Status);
            return;
        }

        var archived = completed.Body.ValueKind == JsonValueKind.Object && completed.Body.TryGetProperty("archivedOnVehicle", out var a) && a.ValueKind == JsonValueKind.True;
        var answeredState = completed.Body.ValueKind == JsonValueKind.Object && completed.Body.TryGetProperty("state", out var st) ? st.ToString() : "";
        if (answeredState != "completed")
        {
            Console.Error.WriteLine($"chaos: {completedAt.TotalSeconds:F1} s  complete of {id} acknowledged ({key}-complete) with the order {answeredState}, archivedOnVehicle {archived}");
        }

        _completions.Add(new WorkOrderCompletion(station, id, vin, completedAt, archived, answeredState, repair));
        if (stop.IsCancellationRequested)
        {
            return;
        }

        // Settling waits for the archive: a 409 saying the visit has not reached it yet is asked again with the same key.
        var waitStarted = _clock.Elapsed;
        var waited = false;
        while (true)
        {
            var settled = await SendWithRetriesAsync(orderPath + "/settle", new { }, key + "-settle");
            if (settled.At is { } settledAt)
            {
                var wait = settledAt - waitStarted;
                if (waited)
                {
                    Interlocked.Increment(ref _settlesThatWaited);
                    for (var longest = Interlocked.Read(ref _longestSettleWaitTicks); wait.Ticks > longest; longest = Interlocked.Read(ref _longestSettleWaitTicks))
                    {
                        Interlocked.CompareExchange(ref _longestSettleWaitTicks, wait.Ticks, longest);
                    }
                }

                _settlements.Add(new WorkOrderSettlement(station, id, vin, settledAt, waited ? wait : TimeSpan.Zero));
                return;
            }

            if (settled.Status != HttpStatusCode.Conflict || !Detail(settled.Body).Contains(NotArchivedYet, StringComparison.Ordinal))
            {
                if (settled.Status is not null)
                {
                    Console.Error.WriteLine($"chaos: {_clock.Elapsed.TotalSeconds:F1} s  settle of {id} refused after its complete was acknowledged at {completedAt.TotalSeconds:F1} s (answered: order {answeredState}, archivedOnVehicle {archived})");
                }

                GaveUp(settled.Status);
                return;
            }

            Interlocked.Increment(ref _settleRefusals);
            waited = true;
            if (_clock.Elapsed - waitStarted > options.SettleWait)
            {
                Interlocked.Increment(ref _settlesGivenUp);
                Console.Error.WriteLine($"chaos: settle of {id} still refused after {options.SettleWait.TotalSeconds:F0} s: {Detail(settled.Body)}");
                return;
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private void GaveUp(HttpStatusCode? refused) => Interlocked.Increment(ref refused is null ? ref _stepsOutOfBudget : ref _stepsRefused);

    private static string Detail(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()! : "";

    /// <summary>
    /// Sends one step until it is acknowledged (At and the reply) or refused for good (a 4xx other than 429: its status
    /// and body, At null) or the retry budget is spent (all null) — the policy every chaos load shares.
    /// </summary>
    private async Task<(TimeSpan? At, HttpStatusCode? Status, JsonElement Body)> SendWithRetriesAsync(string path, object body, string idempotencyKey)
    {
        var sent = await Sender.PostAsync(path, body, idempotencyKey);
        // The settle's 409 before the archive has the visit is the caller's to retry, not a refusal worth a line.
        if (sent is { At: null, Status: { } status }
            && !(status == HttpStatusCode.Conflict && Detail(sent.Body).Contains(NotArchivedYet, StringComparison.Ordinal)))
        {
            Console.Error.WriteLine($"refused {idempotencyKey} at {_clock.Elapsed.TotalSeconds:F1} s: {(int)status} {sent.Text}");
        }

        return (sent.At, sent.Status, sent.Body);
    }
}
