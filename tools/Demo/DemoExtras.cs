using AfterSales.Bench.Loader;
using AfterSales.Client;

namespace AfterSales.Demo;

/// <summary>Parts depots with stock, and complaints at customers' locations walked part of the way through their tracking card.</summary>
internal static class DemoExtras
{
    private static readonly ComplaintCategory[] Categories = [ComplaintCategory.ProductQuality, ComplaintCategory.Service, ComplaintCategory.Parts, ComplaintCategory.Attitude, ComplaintCategory.Other];

    private static readonly string[] Parts =
    [
        "AS-ENG-IGN-01", "AS-GBX-VB-02", "AS-BAT-MOD-03", "AS-MOT-INV-04", "AS-STR-EPS-05",
        "AS-BRK-ABS-06", "AS-SUS-ARM-07", "AS-ELE-BCM-08", "AS-BDY-SEAL-09", "AS-ELE-CAN-10",
    ];

    public static async Task RunAsync(AfterSalesApi api, DemoOptions options, IReadOnlyList<DemoStation> stations, IReadOnlyList<GeneratedVehicle> vehicles, Random random)
    {
        // Parts depots in the larger cities, stocked with the fleet's parts; a few parts run short somewhere.
        var depots = Cities.All.OrderByDescending(c => c.Weight).ThenBy(c => c.Name, StringComparer.Ordinal).Take(options.Depots)
            .Select((c, i) => (Code: $"D-{c.Code}-{i:D2}", City: c, Stock: Parts.Select(p => (Part: p, Quantity: random.Next(0, 60))).Where(p => p.Quantity > 0).ToList()))
            .ToList();
        await Step.RunAsync("parts depots (register, stock)", depots, 4, async d =>
        {
            return await Calls.AcceptedAsync(api.RegisterDepotAsync(d.Code, null, null,
                    new DepotRequest { Name = $"{d.City.Name} parts depot", Province = d.City.Province, Latitude = d.City.Latitude, Longitude = d.City.Longitude }))
                && await Calls.AcceptedAsync(api.ReceivePartsAsync(d.Code, $"demo-{options.Seed}-stock-{d.Code}",
                    new LinesRequest { Lines = [.. d.Stock.Select(s => new LineRequest { PartNo = s.Part, Quantity = s.Quantity })] }));
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
            var (complaint, _) = await Calls.ReplyAsync(api.RegisterComplaintAsync(key, new ComplaintRequest
            {
                CustomerName = c.Vehicle.OwnerName, CustomerPhone = c.Vehicle.OwnerPhone, Vin = c.Vehicle.Vin, Category = Categories[c.Index % Categories.Length],
                Severity = c.Major ? ComplaintSeverity.Major : ComplaintSeverity.General, Latitude = c.Latitude, Longitude = c.Longitude,
                Description = "Warning light on the dashboard after the last visit", Channel = ComplaintChannel.CallCentre,
            }));
            if (complaint?.Id is not { } id)
            {
                return false;
            }

            // Some cards are answered and handled, a few closed after the callback; the rest keep their clocks running.
            string[] steps = ["respond", "arrive", "plan", "resolve", "callback"];
            foreach (var step in steps.Take(c.Progress))
            {
                var stepKey = $"{key}-{step}";
                var (_, refused) = await Calls.ReplyAsync(step switch
                {
                    "respond" => api.ComplaintRespondAsync(id, stepKey, null, new ComplaintStepRequest { Note = "demo" }),
                    "arrive" => api.ComplaintArriveAsync(id, stepKey, null, new ComplaintStepRequest { Note = "demo" }),
                    "plan" => api.ComplaintPlanAsync(id, stepKey, null, new ComplaintStepRequest { Note = "Replace the sensor harness", Handling = ActionHandling.Station }),
                    "resolve" => api.ComplaintResolveAsync(id, stepKey, null, new ComplaintStepRequest { Note = "demo" }),
                    _ => api.ComplaintCallbackAsync(id, stepKey, null, new ComplaintStepRequest { Resolved = true, Satisfaction = 3 + (c.Index % 3), Note = "Customer confirms the fix" }),
                });
                if (refused != 0)
                {
                    // "arrive" is refused for a customer beyond the service radius: that card waits for a reply instead.
                    return step == "arrive" && refused == Calls.Conflict;
                }
            }

            return true;
        });
    }
}
