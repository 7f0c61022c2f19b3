using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>
/// A campaign's progress by region (the selling dealer's province) and the provinces' recall completion, checked
/// against a brute-force count over the same generated events: vehicles registered and delivered before and after
/// the opening, by registered dealers in three provinces or by an unknown one, batches holding both models, listed VINs in uncovered batches
/// (registered before, after, or never), and recalls completed at stations of other provinces.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RecallRegionTests(ClusterFixture fixture)
{
    private const string UnknownDealer = "D-NOT-A-STATION";

    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    public async Task ProgressByRegion_AndProvinceViews_MatchABruteForceCount(int seed)
    {
        var random = new Random(seed);
        var tag = Token();
        var provinces = new[] { $"RgA{tag}", $"RgB{tag}", $"RgC{tag}" };
        var dealers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var province in provinces)
        {
            dealers[await StationAsync(Http, province, 30 + random.NextDouble(), 110 + random.NextDouble(), bays: 50)] = province;
        }

        var dealerCodes = dealers.Keys.Append(UnknownDealer).ToArray();
        var (model, otherModel) = ($"M-{tag}", $"N-{tag}");
        var (modelBatch, coveredBatch, uncoveredBatch, laterModelBatch) = ($"{tag}-B1", $"{tag}-B2", $"{tag}-B3", $"{tag}-B4");
        // Batches that hold both models: named first by the recalled model, named first by the other one, and one
        // that the recalled model reaches only after the opening. Only their vehicles of the recalled model are covered.
        var (mixedByModel, mixedByOther, mixedLater) = ($"{tag}-X1", $"{tag}-X2", $"{tag}-X3");
        var fleet = new List<Vehicle>();

        async Task<Vehicle> RegisterAsync(string vehicleModel, string batch, string? vin = null)
        {
            var vehicle = new Vehicle(vin ?? TestVins.Next(), vehicleModel, batch);
            await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/vehicles", JsonSerializer.Serialize(new
            {
                vin = vehicle.Vin, model = vehicleModel, batch, productionDate = "2026-02-01", powertrain = "ice", price = 300000,
            })));
            fleet.Add(vehicle);
            return vehicle;
        }

        async Task DeliverAsync(Vehicle vehicle, string? soldBy = null)
        {
            var dealer = soldBy ?? dealerCodes[random.Next(dealerCodes.Length)];
            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vehicle.Vin}/delivery", JsonSerializer.Serialize(new
            {
                ownerName = "Li Lei", ownerPhone = "13900000000", dealerCode = dealer, invoiceDate = "2026-03-01", deliveryDate = "2026-03-01", odometerKm = 5,
            })));
            vehicle.Region = dealers.GetValueOrDefault(dealer);
            vehicle.Delivered = true;
        }

        async Task RegisterSomeAsync(int count, params (string Model, string Batch)[] kinds)
        {
            for (var i = 0; i < count; i++)
            {
                var (vehicleModel, batch) = kinds[random.Next(kinds.Length)];
                var vehicle = await RegisterAsync(vehicleModel, batch);
                if (random.Next(4) != 0)
                {
                    await DeliverAsync(vehicle);
                }
            }
        }

        // Before the opening: the recalled model's batch, a batch of another model the campaign names, and an
        // uncovered batch; two of its vehicles (one sold by a registered dealer, one not delivered) will be listed by
        // VIN. Only the campaign itself can tell the first one's batch that it is listed.
        await RegisterAsync(model, mixedByModel);
        await RegisterAsync(otherModel, mixedByOther);
        await RegisterAsync(otherModel, mixedLater);
        await RegisterSomeAsync(24, (model, modelBatch), (otherModel, coveredBatch), (otherModel, uncoveredBatch),
            (model, mixedByModel), (otherModel, mixedByModel), (model, mixedByOther), (otherModel, mixedByOther), (model, coveredBatch));
        var listedBefore = await RegisterAsync(otherModel, uncoveredBatch);
        await DeliverAsync(listedBefore, soldBy: dealers.Keys.Last());
        var listedUndelivered = await RegisterAsync(otherModel, uncoveredBatch);
        var (listedLater, listedNever) = (TestVins.Next(), TestVins.Next());

        var campaign = $"RR-{tag}";
        var definition = JsonSerializer.Serialize(new
        {
            campaignId = campaign, description = "Airbag inflator", remedy = "Replace the inflator",
            models = new[] { model }, batches = new[] { coveredBatch }, vins = new[] { listedBefore.Vin, listedUndelivered.Vin, listedLater, listedNever },
        });
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", definition));
        var listed = new HashSet<string>([listedBefore.Vin, listedUndelivered.Vin, listedLater, listedNever], StringComparer.Ordinal);

        // After the opening: more vehicles (a new batch of the model too), deliveries of vehicles registered before,
        // the listed VIN registered and delivered, and recall work at stations whatever their province.
        await RegisterSomeAsync(20, (model, modelBatch), (model, laterModelBatch), (otherModel, coveredBatch), (otherModel, uncoveredBatch),
            (otherModel, mixedByModel), (model, mixedByOther), (model, mixedLater), (otherModel, mixedLater), (model, coveredBatch));
        foreach (var vehicle in fleet.Where(v => !v.Delivered && v != listedUndelivered).ToList())
        {
            if (random.Next(2) == 0)
            {
                await DeliverAsync(vehicle);
            }
        }

        await DeliverAsync(await RegisterAsync(otherModel, uncoveredBatch, listedLater));
        await DeliverAsync(listedUndelivered);

        bool Covered(Vehicle v) => v.Model == model || v.Batch == coveredBatch || listed.Contains(v.Vin);
        var workshop = dealers.Keys.First();
        // Only a delivered vehicle takes a visit; a vehicle sold by the unknown dealer is completed with no region.
        foreach (var vehicle in fleet.Where(v => Covered(v) && v.Delivered).Where(_ => random.Next(3) != 0).ToList())
        {
            await RecallWork.CompleteAsync(Http, workshop, vehicle.Vin, campaign);
            vehicle.Completed = true;
        }

        Assert.Equal(0, await fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<IRecallCampaignGrain>(campaign).ResolveListedRegionsAsync());

        // Brute force over what the test did.
        var covered = fleet.Where(Covered).ToList();
        var expected = covered
            .GroupBy(v => v.Region ?? RecallCounters.Unassigned, StringComparer.Ordinal)
            .Select(g => (Region: g.Key, Affected: (long)g.Count(), Completed: (long)g.Count(v => v.Completed)))
            .ToList();
        // A listed VIN never registered is affected, with no region.
        expected = [.. expected.Where(e => e.Region != RecallCounters.Unassigned),
            (RecallCounters.Unassigned, 1 + expected.Where(e => e.Region == RecallCounters.Unassigned).Sum(e => e.Affected),
                expected.Where(e => e.Region == RecallCounters.Unassigned).Sum(e => e.Completed))];

        var progress = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(covered.Count + 1, progress.GetProperty("affected").GetInt64());
        Assert.Equal(covered.Count(v => v.Completed), progress.GetProperty("completed").GetInt64());
        Assert.Equal(0, progress.GetProperty("regionsPending").GetInt32());
        var byProvince = progress.GetProperty("byProvince");
        var actual = byProvince.EnumerateObject()
            .Select(p => (Region: p.Name, Affected: p.Value.GetProperty("affected").GetInt64(), Completed: p.Value.GetProperty("completed").GetInt64()))
            .OrderBy(e => e.Region, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.OrderBy(e => e.Region, StringComparer.Ordinal).ToList(), actual);
        foreach (var region in byProvince.EnumerateObject())
        {
            var (affected, completed) = (region.Value.GetProperty("affected").GetInt64(), region.Value.GetProperty("completed").GetInt64());
            Assert.Equal(Math.Round((double)completed / affected, 4), region.Value.GetProperty("completionRate").GetDouble());
        }

        // Each province's network view counts the same vehicles (only this campaign covers vehicles sold there).
        foreach (var province in provinces)
        {
            var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
            var recall = view.GetProperty("recallCompletion");
            var inProvince = covered.Where(v => v.Region == province).ToList();
            Assert.Equal(inProvince.Count, recall.GetProperty("affected").GetInt64());
            Assert.Equal(inProvince.Count(v => v.Completed), recall.GetProperty("completed").GetInt64());
        }
    }

    private sealed class Vehicle(string vin, string model, string batch)
    {
        public string Vin { get; } = vin;

        public string Model { get; } = model;

        public string Batch { get; } = batch;

        /// <summary>The selling dealer's province; null before delivery or when the dealer is no station.</summary>
        public string? Region { get; set; }

        public bool Delivered { get; set; }

        public bool Completed { get; set; }
    }
}
