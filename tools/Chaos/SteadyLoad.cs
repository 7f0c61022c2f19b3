using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;

namespace AfterSales.Chaos;

/// <summary>
/// The rolling run's load beside the chaos writers: warranty reads of every vehicle of the run, one attempt each (a
/// read that fails is a failed request; nothing retries it), and odometer readings (+1 km each, with an
/// Idempotency-Key, retried like every write) on a fleet of their own. Each of those vehicles belongs to one writer,
/// so its readings only go up, and afterwards its stored odometer must be the highest reading acknowledged (or a
/// later one sent that the client gave up on).
/// </summary>
public sealed class SteadyLoad(ChaosOptions options, HttpClient http, IReadOnlyList<string> readVins, IReadOnlyList<string> odometerVins, RequestStats stats)
{
    /// <summary>The first reading: delivered at 0 km a month ago, so 1,000 km is plausible.</summary>
    private const int FirstReadingKm = 1000;

    private readonly ConcurrentDictionary<string, int> _acknowledgedKm = new();
    private readonly ConcurrentDictionary<string, int> _sentKm = new();
    private RetryingSender? _senderInstance;

    private RetryingSender Sender => _senderInstance ??= new(options, http, Stopwatch.StartNew(), stats);

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.ReadWorkers).Select(worker => Task.Run(() => ReaderAsync(worker, stop)))
            .Concat(Enumerable.Range(0, options.OdometerWorkers).Select(worker => Task.Run(() => OdometerWriterAsync(worker, stop)))));

    private async Task ReaderAsync(int worker, CancellationToken stop)
    {
        var random = new Random(1000 + worker);
        while (!stop.IsCancellationRequested)
        {
            var vin = readVins[random.Next(readVins.Count)];
            var path = $"/api/vehicles/{vin}/warranty";
            var started = stats.Elapsed;
            using var attempt = new CancellationTokenSource(options.AttemptTimeout);
            try
            {
                using var response = await http.GetAsync(path, attempt.Token);
                var text = await response.Content.ReadAsStringAsync(attempt.Token);
                stats.Record("warranty read", true, (int)response.StatusCode, started, stats.Elapsed - started, response.IsSuccessStatusCode ? "" : text);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                stats.Record("warranty read", true, 0, started, stats.Elapsed - started, ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private async Task OdometerWriterAsync(int worker, CancellationToken stop)
    {
        var mine = odometerVins.Where((_, i) => i % options.OdometerWorkers == worker).ToList();
        var turn = 0;
        while (!stop.IsCancellationRequested && mine.Count > 0)
        {
            var vin = mine[turn++ % mine.Count];
            var km = _sentKm.AddOrUpdate(vin, FirstReadingKm, (_, last) => last + 1);
            var sent = await Sender.PostAsync($"/api/vehicles/{vin}/odometer", new { readingKm = km, readAt = DateTimeOffset.UtcNow }, $"{vin}-odometer-{km}");
            if (sent.At is not null)
            {
                _acknowledgedKm[vin] = km;
            }
            else if (sent.Status is { } status)
            {
                Console.Error.WriteLine($"refused odometer reading {km} of {vin}: {(int)status} {sent.Text}");
            }
        }
    }

    /// <summary>Acknowledged readings against the stored odometers: short = a reading acknowledged and lost; over = more than was ever sent.</summary>
    public async Task<(int Acknowledged, int Short, int Over, IReadOnlyList<string> Examples)> CompareAsync(string connectionString)
    {
        var stored = new Dictionary<string, int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_key, (payload->>'odometerKm')::int FROM grain_state WHERE state_name = 'vehicle' AND grain_key = ANY(@fleet)", connection);
        command.Parameters.AddWithValue("fleet", odometerVins.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored[reader.GetString(0)] = reader.GetInt32(1);
        }

        var (shortCount, over, examples) = (0, 0, new List<string>());
        foreach (var (vin, acknowledged) in _acknowledgedKm)
        {
            var held = stored.GetValueOrDefault(vin);
            if (held < acknowledged)
            {
                shortCount++;
                examples.Add($"odometer of {vin}: {held} km stored, {acknowledged} km acknowledged (lost)");
            }
            else if (held > _sentKm[vin])
            {
                over++;
                examples.Add($"odometer of {vin}: {held} km stored, at most {_sentKm[vin]} km sent");
            }
        }

        return (stats.Records.Count(r => r.Kind == "odometer reading" && r.Status is >= 200 and < 300), shortCount, over, examples);
    }
}
