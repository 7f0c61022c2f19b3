using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Bench.Loader;

namespace AfterSales.Demo;

/// <summary>The demo network, built through the API that <paramref name="http"/> reaches (the command, and its smoke test).</summary>
public static class DemoRun
{
    private static readonly (string Code, string System, string Description)[] Faults =
    [
        ("C0035", "brakes", "front left wheel speed sensor"), ("C1214", "brakes", "brake pressure switch"),
        ("P0301", "engine", "cylinder 1 misfire"), ("P0420", "engine", "catalyst efficiency below threshold"),
        ("B1000", "electrical", "body control module fault"), ("U0100", "electrical", "lost communication with the engine module"),
        ("P0A80", "tractionBattery", "replace the hybrid battery pack"), ("C0545", "steering", "steering angle sensor"),
    ];

    /// <summary>Loads the network and prints progress and the views; 0 when nothing was refused.</summary>
    public static async Task<int> RunAsync(HttpClient http, DemoOptions options)
    {
        Step.Reset();
        var api = new DemoApi(http);
        var total = Stopwatch.StartNew();
        var random = new Random(options.Seed);

        // 1. Stations around the cities, weighted by city size.
        var cityPicks = Cities.All.SelectMany(c => Enumerable.Repeat(c, c.Weight)).ToArray();
        var stations = Enumerable.Range(0, options.Stations).Select(i =>
        {
            var city = cityPicks[random.Next(cityPicks.Length)];
            var (lat, lon) = (city.Latitude + ((random.NextDouble() - 0.5) * 0.5), city.Longitude + ((random.NextDouble() - 0.5) * 0.6));
            return new DemoStation($"S-{city.Code}-{i:D5}", city, Math.Round(lat, 5), Math.Round(lon, 5), random.Next(2, 13));
        }).ToList();
        await Step.RunAsync("stations", stations, 16, async s =>
        {
            var status = await api.SendAsync(HttpMethod.Put, $"/api/stations/{s.Code}", new
            {
                name = $"{s.City.Name} service {s.Code[^5..]}", province = s.City.Province, city = s.City.Name, latitude = s.Latitude, longitude = s.Longitude,
                bays = s.Bays, appraisers = new[] { "Wang Lei", "Li Na" },
            });
            return status is HttpStatusCode.OK or HttpStatusCode.Created;
        });

        // The parts catalogue first: an imported history's main parts must be catalogue main parts, and the warranty
        // answers show the wear parts' own coverages.
        var catalogued = await api.SendAsync(HttpMethod.Put, $"/api/catalogue/versions/{DataSet.CatalogueEffectiveFrom}", DataSet.Catalogue);
        if (catalogued is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw new InvalidOperationException($"The parts catalogue was refused ({(int)catalogued}).");
        }

        // 2. Vehicles with delivery, readings and repair histories, through the bulk API.
        var now = DateTimeOffset.UtcNow;
        var vehicles = new GeneratedVehicle[options.Vehicles];
        // Sold by one of the demo's stations (as dealers), so each vehicle has a region for the recall's progress by province.
        Parallel.For(0, vehicles.Length, i => vehicles[i] = DataSet.Vehicle(options.Seed, i, now) with { DealerCode = stations[i * 7 % stations.Count].Code });
        var bulk = new BulkApi(http);
        await Step.RunAsync("vehicles (bulk, 250 per request)", vehicles.Chunk(250).ToList(), 2, async chunk =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Vehicles an earlier attempt (or run) registered answer 409 "already registered": that is not a failure.
                    var refused = await bulk.PostAsync(chunk, CancellationToken.None);
                    return refused.All(r => r.Contains(" 409 ", StringComparison.Ordinal));
                }
                catch (HttpRequestException) when (attempt < 10)
                {
                    // The whole request timed out under load (503): send it again, as a client of this API should.
                    await Task.Delay(TimeSpan.FromSeconds(attempt));
                }
            }
        }, itemsPerUnit: 250);

        // 3. A recall over one model's batches of one production month.
        var recalled = vehicles.Where(v => v.Model == vehicles[0].Model && v.Batch[..^4] == vehicles[0].Batch[..^4]).ToList();
        var campaignId = $"DEMO-RC-{options.Seed}";
        await Step.RunAsync("recall campaign", [campaignId], 1, async id =>
            await api.SendAsync(HttpMethod.Post, "/api/recalls", new
            {
                campaignId = id, description = "Front brake hose may chafe against the wheel arch liner", models = Array.Empty<string>(),
                batches = recalled.Select(v => v.Batch).Distinct().ToArray(), vins = Array.Empty<string>(), remedy = "Re-route and clip the front brake hoses",
            }) == HttpStatusCode.Created);

        // 4. Work orders: recall work completed on about a third of the recalled vehicles, and open orders everywhere.
        var recallWork = recalled.Take(Math.Max(1, recalled.Count / 3)).Select((v, i) => (Vehicle: v, Index: i)).ToList();
        await Step.RunAsync("recall work orders (open, start, complete)", recallWork, 8, async w =>
        {
            var station = stations[w.Index * 7919 % stations.Count];
            var (status, body) = await api.SendForBodyAsync(HttpMethod.Post, $"/api/stations/{station.Code}/work-orders", new
            {
                vin = w.Vehicle.Vin, odometerKm = w.Vehicle.ReadingKm + 40, kind = "recall", faultCode = "RCL-BRK", system = "brakes",
                description = "recall: brake hose re-routing", recallCampaignId = campaignId,
            }, $"demo-{options.Seed}-recall-{w.Index}");
            if (status != HttpStatusCode.Created)
            {
                return status == HttpStatusCode.Conflict; // done by an earlier run
            }

            var id = body.GetProperty("id").GetString();
            return await api.SendAsync(HttpMethod.Post, $"/api/stations/{station.Code}/work-orders/{id}/start", null, $"demo-{options.Seed}-recall-{w.Index}-start") == HttpStatusCode.OK
                && await api.SendAsync(HttpMethod.Post, $"/api/stations/{station.Code}/work-orders/{id}/complete", null, $"demo-{options.Seed}-recall-{w.Index}-complete") == HttpStatusCode.OK;
        });

        var open = Enumerable.Range(0, options.WorkOrders).Select(i => (Index: i, Vehicle: vehicles[(i * 104_729) % vehicles.Length], Station: stations[random.Next(stations.Count)], Roll: random.Next(10))).ToList();
        await Step.RunAsync("open work orders", open, 8, async w =>
        {
            var (status, body) = await api.SendForBodyAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders", new
            {
                vin = w.Vehicle.Vin, odometerKm = w.Vehicle.ReadingKm + 60, kind = w.Roll < 4 ? "maintenance" : "repair", faultCode = w.Roll < 4 ? "" : "C0035",
                system = w.Roll < 4 ? "other" : "brakes", description = "demo visit",
            }, $"demo-{options.Seed}-wo-{w.Index}");
            if (status != HttpStatusCode.Created)
            {
                return status == HttpStatusCode.Conflict; // a full station or an earlier run
            }

            var id = body.GetProperty("id").GetString();
            if (w.Roll >= 3 && await api.SendAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders/{id}/start", null, $"demo-{options.Seed}-wo-{w.Index}-start") != HttpStatusCode.OK)
            {
                return false;
            }

            return w.Roll < 8 || await api.SendAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders/{id}/wait-for-parts", null, $"demo-{options.Seed}-wo-{w.Index}-wait") == HttpStatusCode.OK;
        });

        // Completed repairs, so this month's quality report and station grades have something to show.
        var repairs = Enumerable.Range(0, Math.Max(1, options.WorkOrders / 2))
            .Select(i => (Index: i, Vehicle: vehicles[((i * 7_919) + 13) % vehicles.Length], Station: stations[random.Next(stations.Count)], Fault: Faults[random.Next(Faults.Length)]))
            .ToList();
        await Step.RunAsync("completed repairs (open, start, complete)", repairs, 8, async w =>
        {
            var key = $"demo-{options.Seed}-fix-{w.Index}";
            var (status, body) = await api.SendForBodyAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders", new
            {
                vin = w.Vehicle.Vin, odometerKm = w.Vehicle.ReadingKm + 80, kind = "repair", faultCode = w.Fault.Code, system = w.Fault.System,
                description = w.Fault.Description,
            }, key);
            if (status != HttpStatusCode.Created)
            {
                return status == HttpStatusCode.Conflict; // a full station, or the vehicle is in another open order
            }

            var id = body.GetProperty("id").GetString();
            return await api.SendAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders/{id}/start", null, $"{key}-start") == HttpStatusCode.OK
                && await api.SendAsync(HttpMethod.Post, $"/api/stations/{w.Station.Code}/work-orders/{id}/complete", null, $"{key}-complete") == HttpStatusCode.OK;
        });

        await DemoExtras.RunAsync(api, options, stations, vehicles, random);

        using var summary = JsonDocument.Parse(await http.GetStringAsync("/api/network/summary"));
        Console.WriteLine($"demo: done in {total.Elapsed.TotalMinutes:0.0} min. The network view (GET /api/network/summary):");
        Console.WriteLine(JsonSerializer.Serialize(summary.RootElement, new JsonSerializerOptions { WriteIndented = true }));
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using var quality = JsonDocument.Parse(await http.GetStringAsync($"/api/reports/quality/{month}"));
        var top = quality.RootElement.GetProperty("failures").EnumerateArray().Take(3)
            .Select(f => $"{f.GetProperty("model").GetString()} {f.GetProperty("component").GetString()} {f.GetProperty("faultCode").GetString()} × {f.GetProperty("repairs").GetInt64()}");
        Console.WriteLine($"demo: quality report {month} (GET /api/reports/quality/{month}): {quality.RootElement.GetProperty("repairs").GetInt64():N0} repairs; most frequent: {string.Join("; ", top)}");
        using var recall = JsonDocument.Parse(await http.GetStringAsync($"/api/recalls/{campaignId}"));
        Console.WriteLine($"demo: the recall's progress by the vehicles' regions (GET /api/recalls/{campaignId}):");
        Console.WriteLine(JsonSerializer.Serialize(recall.RootElement, new JsonSerializerOptions { WriteIndented = true }));
        return Step.Failures == 0 ? 0 : 1;
    }
}

/// <summary>Command-line options.</summary>
public sealed record DemoOptions(string Api, int Stations, int Vehicles, int WorkOrders, int Complaints, int Depots, int Seed)
{
    public static DemoOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Number(string name, int fallback) =>
            int.TryParse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{name} must be a positive whole number.");

        return new DemoOptions(Value("--api", "http://127.0.0.1:8080"), Number("--stations", 3_000), Number("--vehicles", 100_000),
            Number("--work-orders", 4_000), Number("--complaints", 1_500), Number("--depots", 40), Number("--seed", 2026));
    }
}

internal sealed record DemoStation(string Code, City City, double Latitude, double Longitude, int Bays);

/// <summary>HTTP with the retries a client of this API is expected to make (503/429 carry Retry-After).</summary>
internal sealed class DemoApi(HttpClient http)
{
    public async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey = null) =>
        (await SendForBodyAsync(method, path, body, idempotencyKey)).Status;

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendForBodyAsync(HttpMethod method, string path, object? body, string? idempotencyKey = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            try
            {
                using var response = await http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests && attempt < 10)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
            }
            catch (HttpRequestException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}

/// <summary>Runs one step over its items with bounded concurrency and prints progress every 5 s.</summary>
internal static class Step
{
    public static int Failures { get; private set; }

    public static void Reset() => Failures = 0;

    public static async Task RunAsync<T>(string name, IReadOnlyList<T> items, int concurrency, Func<T, Task<bool>> work, int itemsPerUnit = 1)
    {
        var done = 0;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        var total = items.Count * itemsPerUnit;
        void Report(string prefix) =>
            Console.WriteLine($"demo: {prefix}{name}: {Volatile.Read(ref done) * itemsPerUnit:N0}/{total:N0} ({Volatile.Read(ref done) * itemsPerUnit / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0}/s), {Volatile.Read(ref failed)} refused");
        using var progress = new Timer(_ => Report(""), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) =>
        {
            if (!await work(item))
            {
                Interlocked.Increment(ref failed);
            }

            Interlocked.Increment(ref done);
        });
        Report("done — ");
        Failures += failed;
    }
}
