using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AfterSales.Bench.Loader;

/// <summary>One warranty request per VIN (every vehicle grain active afterwards), plus a same-answer check against the baseline.</summary>
/// <remarks>
/// Raw HTTP on purpose, not the typed client: the baseline is not our API (no client of it exists), the check compares
/// the two raw JSON replies as they are (typed replies would drop what the document does not declare and re-render
/// numbers), and the pass measures the cold-read rate and counts every non-2xx as a failure, where the client would add
/// deserialisation to the measure and hide a 503 behind its retries.
/// </remarks>
public static class WarmPass
{
    public static async Task<int> RunAsync(string[] args)
    {
        var map = Args.Map(args);
        var vins = await File.ReadAllLinesAsync(map["vins"]);
        var concurrency = int.Parse(map.GetValueOrDefault("concurrency", "64"), System.Globalization.CultureInfo.InvariantCulture);
        var compare = int.Parse(map.GetValueOrDefault("compare", "200"), System.Globalization.CultureInfo.InvariantCulture);
        using var system = new HttpClient { BaseAddress = new Uri(map["api"]) };
        Auth.Apply(system);
        using var baseline = new HttpClient { BaseAddress = new Uri(map["baseline"]) };

        var failures = 0;
        var done = 0;
        var watch = Stopwatch.StartNew();
        using var progress = new Timer(_ =>
            Console.WriteLine($"warm: {Volatile.Read(ref done):N0}/{vins.Length:N0} vehicles asked, {Volatile.Read(ref done) / watch.Elapsed.TotalSeconds:N0}/s"),
            null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        await Parallel.ForEachAsync(vins, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (vin, ct) =>
        {
            using var response = await system.GetAsync($"/api/vehicles/{vin}/warranty", ct);
            if (!response.IsSuccessStatusCode && Interlocked.Increment(ref failures) <= 5)
            {
                Console.Error.WriteLine($"warm: {vin} answered {(int)response.StatusCode}");
            }

            Interlocked.Increment(ref done);
        });
        await progress.DisposeAsync();
        Console.WriteLine($"WARM vehicles={vins.Length} seconds={watch.Elapsed.TotalSeconds:0.0} rate={vins.Length / watch.Elapsed.TotalSeconds:0} failures={failures}");

        var equal = 0;
        var mismatches = 0;
        var checkedCount = Math.Min(compare, vins.Length);
        foreach (var vin in vins.Take(checkedCount))
        {
            var fromSystem = JsonNode.Parse(await system.GetStringAsync($"/api/vehicles/{vin}/warranty"));
            var fromBaseline = JsonNode.Parse(await baseline.GetStringAsync($"/api/vehicles/{vin}/warranty"));
            if (JsonNode.DeepEquals(fromSystem, fromBaseline))
            {
                equal++;
            }
            else if (++mismatches <= 3)
            {
                Console.Error.WriteLine($"check: {vin} differs{Environment.NewLine}  system:   {fromSystem?.ToJsonString()}{Environment.NewLine}  baseline: {fromBaseline?.ToJsonString()}");
            }
        }

        Console.WriteLine($"CHECK compared={checkedCount} equal={equal}");
        return failures == 0 && equal == checkedCount ? 0 : 1;
    }
}
