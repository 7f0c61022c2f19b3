using System.Diagnostics;
using System.Globalization;
using AfterSales.Bench.Loader;
using AfterSales.Client;
using Npgsql;

// AfterSales.Bench.Loader --api URL --postgres CONNSTR --vehicles N --out DIR [--seed S] [--batch B] [--concurrency C]
//   Generates N vehicles, COPYs them into the baseline's tables, POSTs them to /api/vehicles/bulk, and writes
//   DIR/vins.txt (every VIN, shuffled) for the wrk scripts.
// AfterSales.Bench.Loader warm --api URL --baseline URL --vins FILE [--concurrency C] [--compare K]
//   Asks every VIN's warranty once (activates every vehicle grain) and checks that the system and the baseline
//   give the same answer for the first K VINs.
// AfterSales.Bench.Loader stations --api URL --stations N --out DIR [--seed S] [--concurrency C]
//   Registers N service stations and writes DIR/points.txt (query points) for bench/lua/nearby.lua.
// AfterSales.Bench.Loader growth --api URL --postgres CONNSTR --orders N --visits M [--seconds S] [--rounds R]
//   A station's stored document after 10 and N settled work orders; odometer readings per second on vehicles with
//   2 and with M visits (see StateGrowth).
if (args.Length > 0 && args[0] == "warm")
{
    return await WarmPass.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "growth")
{
    return await StateGrowth.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "stations")
{
    return await StationSet.RunAsync(args[1..]);
}

var options = Args.Parse(args);
var now = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();

Console.WriteLine($"loader: generating {options.Vehicles:N0} vehicles (seed {options.Seed})");
var vehicles = new GeneratedVehicle[options.Vehicles];
Parallel.For(0, options.Vehicles, i => vehicles[i] = DataSet.Vehicle(options.Seed, i, now));
var visits = vehicles.Sum(v => v.Visits.Count);
var warrantyRepairs = vehicles.Sum(v => v.Visits.Count(x => x.Warranty));
Console.WriteLine($"loader: {visits:N0} visits ({visits / (double)vehicles.Length:0.00} per vehicle), {warrantyRepairs:N0} warranty repairs");

await using (var db = NpgsqlDataSource.Create(options.Postgres))
{
    var copyWatch = Stopwatch.StartNew();
    await BaselineTables.CreateAsync(db, CancellationToken.None);
    await BaselineTables.CopyAsync(db, vehicles, CancellationToken.None);
    Console.WriteLine($"loader: baseline tables filled by binary COPY in {copyWatch.Elapsed.TotalSeconds:0.0} s");
}

Directory.CreateDirectory(options.Out);
var shuffled = vehicles.Select(v => v.Vin).ToArray();
new Random(options.Seed).Shuffle(shuffled);
await File.WriteAllLinesAsync(Path.Combine(options.Out, "vins.txt"), shuffled);
// Each VIN with its latest reading: the write benchmark records readings a few km above it (plausible ones).
var readings = vehicles.ToDictionary(v => v.Vin, v => v.ReadingKm, StringComparer.Ordinal);
await File.WriteAllLinesAsync(Path.Combine(options.Out, "odometers.txt"), shuffled.Select(vin => FormattableString.Invariant($"{vin} {readings[vin]}")));

// A batch that fails as a whole (503 when the cluster cannot answer in time under load, a lost reply) is sent again
// by the client with the same Idempotency-Key, up to 5 attempts, 1 s before the first retry: vehicles the first
// attempt registered replay their outcome (201), so a retry reports only real refusals.
var client = Auth.Client(options.Api, TimeSpan.FromMinutes(5), maxAttempts: 5, firstDelay: TimeSpan.FromSeconds(1));
try
{
    await client.PutCatalogueVersionAsync(DateOnly.Parse(DataSet.CatalogueEffectiveFrom, CultureInfo.InvariantCulture), null, BulkApi.ToRequest(DataSet.Catalogue));
    Console.WriteLine("loader: parts catalogue loaded (main parts of the fault parts' systems, four wear parts)");
}
catch (AfterSalesApiException refused)
{
    Console.Error.WriteLine($"loader: the parts catalogue was refused: {refused.StatusCode} {refused.Response}");
    return 1;
}

var api = new BulkApi(client);
var batches = vehicles.Chunk(options.Batch).ToList();
var loaded = 0;
var refusals = new List<string>();
var watch = Stopwatch.StartNew();
using var progress = new Timer(_ =>
{
    var done = Volatile.Read(ref loaded);
    Console.WriteLine($"loader: {done:N0}/{vehicles.Length:N0} vehicles through the bulk API, {done / watch.Elapsed.TotalSeconds:N0} vehicles/s");
}, null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (batch, ct) =>
{
    var refused = await api.PostAsync(batch, ct);
    if (refused.Count > 0)
    {
        lock (refusals)
        {
            refusals.AddRange(refused);
        }
    }

    Interlocked.Add(ref loaded, batch.Length);
});
await progress.DisposeAsync();

var rate = vehicles.Length / watch.Elapsed.TotalSeconds;
Console.WriteLine($"loader: bulk load done: {vehicles.Length - refusals.Count:N0} accepted, {refusals.Count:N0} refused in {watch.Elapsed.TotalSeconds:0.0} s ({rate:N0} vehicles/s)");
Console.WriteLine($"LOAD vehicles={vehicles.Length} visits={visits} seconds={watch.Elapsed.TotalSeconds:0.0} rate={rate:0}");
foreach (var refusal in refusals.Take(10))
{
    Console.Error.WriteLine($"loader: refused {refusal}");
}

Console.WriteLine($"loader: finished in {total.Elapsed.TotalSeconds:0.0} s");
return refusals.Count == 0 ? 0 : 1;

internal sealed record Args(string Api, string Postgres, int Vehicles, string Out, int Seed, int Batch, int Concurrency)
{
    public static Args Parse(string[] args)
    {
        var map = Map(args);
        string Required(string name) => map.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
        int Number(string name, int fallback) => map.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new Args(Required("api"), Required("postgres"), Number("vehicles", 200_000), Required("out"), Number("seed", 42), Number("batch", 250), Number("concurrency", 2));
    }

    public static Dictionary<string, string> Map(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        return map;
    }
}
