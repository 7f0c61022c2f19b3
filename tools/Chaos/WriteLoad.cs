using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AfterSales.Chaos;

/// <summary>An acknowledged write: the client got a 2xx for this visit.</summary>
public sealed record Acknowledgement(string Vin, string VisitId, TimeSpan At);

/// <summary>
/// A stock receipt at a depot: acknowledged (2xx), or given up after the retry budget (it may or may not have been
/// stored). Unlike a visit, a receipt has no natural identity: only its Idempotency-Key keeps a retry from adding
/// the stock twice, so the receipts are what proves that keys work under failover.
/// </summary>
public sealed record Receipt(string Depot, string Key, int Quantity, TimeSpan At, bool Acknowledged);

/// <summary>
/// Workers append visits (each with a unique visit id, sent as the Idempotency-Key) to the vehicles they own, and
/// others post stock receipts (each with a unique key) to the depots they own; every failure — timeouts, refused
/// connections, 5xx, 429 — is retried with the same key until the retry budget is spent. Each vehicle and depot
/// belongs to one worker, so its writes arrive in order.
/// </summary>
public sealed class WriteLoad(ChaosOptions options, HttpClient http, IReadOnlyList<string> vins, IReadOnlyList<string> depots, RequestStats? stats = null)
{
    /// <summary>The part every chaos receipt brings in.</summary>
    public const string Part = "CHAOS-PART";

    private readonly ConcurrentBag<Acknowledgement> _acknowledged = [];
    private readonly ConcurrentBag<Receipt> _receipts = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private RetryingSender? _senderInstance;
    private int _operations;
    private int _failedOperations;

    public IReadOnlyCollection<Acknowledgement> Acknowledged => _acknowledged;

    public IReadOnlyCollection<Receipt> Receipts => _receipts;

    /// <summary>When each acknowledged write (visit or receipt) was acknowledged.</summary>
    public IEnumerable<TimeSpan> AcknowledgedAt => _acknowledged.Select(a => a.At).Concat(_receipts.Where(r => r.Acknowledged).Select(r => r.At));

    public int Operations => _operations;

    public int FailedOperations => _failedOperations;

    public int Attempts => Sender.Attempts;

    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyDictionary<int, int> Statuses => Sender.Statuses;

    private RetryingSender Sender => _senderInstance ??= new(options, http, _clock, stats);

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Workers).Select(worker => Task.Run(() => WorkerAsync(worker, stop)))
            .Concat(Enumerable.Range(0, options.DepotWorkers).Select(worker => Task.Run(() => DepotWorkerAsync(worker, stop)))));

    private async Task DepotWorkerAsync(int worker, CancellationToken stop)
    {
        var mine = depots.Where((_, i) => i % options.DepotWorkers == worker).ToList();
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var depot = mine[turn % mine.Count];
            turn++;
            Interlocked.Increment(ref _operations);
            var quantity = 1 + (turn % 3);
            var key = $"{depot}-receipt-{turn:D6}";
            var body = new { lines = new[] { new { partNo = Part, quantity } } };
            var at = await SendWithRetriesAsync($"/api/depots/{depot}/receipts", body, key);
            _receipts.Add(new Receipt(depot, key, quantity, at ?? _clock.Elapsed, at is not null));
        }
    }

    private async Task WorkerAsync(int worker, CancellationToken stop)
    {
        var mine = vins.Where((_, i) => i % options.Workers == worker).ToList();
        var sequence = new Dictionary<string, int>();
        var turn = 0;
        while (!stop.IsCancellationRequested)
        {
            var vin = mine[turn++ % mine.Count];
            var n = sequence[vin] = sequence.GetValueOrDefault(vin) + 1;
            await WriteWithRetriesAsync(vin, n);
        }
    }

    private async Task WriteWithRetriesAsync(string vin, int n)
    {
        Interlocked.Increment(ref _operations);
        var visitId = $"{vin}-{n:D5}";
        var now = DateTimeOffset.UtcNow;
        var visit = new
        {
            visitId,
            stationCode = "CHAOS",
            kind = "maintenance",
            agreedAt = now.AddSeconds(-20),
            completedAt = now.AddSeconds(-10),
            mileageKm = 100 + (n * 10),
            workDone = "chaos load",
        };
        if (await SendWithRetriesAsync($"/api/vehicles/{vin}/visits", visit, visitId) is { } at)
        {
            _acknowledged.Add(new Acknowledgement(vin, visitId, at));
        }
    }

    /// <summary>Sends one write until it is acknowledged (returns when) or the retry budget is spent (null).</summary>
    private async Task<TimeSpan?> SendWithRetriesAsync(string path, object body, string idempotencyKey)
    {
        var sent = await Sender.PostAsync(path, body, idempotencyKey);
        if (sent.At is null)
        {
            if (sent.Status is { } status)
            {
                Console.Error.WriteLine($"refused {idempotencyKey}: {(int)status} {sent.Text}");
            }

            Interlocked.Increment(ref _failedOperations);
        }

        return sent.At;
    }

    public static HttpClient CreateClient(string baseUrl, string token)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(1) };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
