using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AfterSales.Bench.Loader;
using AfterSales.Client;

namespace AfterSales.Demo;

/// <summary>The demo network, built through the typed client of the API (the command, and its smoke test).</summary>
public static class DemoRun
{
    /// <summary>How the demo's client retries: lost replies, 429 and 503 up to 10 attempts in all, each with the call's Idempotency-Key.</summary>
    public static readonly AfterSalesClientOptions ClientOptions = new() { MaxAttempts = 10, Timeout = TimeSpan.FromMinutes(5) };

    private static readonly JsonSerializerOptions Printed = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly (string Code, VehicleSystem System, string Description)[] Faults =
    [
        ("C0035", VehicleSystem.Brakes, "front left wheel speed sensor"), ("C1214", VehicleSystem.Brakes, "brake pressure switch"),
        ("P0301", VehicleSystem.Engine, "cylinder 1 misfire"), ("P0420", VehicleSystem.Engine, "catalyst efficiency below threshold"),
        ("B1000", VehicleSystem.Electrical, "body control module fault"), ("U0100", VehicleSystem.Electrical, "lost communication with the engine module"),
        ("P0A80", VehicleSystem.TractionBattery, "replace the hybrid battery pack"), ("C0545", VehicleSystem.Steering, "steering angle sensor"),
    ];

    /// <summary>The demo's callers of the API at <paramref name="baseAddress"/>, each role with the token <paramref name="token"/> gives for (role, station code), over one transport (<paramref name="transport"/> when given: a test server's handler).</summary>
    public static DemoCallers Callers(Uri baseAddress, Func<string, string?, string> token, HttpMessageHandler? transport = null)
    {
        var shared = transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        return new DemoCallers((role, station) =>
        {
            var bearer = token(role, station);
            return AfterSalesClient.Create(baseAddress, _ => ValueTask.FromResult(bearer), shared, ClientOptions);
        });
    }

    /// <summary>Loads the network through <paramref name="callers"/> (each call as the role that may make it), prints progress, the counts it produced and the views; exit code 0 when nothing was refused.</summary>
    public static async Task<DemoResult> RunAsync(DemoCallers callers, DemoOptions options)
    {
        Step.Reset();
        var total = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var produced = new DemoCounts();
        var admin = callers.Operator;

        // 1. Stations around the cities, weighted by city size.
        var cityPicks = Cities.All.SelectMany(c => Enumerable.Repeat(c, c.Weight)).ToArray();
        var stations = Enumerable.Range(0, options.Stations).Select(i =>
        {
            var city = cityPicks[random.Next(cityPicks.Length)];
            var (lat, lon) = (city.Latitude + ((random.NextDouble() - 0.5) * 0.5), city.Longitude + ((random.NextDouble() - 0.5) * 0.6));
            return new DemoStation($"S-{city.Code}-{i:D5}", city, Math.Round(lat, 5), Math.Round(lon, 5), random.Next(2, 13));
        }).ToList();
        // Each station's two appraisers hold appraiser certificates (seed 001 §5.3.1), so their appraisals are accepted.
        var certifiedFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-1);
        await Step.RunAsync("stations (register, certify appraisers)", stations, 16, async s =>
        {
            if (!await Calls.AcceptedAsync(admin.RegisterStationAsync(s.Code, null, null, new StationRequest
            {
                Name = $"{s.City.Name} service {s.Code[^5..]}", Province = s.City.Province, City = s.City.Name, Latitude = s.Latitude, Longitude = s.Longitude,
                Bays = s.Bays, Appraisers = ["Wang Lei", "Li Na"],
            })))
            {
                return false;
            }

            foreach (var (id, name) in new[] { ("A1", "Wang Lei"), ("A2", "Li Na") })
            {
                if (!await Calls.AcceptedAsync(admin.SetStationPersonAsync(s.Code, id, null, new StationPersonRequest
                {
                    Name = name,
                    Certificates = [new CertificateRequest
                    {
                        Kind = CertificateKind.Appraiser, Number = $"{s.Code}-{id}", ValidFrom = certifiedFrom, ValidUntil = certifiedFrom.AddYears(3),
                    }],
                })))
                {
                    return false;
                }

                produced.Add("stations: appraisers certified");
            }

            produced.Add("stations");
            return true;
        });

        // The parts catalogue first: an imported history's main parts must be catalogue main parts, and the warranty
        // answers show the wear parts' own coverages.
        var (_, catalogueRefused) = await Calls.ReplyAsync(admin.PutCatalogueVersionAsync(
            DateOnly.Parse(DataSet.CatalogueEffectiveFrom, CultureInfo.InvariantCulture), null, BulkApi.ToRequest(DataSet.Catalogue)));
        if (catalogueRefused != 0)
        {
            throw new InvalidOperationException($"The parts catalogue was refused ({catalogueRefused}).");
        }

        // 2. Vehicles with delivery, readings and repair histories, through the bulk API.
        var now = DateTimeOffset.UtcNow;
        var vehicles = new GeneratedVehicle[options.Vehicles];
        // Sold by one of the demo's stations (as dealers), so each vehicle has a region for the recall's progress by province.
        Parallel.For(0, vehicles.Length, i => vehicles[i] = DataSet.Vehicle(options.Seed, i, now) with { DealerCode = stations[i * 7 % stations.Count].Code });
        var bulk = new BulkApi(admin);
        await Step.RunAsync("vehicles (bulk, 250 per request)", vehicles.Chunk(250).ToList(), 2, async chunk =>
        {
            // A request that timed out under load as a whole (503) is sent again by the client with the same key.
            // Vehicles an earlier run registered answer 409 "already registered": that is not a failure.
            var refused = await bulk.PostAsync(chunk, CancellationToken.None);
            produced.Add("vehicles", chunk.Length);
            return refused.All(r => r.Contains(" 409 ", StringComparison.Ordinal));
        }, itemsPerUnit: 250);

        // 3. A recall over one model's vehicles produced in one month (a criterion: model AND production-date range),
        //    opened by the warranty department, and the owners of some of them notified (as the call centre records it).
        //    The model and month with the most vehicles (ties: the first model and month in order), so that the recall
        //    work below, done on a third of them, leaves the campaign open: completed on all of its vehicles (a month
        //    holding a single one), it would close itself at 100 % (once settled) and leave the network view.
        var (recalledModel, recalledFrom) = vehicles
            .GroupBy(v => (v.Model, Month: new DateOnly(v.ProductionDate.Year, v.ProductionDate.Month, 1)))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Month)
            .First().Key;
        var recalledTo = recalledFrom.AddMonths(1).AddDays(-1);
        var recalled = vehicles.Where(v => v.Model == recalledModel && v.ProductionDate >= recalledFrom && v.ProductionDate <= recalledTo).ToList();
        var campaignId = $"DEMO-RC-{options.Seed}";
        await Step.RunAsync("recall campaign", [campaignId], 1, id =>
            Calls.AcceptedAsync(callers.Warranty.OpenRecallAsync($"demo-{options.Seed}-recall", new RecallRequest
            {
                CampaignId = id, Description = "Front brake hose may chafe against the wheel arch liner", Models = [], Batches = [], Vins = [],
                Criteria = [new RecallCriterionRequest { Model = recalledModel, ProducedFrom = recalledFrom, ProducedTo = recalledTo }],
                Remedy = "Re-route and clip the front brake hoses",
            })));
        // The bulk load's vehicles join the fleet index from their outboxes, just after their replies, so a campaign opened
        // at once may not count them all yet, and the progress it prints would be short of them. The recall work waits
        // (30 s at most) until the campaign counts every vehicle recalled here.
        if (!await Calls.UntilAsync(async () => (await admin.GetRecallAsync(campaignId)).Affected >= recalled.Count))
        {
            Console.WriteLine($"demo: after 30 s the recall {campaignId} counts fewer than the {recalled.Count} vehicles it covers; going on");
        }

        var notified = recalled.Take(Math.Max(1, recalled.Count / 2)).Select((v, i) => (Vehicle: v, Index: i)).ToList();
        NotificationChannel[] channels = [NotificationChannel.Letter, NotificationChannel.Sms, NotificationChannel.Phone, NotificationChannel.App];
        var today = DateOnly.FromDateTime(now.ToOffset(DataSet.Offset).DateTime);
        await Step.RunAsync("recall owner notifications", notified, 8, async n =>
        {
            var accepted = await Calls.AcceptedAsync(callers.CallCentre.RecordRecallNotificationAsync(campaignId, $"demo-{options.Seed}-notice-{n.Index}", new RecallNotificationRequest
            {
                Vin = n.Vehicle.Vin, Channel = channels[n.Index % channels.Length], NotifiedOn = today,
            }));
            produced.Add("recalls: owner notifications", accepted ? 1 : 0);
            return accepted;
        });

        // A second, smaller campaign over listed VINs of another model that the operator closes (superseded): a closed
        // campaign leaves the network view and the vehicles' open recalls.
        var closedId = $"DEMO-RC-{options.Seed}-X";
        var listed = vehicles.Where(v => v.Model != recalledModel).Take(Math.Max(2, vehicles.Length / 1_000)).Select(v => v.Vin).ToList();
        await Step.RunAsync("recall opened, notified and closed", [closedId], 1, async id =>
        {
            var opened = await Calls.AcceptedAsync(callers.Warranty.OpenRecallAsync($"demo-{options.Seed}-recall-x", new RecallRequest
            {
                CampaignId = id, Description = "Driver airbag inflator may be out of tolerance (supplier lot inspection)", Models = [], Batches = [], Vins = listed,
                Criteria = [], Remedy = "Replace the driver airbag module",
            }));
            var told = opened && await Calls.AcceptedAsync(callers.CallCentre.RecordRecallNotificationAsync(id, $"demo-{options.Seed}-notice-x", new RecallNotificationRequest
            {
                Vin = listed[0], Channel = NotificationChannel.Phone, NotifiedOn = today,
            }));
            var closed = told && await Calls.AcceptedAsync(admin.CloseRecallAsync(id, $"demo-{options.Seed}-recall-x-close", new CloseRecallRequest
            {
                Reason = "Superseded: the supplier's lot inspection found every inflator within tolerance",
            }));
            produced.Add("recalls: closed (superseded)", closed ? 1 : 0);
            return closed;
        });

        // 4. Work orders, each opened and moved by its own station: recall work completed on about a third of the
        //    recalled vehicles, and open orders everywhere.
        var completed = new ConcurrentBag<(string Station, string WorkOrderId)>();
        // A third of them, at least one, and never all (the campaign stays open to show its progress).
        var recallWork = recalled.Take(Math.Min(Math.Max(1, recalled.Count / 3), recalled.Count - 1)).Select((v, i) => (Vehicle: v, Index: i)).ToList();
        await Step.RunAsync("recall work orders (open, start, complete)", recallWork, 8, async w =>
        {
            var station = stations[w.Index * 7919 % stations.Count];
            var api = callers.Station(station.Code);
            var key = $"demo-{options.Seed}-recall-{w.Index}";
            var (order, refused) = await Calls.ReplyAsync(api.OpenWorkOrderAsync(station.Code, key, new WorkOrderRequest
            {
                Vin = w.Vehicle.Vin, OdometerKm = w.Vehicle.ReadingKm + 40, Kind = VisitKind.Recall, FaultCode = "RCL-BRK", System = VehicleSystem.Brakes,
                Description = "recall: brake hose re-routing", RecallCampaignId = campaignId,
            }));
            if (order?.Id is not { } id)
            {
                return refused == Calls.Conflict; // done by an earlier run
            }

            var done = await Calls.AcceptedAsync(api.WorkOrderStartAsync(station.Code, id, $"{key}-start", null))
                && await Calls.AcceptedAsync(api.WorkOrderCompleteAsync(station.Code, id, $"{key}-complete", null));
            if (done)
            {
                completed.Add((station.Code, id));
                produced.Add("work orders: recall work completed");
            }

            return done;
        });

        var open = Enumerable.Range(0, options.WorkOrders).Select(i => (Index: i, Vehicle: vehicles[(i * 104_729) % vehicles.Length], Station: stations[random.Next(stations.Count)], Roll: random.Next(10))).ToList();
        var openOrders = new ConcurrentBag<OpenOrder>();
        await Step.RunAsync("open work orders", open, 8, async w =>
        {
            var api = callers.Station(w.Station.Code);
            var key = $"demo-{options.Seed}-wo-{w.Index}";
            var (order, refused) = await Calls.ReplyAsync(api.OpenWorkOrderAsync(w.Station.Code, key, new WorkOrderRequest
            {
                Vin = w.Vehicle.Vin, OdometerKm = w.Vehicle.ReadingKm + 60, Kind = w.Roll < 4 ? VisitKind.Maintenance : VisitKind.Repair, FaultCode = w.Roll < 4 ? "" : "C0035",
                System = w.Roll < 4 ? VehicleSystem.Other : VehicleSystem.Brakes, Description = "demo visit",
            }));
            if (order?.Id is not { } id)
            {
                return refused == Calls.Conflict; // a full station or an earlier run
            }

            if (w.Roll >= 3 && !await Calls.AcceptedAsync(api.WorkOrderStartAsync(w.Station.Code, id, $"{key}-start", null)))
            {
                return false;
            }

            if (w.Roll >= 8 && !await Calls.AcceptedAsync(api.WorkOrderWaitForPartsAsync(w.Station.Code, id, $"{key}-wait", null)))
            {
                return false;
            }

            openOrders.Add(new OpenOrder(w.Index, w.Station, id, w.Roll));
            produced.Add(w.Roll switch { < 3 => "work orders: open", < 8 => "work orders: in repair", _ => "work orders: waiting for parts" });
            return true;
        });

        // Completed repairs, so this month's quality report, station grades and surveys have something to show.
        var repairs = Enumerable.Range(0, Math.Max(1, options.WorkOrders / 2))
            .Select(i => (Index: i, Vehicle: vehicles[((i * 7_919) + 13) % vehicles.Length], Station: stations[random.Next(stations.Count)], Fault: Faults[random.Next(Faults.Length)]))
            .ToList();
        var repaired = new ConcurrentBag<GeneratedVehicle>();
        await Step.RunAsync("completed repairs (open, start, complete)", repairs, 8, async w =>
        {
            var api = callers.Station(w.Station.Code);
            var key = $"demo-{options.Seed}-fix-{w.Index}";
            var (order, refused) = await Calls.ReplyAsync(api.OpenWorkOrderAsync(w.Station.Code, key, new WorkOrderRequest
            {
                Vin = w.Vehicle.Vin, OdometerKm = w.Vehicle.ReadingKm + 80, Kind = VisitKind.Repair, FaultCode = w.Fault.Code, System = w.Fault.System,
                Description = w.Fault.Description,
            }));
            if (order?.Id is not { } id)
            {
                return refused == Calls.Conflict; // a full station, or the vehicle is in another open order
            }

            var done = await Calls.AcceptedAsync(api.WorkOrderStartAsync(w.Station.Code, id, $"{key}-start", null))
                && await Calls.AcceptedAsync(api.WorkOrderCompleteAsync(w.Station.Code, id, $"{key}-complete", null));
            if (done)
            {
                completed.Add((w.Station.Code, id));
                repaired.Add(w.Vehicle);
                produced.Add("work orders: repairs completed");
            }

            return done;
        });

        var depots = await DemoExtras.RunAsync(callers, options, stations, vehicles, [.. repaired.OrderBy(r => r.Vin, StringComparer.Ordinal)], random, produced);
        await DemoWork.PartsAsync(callers, options, depots, [.. openOrders.OrderBy(o => o.Index)], produced);
        await DemoWork.SurveysAsync(callers, options, [.. completed.OrderBy(c => c.WorkOrderId, StringComparer.Ordinal)], produced);
        await DemoWork.CloseMonthAsync(callers, options, produced);

        Console.WriteLine("demo: produced (this run's replies; a rerun with the same seed replays them):");
        foreach (var (name, count) in produced.Snapshot())
        {
            Console.WriteLine($"demo:   {name,-60} {count,8:N0}");
        }

        var summary = await admin.GetNetworkSummaryAsync();
        Console.WriteLine($"demo: done in {total.Elapsed.TotalMinutes:0.0} min. The network view (GET /api/network/summary):");
        Console.WriteLine(JsonSerializer.Serialize(summary, Printed));
        var month = DateTimeOffset.UtcNow.ToOffset(DataSet.Offset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var quality = await admin.GetQualityReportAsync(month);
        var top = (quality.Failures ?? []).Take(3).Select(f => $"{f.Model} {f.Component} {f.FaultCode} × {f.Repairs}");
        Console.WriteLine($"demo: quality report {month} (GET /api/reports/quality/{month}): {quality.Repairs ?? 0:N0} repairs; most frequent: {string.Join("; ", top)}");
        var recall = await admin.GetRecallAsync(campaignId);
        Console.WriteLine($"demo: the recall's progress by the vehicles' regions (GET /api/recalls/{campaignId}):");
        Console.WriteLine(JsonSerializer.Serialize(recall, Printed));
        return new DemoResult(Step.Failures == 0 ? 0 : 1, produced.Snapshot().ToDictionary(), produced.Samples());
    }
}

/// <summary>What a run did: its exit code (0 when nothing was refused), the counts it produced by kind, and one id of each new kind of record (for the smoke test to read back).</summary>
public sealed record DemoResult(int ExitCode, IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, string> Samples);

/// <summary>Counts of what the run produced, by kind, and a sample id per kind (the smallest, so the same on every run).</summary>
public sealed class DemoCounts
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> samples = new(StringComparer.Ordinal);

    public const string QueueAssigned = "cards: queued, assigned by the call centre";
    public const string ActionVerified = "corrective actions: verified";
    public const string SurveyAnswered = "surveys: answered";
    public const string ShipmentInspected = "parts: shipments inspected at the station";
    public const string UrgentOrder = "parts: urgent orders placed";

    public void Add(string name, int count = 1) => counts.AddOrUpdate(name, count, (_, n) => n + count);

    /// <summary>Counts one <paramref name="name"/> and keeps <paramref name="id"/> as its sample when it sorts first.</summary>
    public void Add(string name, string id)
    {
        Add(name);
        samples.AddOrUpdate(name, id, (_, kept) => string.CompareOrdinal(id, kept) < 0 ? id : kept);
    }

    public IReadOnlyList<KeyValuePair<string, int>> Snapshot() => [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal)];

    public IReadOnlyDictionary<string, string> Samples() => samples.ToDictionary();
}

internal sealed record OpenOrder(int Index, DemoStation Station, string Id, int Roll);

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

/// <summary>A call's outcome as the steps count it: the API's refusals (problem replies, unexpected statuses) become statuses, not exceptions.</summary>
internal static class Calls
{
    public const int Conflict = 409;

    /// <summary>Whether <paramref name="call"/> succeeded.</summary>
    public static async Task<bool> AcceptedAsync<T>(Task<T> call) => (await ReplyAsync(call)).Refused == 0;

    /// <summary>The reply, or the status the API refused <paramref name="call"/> with (0 when it succeeded).</summary>
    public static async Task<(T? Reply, int Refused)> ReplyAsync<T>(Task<T> call)
    {
        try
        {
            return (await call, 0);
        }
        catch (AfterSalesApiException refused)
        {
            return (default, refused.StatusCode);
        }
    }

    /// <summary>Asks <paramref name="condition"/> every half second until it holds, for up to 30 s; whether it came to hold.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await condition())
            {
                return true;
            }

            if (attempt == 60)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>As <see cref="ReplyAsync{T}"/>, calling again while the target is not there yet (404: it is made from another grain's outbox), for up to 30 s.</summary>
    public static async Task<(T? Reply, int Refused)> WhenThereAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (reply, refused) = await ReplyAsync(call());
            if (refused != 404 || attempt == 60)
            {
                return (reply, refused);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
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
