using System.Net;
using AfterSales.Bench.Loader;

namespace AfterSales.Demo;

/// <summary>Parts depots with stock, and complaints at customers' locations walked part of the way through their tracking card.</summary>
internal static class DemoExtras
{
    private static readonly string[] Categories = ["productQuality", "service", "parts", "attitude", "other"];

    private static readonly string[] Parts =
    [
        "AS-ENG-IGN-01", "AS-GBX-VB-02", "AS-BAT-MOD-03", "AS-MOT-INV-04", "AS-STR-EPS-05",
        "AS-BRK-ABS-06", "AS-SUS-ARM-07", "AS-ELE-BCM-08", "AS-BDY-SEAL-09", "AS-ELE-CAN-10",
    ];

    public static async Task RunAsync(DemoApi api, DemoOptions options, IReadOnlyList<DemoStation> stations, IReadOnlyList<GeneratedVehicle> vehicles, Random random)
    {
        // Parts depots in the larger cities, stocked with the fleet's parts; a few parts run short somewhere.
        var depots = Cities.All.OrderByDescending(c => c.Weight).ThenBy(c => c.Name, StringComparer.Ordinal).Take(options.Depots)
            .Select((c, i) => (Code: $"D-{c.Code}-{i:D2}", City: c, Stock: Parts.Select(p => (Part: p, Quantity: random.Next(0, 60))).Where(p => p.Quantity > 0).ToList()))
            .ToList();
        await Step.RunAsync("parts depots (register, stock)", depots, 4, async d =>
        {
            var registered = await api.SendAsync(HttpMethod.Put, $"/api/depots/{d.Code}",
                new { name = $"{d.City.Name} parts depot", province = d.City.Province, latitude = d.City.Latitude, longitude = d.City.Longitude });
            return registered is HttpStatusCode.OK or HttpStatusCode.Created
                && await api.SendAsync(HttpMethod.Post, $"/api/depots/{d.Code}/receipts",
                    new { lines = d.Stock.Select(s => new { partNo = s.Part, quantity = s.Quantity }) }, $"demo-{options.Seed}-stock-{d.Code}") == HttpStatusCode.OK;
        });

        var complaints = Enumerable.Range(0, options.Complaints).Select(i =>
        {
            var near = stations[random.Next(stations.Count)];
            return (Index: i, Vehicle: vehicles[(i * 7_919) % vehicles.Count], Latitude: Math.Round(near.Latitude + ((random.NextDouble() - 0.5) * 0.4), 5),
                Longitude: Math.Round(near.Longitude + ((random.NextDouble() - 0.5) * 0.4), 5), Major: random.Next(20) == 0, Progress: random.Next(6));
        }).ToList();
        await Step.RunAsync("complaints (intake, then part of the card)", complaints, 8, async c =>
        {
            var key = $"demo-{options.Seed}-complaint-{c.Index}";
            var (status, body) = await api.SendForBodyAsync(HttpMethod.Post, "/api/complaints", new
            {
                customerName = c.Vehicle.OwnerName, customerPhone = c.Vehicle.OwnerPhone, vin = c.Vehicle.Vin, category = Categories[c.Index % Categories.Length],
                severity = c.Major ? "major" : "general", latitude = c.Latitude, longitude = c.Longitude,
                description = "Warning light on the dashboard after the last visit", channel = "callCentre",
            }, key);
            if (status != HttpStatusCode.Created && status != HttpStatusCode.OK)
            {
                return false;
            }

            // Some cards are answered and handled, a few closed after the callback; the rest keep their clocks running.
            var id = body.GetProperty("id").GetString();
            string[] steps = ["respond", "arrive", "plan", "resolve", "callback"];
            foreach (var step in steps.Take(c.Progress))
            {
                object payload = step switch
                {
                    "plan" => new { note = "Replace the sensor harness", handling = "station" },
                    "callback" => new { resolved = true, satisfaction = 3 + (c.Index % 3), note = "Customer confirms the fix" },
                    _ => new { note = "demo" },
                };
                var stepStatus = await api.SendAsync(HttpMethod.Post, $"/api/complaints/{id}/{step}", payload, $"{key}-{step}");
                if (stepStatus != HttpStatusCode.OK)
                {
                    // "arrive" is refused for a customer beyond the service radius: that card waits for a reply instead.
                    return step == "arrive" && stepStatus == HttpStatusCode.Conflict;
                }
            }

            return true;
        });
    }
}
