using System.Net.Http.Json;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Chaos;

/// <summary>What every run does before its load: wait for the cluster, then register the fleets, depots and stations it writes to.</summary>
public static class Setup
{
    public static async Task WaitUntilReadyAsync(HttpClient probe, TimeSpan limit)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not up yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new TimeoutException($"the cluster was not ready within {limit}");
    }

    public static async Task<List<string>> RegisterDepotsAsync(HttpClient http, int count)
    {
        var codes = Enumerable.Range(1, count).Select(i => $"D-CHAOS-{i:D2}").ToList();
        foreach (var code in codes)
        {
            await UntilAcceptedAsync($"registering depot {code}",
                () => http.PutAsJsonAsync($"/api/depots/{code}", new { name = $"Chaos depot {code}", province = "Chaos", latitude = 30.0, longitude = 110.0 }));
        }

        return codes;
    }

    public static async Task<List<string>> RegisterStationsAsync(HttpClient http, int count)
    {
        var codes = Enumerable.Range(1, count).Select(i => $"S-CHAOS-{i:D2}").ToList();
        foreach (var (code, i) in codes.Select((c, i) => (c, i)))
        {
            await UntilAcceptedAsync($"registering station {code}",
                () => http.PutAsJsonAsync($"/api/stations/{code}", new
                {
                    name = $"Chaos station {code}", province = "Chaos", city = "Chaos", latitude = 30.0 + (i * 0.5), longitude = 110.0, bays = 50,
                    appraisers = new[] { "Wang", "Zhao" },
                }));
        }

        return codes;
    }

    public static async Task<List<string>> RegisterFleetAsync(HttpClient http, int count, int seed, HashSet<string> taken)
    {
        const string alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        var random = new Random(seed);
        var vins = Enumerable.Range(0, count)
            .Select(_ => Vin.WithCheckDigit(new string(Enumerable.Range(0, 17).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())))
            .Distinct()
            .Where(vin => !taken.Contains(vin))
            .ToList();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var chunk in vins.Chunk(20))
        {
            var body = new
            {
                vehicles = chunk.Select(vin => new
                {
                    vehicle = new { vin, model = "C1", batch = "CHAOS", productionDate = today.AddDays(-60), powertrain = "ice", price = 100000 },
                    delivery = new { ownerName = "Chaos", ownerPhone = "10000000000", dealerCode = "D0", invoiceDate = today.AddDays(-30), deliveryDate = today.AddDays(-30), odometerKm = 0 },
                }),
            };

            // An item that did land on an earlier attempt comes back as a 409 "already registered", which is just as good.
            await UntilAcceptedAsync("bulk registration", () => http.PostAsJsonAsync("/api/vehicles/bulk", body));
        }

        return vins;
    }

    /// <summary>
    /// One warranty read of each vehicle before the clock starts, retried until answered: the first reads of a fresh
    /// cluster compile the warranty path and activate the grains it asks on every silo, which on a starved machine once
    /// took a read past the 5-s grain-call budget (a 503 at t = 1.3 s, before any silo was touched). The rolling run
    /// measures replacements, not the first start, as it already does by waiting for every silo to be Active.
    /// </summary>
    public static async Task WarmReadsAsync(HttpClient http, IReadOnlyList<string> vins)
    {
        await Parallel.ForEachAsync(vins, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (vin, _) =>
            await UntilAcceptedAsync("warm-up warranty read", () => http.GetAsync($"/api/vehicles/{vin}/warranty")));
    }

    // Silos may still be joining right after the first one answers: a set-up request is retried until it is accepted.
    private static async Task UntilAcceptedAsync(string what, Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await send();
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (attempt == 20)
            {
                throw new InvalidOperationException($"{what} kept failing: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
