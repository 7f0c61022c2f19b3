using System.Diagnostics;
using System.Globalization;
using AfterSales.Client;

namespace AfterSales.Bench.Loader;

/// <summary>
/// <c>stations --api URL --stations N --out DIR [--seed S] [--concurrency C]</c>: registers N service stations
/// through <c>PUT /api/stations/{code}</c>, scattered over eastern and central China (22–42° N, 103–122° E, where
/// the network is dense: about 20 stations within 50 km of a point at 5,000 stations), and writes DIR/points.txt,
/// random query points over the same area, for <c>bench/lua/nearby.lua</c>.
/// </summary>
internal static class StationSet
{
    private const double SouthLatitude = 22, NorthLatitude = 42, WestLongitude = 103, EastLongitude = 122;

    public static async Task<int> RunAsync(string[] args)
    {
        string? api = null, outDir = null;
        int stations = 5_000, seed = 42, concurrency = 32;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--api": api = args[i + 1]; break;
                case "--out": outDir = args[i + 1]; break;
                case "--stations": stations = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        if (api is null || outDir is null || stations < 1)
        {
            Console.Error.WriteLine("usage: stations --api URL --stations N --out DIR [--seed S] [--concurrency C]");
            return 2;
        }

        var random = new Random(seed);
        var sites = Enumerable.Range(0, stations).Select(i => (
            Code: $"BS{i:D5}",
            Latitude: Math.Round(SouthLatitude + random.NextDouble() * (NorthLatitude - SouthLatitude), 5),
            Longitude: Math.Round(WestLongitude + random.NextDouble() * (EastLongitude - WestLongitude), 5),
            Bays: 2 + random.Next(11))).ToList();

        // A registration that answers 503 (the cluster could not answer in time) or 429, or whose reply was lost, is sent
        // again by the client with the same Idempotency-Key, up to 5 attempts; any other refusal stops the run.
        var client = Auth.Client(api, TimeSpan.FromMinutes(1), maxAttempts: 5);
        var watch = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(sites, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (site, ct) =>
        {
            await client.RegisterStationAsync(site.Code, null, null, new StationRequest
            {
                Name = $"Bench station {site.Code}",
                Province = $"Zone {(int)((site.Latitude - SouthLatitude) / 4)}-{(int)((site.Longitude - WestLongitude) / 4)}",
                City = $"Grid {(int)site.Latitude}-{(int)site.Longitude}",
                Latitude = site.Latitude,
                Longitude = site.Longitude,
                Bays = site.Bays,
                Appraisers = ["Bench Appraiser"],
            }, ct);

            if (Interlocked.Increment(ref done) % 1_000 == 0)
            {
                Console.WriteLine($"loader: {done:N0}/{stations:N0} stations registered");
            }
        });

        Directory.CreateDirectory(outDir);
        var points = Enumerable.Range(0, 10_000).Select(_ => string.Create(CultureInfo.InvariantCulture,
            $"{SouthLatitude + random.NextDouble() * (NorthLatitude - SouthLatitude):F5},{WestLongitude + random.NextDouble() * (EastLongitude - WestLongitude):F5}"));
        await File.WriteAllLinesAsync(Path.Combine(outDir, "points.txt"), points);
        Console.WriteLine($"loader: {stations:N0} stations registered in {watch.Elapsed.TotalSeconds:0.0} s; query points in {Path.Combine(outDir, "points.txt")}");
        return 0;
    }
}
