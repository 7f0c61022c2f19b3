using System.Diagnostics;
using System.Globalization;
using AfterSales.Client;
using Npgsql;

namespace AfterSales.Bench.Loader;

/// <summary>
/// <c>growth --api URL --postgres CONNSTR --orders N --visits M [--batch-vehicles B] [--seconds S] [--rounds R]</c>: does
/// state stay small as history grows?
/// <list type="bullet">
/// <item>A station's stored document after 10 completed and settled work orders, and after N: the bytes of its
/// grain_state row (closed orders are rows of grain_rows, not the document).</item>
/// <item>Odometer readings written to vehicles with 2 visits and to vehicles with M: readings per second, 16 writers,
/// each on its own vehicle, R alternating rounds of S seconds (the median of each is reported).</item>
/// <item>Single-request registrations (POST /api/vehicles, 16 writers) into a production batch already holding B
/// vehicles (loaded through the bulk API first) and into a new batch, R alternating rounds of S seconds.</item>
/// </list>
/// Prints <c>RESULT growth …</c> lines with the ratios (bench/report.py puts them in docs/benchmarks.md).
/// </summary>
internal static class StateGrowth
{
    private const int Writers = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        string? api = null, postgres = null;
        int orders = 10_000, visits = 200, rounds = 3, batchVehicles = 50_000;
        double seconds = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--api": api = args[i + 1]; break;
                case "--postgres": postgres = args[i + 1]; break;
                case "--orders": orders = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--visits": visits = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch-vehicles": batchVehicles = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        if (api is null || postgres is null || orders <= 10 || visits <= 2 || rounds < 1 || seconds <= 0 || batchVehicles < 1 || batchVehicles > 900_000)
        {
            Console.Error.WriteLine("usage: growth --api URL --postgres CONNSTR --orders N(>10) --visits M(>2) [--batch-vehicles B(1-900000)] [--seconds S] [--rounds R]");
            return 2;
        }

        // The typed client: a write that answers 503 or 429, or whose reply was lost, is sent again with the same
        // Idempotency-Key (up to 4 attempts); any other refusal stops the run.
        var client = Auth.Client(api, TimeSpan.FromMinutes(1));
        await using var db = NpgsqlDataSource.Create(postgres);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        // --- the station's document after 10 and after N closed work orders ---
        const string station = "GROWTH-S1";
        await client.RegisterStationAsync(station, null, null, new StationRequest
        {
            Name = "Growth station", Province = "Growth", City = "Growth", Latitude = 30.0, Longitude = 114.0, Bays = 50, Appraisers = ["Wang"],
        });
        var vins = new List<string>();
        for (var i = 0; i < Writers * 2; i++)
        {
            vins.Add(await NewVehicleAsync(client, "GROWTH-V", "V", i, today));
        }

        var watch = Stopwatch.StartNew();
        await CloseOrdersAsync(client, station, vins, 0, 10);
        var sizeAt10 = await DocumentBytesAsync(db, "station", station);
        var next = 10;
        while (next < orders)
        {
            var batch = Math.Min(500, orders - next);
            await CloseOrdersAsync(client, station, vins, next, batch);
            next += batch;
            Console.WriteLine(FormattableString.Invariant($"growth: {next:N0}/{orders:N0} work orders settled ({next / watch.Elapsed.TotalSeconds:0} /s)"));
        }

        var sizeAtN = await DocumentBytesAsync(db, "station", station);
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT growth-station orders_small=10 bytes_small={sizeAt10} orders_large={orders} bytes_large={sizeAtN} ratio={sizeAtN / (double)sizeAt10:0.00}"));

        // --- odometer readings on vehicles with 2 and with M visits ---
        var small = new List<string>();
        var large = new List<string>();
        for (var i = 0; i < Writers; i++)
        {
            small.Add(await NewVehicleAsync(client, "GROWTH-A", "A", i, today));
            large.Add(await NewVehicleAsync(client, "GROWTH-B", "B", i, today));
        }

        await Parallel.ForEachAsync(small.Select(v => (Vin: v, Count: 2)).Concat(large.Select(v => (Vin: v, Count: visits))),
            new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (vehicle, cancel) =>
            {
                var start = DateTimeOffset.UtcNow.AddDays(-30);
                for (var n = 0; n < vehicle.Count; n++)
                {
                    await client.AppendVisitAsync(vehicle.Vin, null, null, new VisitRequest
                    {
                        VisitId = $"G-{n:D4}", StationCode = "S-GROWTH", Kind = VisitKind.Maintenance,
                        AgreedAt = start.AddMinutes(n * 5), CompletedAt = start.AddMinutes(n * 5 + 2), MileageKm = 5,
                    }, cancel);
                }
            });
        Console.WriteLine($"growth: {Writers} vehicles with 2 visits, {Writers} with {visits}");

        var km = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var vin in small.Concat(large))
        {
            km[vin] = 5;
        }

        var smallRates = new List<double>();
        var largeRates = new List<double>();
        await ReadingsAsync(client, small, km, 1); // JIT and connection warm-up, not measured
        for (var round = 0; round < rounds; round++)
        {
            smallRates.Add(await ReadingsAsync(client, small, km, seconds));
            largeRates.Add(await ReadingsAsync(client, large, km, seconds));
        }

        var (rateSmall, rateLarge) = (Median(smallRates), Median(largeRates));
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT growth-odometer visits_small=2 rps_small={rateSmall:0} visits_large={visits} rps_large={rateLarge:0} ratio={rateLarge / rateSmall:0.00}"));
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT growth-odometer-rounds small={Joined(smallRates)} large={Joined(largeRates)}"));

        await BatchRegistrationAsync(client, db, batchVehicles, seconds, rounds, today);
        return 0;
    }

    /// <summary>
    /// Registrations per second into a batch of <paramref name="batchVehicles"/> and into a new batch: the batch keeps
    /// counts, so adding a vehicle must cost the same however many it holds.
    /// </summary>
    private static async Task BatchRegistrationAsync(AfterSalesApi client, NpgsqlDataSource db, int batchVehicles, double seconds, int rounds, DateOnly today)
    {
        const string big = "GROWTH-BIG";
        var watch = Stopwatch.StartNew();
        const int chunk = 500;
        for (var first = 0; first < batchVehicles; first += chunk)
        {
            List<BulkVehicle> vehicles = [.. Enumerable.Range(first, Math.Min(chunk, batchVehicles - first)).Select(n => new BulkVehicle { Vehicle = Registration(GrowthVin("C", n), big, today) })];
            var result = await client.BulkImportVehiclesAsync(null, new BulkVehiclesRequest { Vehicles = vehicles });
            if (result.Refused > 0)
            {
                throw new InvalidOperationException($"bulk load into {big} refused {result.Refused} vehicles");
            }

            var done = first + vehicles.Count;
            if (done % 10_000 == 0 || done == batchVehicles)
            {
                Console.WriteLine(FormattableString.Invariant($"growth: {done:N0}/{batchVehicles:N0} vehicles in batch {big} ({done / watch.Elapsed.TotalSeconds:0} /s)"));
            }
        }

        var held = await BatchVehiclesAsync(db, big);
        if (held != batchVehicles)
        {
            throw new InvalidOperationException($"batch {big} counts {held} vehicles after loading {batchVehicles}");
        }

        var next = new[] { 0 };
        var bigRates = new List<double>();
        var newRates = new List<double>();
        await RegistrationsAsync(client, "GROWTH-WARM", "E", next, today, 1); // JIT and connection warm-up, not measured
        // The two alternate, and which goes first alternates too: measured always second, right after its own bulk
        // load, the big batch met whatever that load left behind (autovacuum, write-back) in every round.
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                newRates.Add(await RegistrationsAsync(client, $"GROWTH-NEW-{round}", "D", next, today, seconds));
                bigRates.Add(await RegistrationsAsync(client, big, "E", next, today, seconds));
            }
            else
            {
                bigRates.Add(await RegistrationsAsync(client, big, "E", next, today, seconds));
                newRates.Add(await RegistrationsAsync(client, $"GROWTH-NEW-{round}", "D", next, today, seconds));
            }
        }

        var (rateNew, rateBig) = (Median(newRates), Median(bigRates));
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT growth-batch vehicles_large={batchVehicles} rps_new={rateNew:0} rps_large={rateBig:0} ratio={rateBig / rateNew:0.00} stored_bytes_large={await DocumentBytesAsync(db, "fleetBatch", big)}"));
        Console.WriteLine(FormattableString.Invariant($"RESULT growth-batch-rounds new={Joined(newRates)} large={Joined(bigRates)}"));
    }

    /// <summary>Registrations per second over <paramref name="seconds"/> into <paramref name="batch"/>, 16 writers, each VIN new.</summary>
    private static async Task<double> RegistrationsAsync(AfterSalesApi client, string batch, string group, int[] next, DateOnly today, double seconds)
    {
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            var written = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var vin = GrowthVin(group, Interlocked.Increment(ref next[0]));
                await client.RegisterVehicleAsync(null, Registration(vin, batch, today));
                written++;
            }

            return written;
        }));
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }

    private static string GrowthVin(string group, int n) =>
        AfterSales.Domain.Vehicles.Vin.WithCheckDigit(FormattableString.Invariant($"LGRGW{group}100S{"HSW"[n % 3]}{n:D6}"));

    private static async Task<long> BatchVehiclesAsync(NpgsqlDataSource db, string batch)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = $1 AND kind = 'vin'");
        command.Parameters.AddWithValue(batch);
        return (long)(await command.ExecuteScalarAsync() ?? 0L);
    }

    private static string Joined(IEnumerable<double> rates) => string.Join(",", rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)));

    /// <summary>Opens, starts, completes and settles <paramref name="count"/> orders, spread over the vehicles (equal readings: no plausibility limit).</summary>
    private static Task CloseOrdersAsync(AfterSalesApi client, string station, IReadOnlyList<string> vins, int first, int count) =>
        Parallel.ForEachAsync(Enumerable.Range(first, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, cancel) =>
        {
            var opened = await client.OpenWorkOrderAsync(station, null,
                new WorkOrderRequest { Vin = vins[n % vins.Count], OdometerKm = 5, Kind = VisitKind.Maintenance, FaultCode = "", System = VehicleSystem.Other }, cancel);
            var id = opened.Id ?? throw new InvalidOperationException($"the work order opened at {station} has no id");
            await client.WorkOrderStartAsync(station, id, null, null, cancel);
            await client.WorkOrderCompleteAsync(station, id, null, null, cancel);
            await client.WorkOrderSettleAsync(station, id, null, null, cancel);
        });

    /// <summary>Readings per second over <paramref name="seconds"/>: one writer per vehicle, each reading 1 km above the last.</summary>
    private static async Task<double> ReadingsAsync(AfterSalesApi client, IReadOnlyList<string> vins, Dictionary<string, int> km, double seconds)
    {
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(vins.Select(async vin =>
        {
            var written = 0;
            var reading = km[vin];
            while (Stopwatch.GetTimestamp() < until)
            {
                reading++;
                await client.RecordOdometerAsync(vin, null, null, new OdometerRequest { ReadingKm = reading, ReadAt = DateTimeOffset.UtcNow });
                written++;
            }

            lock (km)
            {
                km[vin] = reading;
            }

            return written;
        }));
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }

    private static async Task<string> NewVehicleAsync(AfterSalesApi client, string batch, string group, int n, DateOnly today)
    {
        var vin = GrowthVin(group, n);
        await client.RegisterVehicleAsync(null, Registration(vin, batch, today));
        await client.DeliverVehicleAsync(vin, null, null, new DeliveryRequest
        {
            OwnerName = "Growth", OwnerPhone = "13900000000", DealerCode = "GROWTH-S1", InvoiceDate = today.AddDays(-40), DeliveryDate = today.AddDays(-40), OdometerKm = 5,
        });
        return vin;
    }

    private static RegisterVehicleRequest Registration(string vin, string batch, DateOnly today) =>
        new() { Vin = vin, Model = "GROWTH", Batch = batch, ProductionDate = today.AddMonths(-2), Powertrain = Powertrain.Ice, Price = 150000 };

    private static async Task<int> DocumentBytesAsync(NpgsqlDataSource db, string stateName, string key)
    {
        await using var command = db.CreateCommand("SELECT octet_length(payload::text) FROM grain_state WHERE state_name = $1 AND grain_key = $2");
        command.Parameters.AddWithValue(stateName);
        command.Parameters.AddWithValue(key);
        return (int)(await command.ExecuteScalarAsync() ?? 0);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
