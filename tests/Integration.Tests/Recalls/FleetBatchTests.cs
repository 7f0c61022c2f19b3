using System.Net;
using System.Net.Http.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>
/// A production batch in the fleet index: many vehicles registered into it at once are each counted once (they are
/// added together, one write for those waiting), and its stored document holds counts, not VINs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FleetBatchTests(ClusterFixture fixture)
{
    private const int Vehicles = 60;

    [Fact]
    public async Task SixtyRegistrationsIntoOneBatchAtOnce_AreEachCountedOnce_AndTheBatchStoresCountsNotVins()
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (model, batch, campaign) = ($"M-FB-{tag}", $"B-FB-{tag}", $"RC-FB-{tag}");
        using (var opened = await fixture.Http.PostAsync("/api/recalls", JsonContent.Create(new
        {
            campaignId = campaign, description = "Wiper motor may stall", models = new[] { model }, batches = Array.Empty<string>(),
            vins = Array.Empty<string>(), remedy = "Replace the wiper motor",
        })))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        }

        var vins = Enumerable.Range(0, Vehicles).Select(_ => TestVins.Next()).ToList();
        // Each sent twice, the second with the same key: a retried registration adds nothing.
        var statuses = await Task.WhenAll(vins.Concat(vins.Take(10)).Select(async vin =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/vehicles")
            {
                Content = JsonContent.Create(new { vin, model, batch, productionDate = "2026-02-01", powertrain = "ice", price = 150000 }),
            };
            request.Headers.Add("Idempotency-Key", "fb-" + vin);
            using var response = await fixture.Http.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        using var progress = System.Text.Json.JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/recalls/{campaign}"));
        Assert.Equal(Vehicles, progress.RootElement.GetProperty("affected").GetInt64());
        Assert.Equal((long)Vehicles, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = @batch AND kind = 'vin'", ("batch", batch)));
        var stored = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload::text FROM grain_state WHERE state_name = 'fleetBatch' AND grain_key = @batch", ("batch", batch));
        Assert.Contains($"\"{model}\": {Vehicles}", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(vins[0], stored, StringComparison.Ordinal);
        // Fewer writes than vehicles: those that waited together went in one write.
        var version = await TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT version FROM grain_state WHERE state_name = 'fleetBatch' AND grain_key = @batch", ("batch", batch));
        Assert.InRange(version, 1, Vehicles);
    }

    /// <summary>
    /// A vehicle's first entry is taken as new without reading its row. Delivered again (a crash between the vehicle's
    /// write and its acknowledgement), together with a vehicle that is new, the batch finds out from its own write,
    /// applies nothing of it, and adds both again reading their rows: each counted once, the region learned.
    /// </summary>
    [Fact]
    public async Task AFirstEntryDeliveredAgain_WithANewVehicleBeside_CountsEachOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (model, batch) = ($"M-FR-{tag}", $"B-FR-{tag}");
        var (known, added) = (TestVins.Next(), TestVins.Next());
        using (var registered = await fixture.Http.PostAsync("/api/vehicles",
            JsonContent.Create(new { vin = known, model, batch, productionDate = "2026-02-01", powertrain = "ice", price = 150000 })))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var grain = fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<IFleetBatchGrain>(batch);
        var production = new DateOnly(2026, 2, 1);
        await Task.WhenAll(
            grain.AddAsync(new FleetEntry(known, model, "Hubei", []) { ProductionDate = production, First = true }),
            grain.AddAsync(new FleetEntry(added, model, null, []) { ProductionDate = production, First = true }));
        // Once more on its own: a group of one redelivered entry.
        await grain.AddAsync(new FleetEntry(added, model, null, []) { ProductionDate = production, First = true });

        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = @batch AND kind = 'vin'", ("batch", batch)));
        var stored = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload::text FROM grain_state WHERE state_name = 'fleetBatch' AND grain_key = @batch", ("batch", batch));
        Assert.Contains($"\"{model}\": 2", stored, StringComparison.Ordinal);
        Assert.Contains("\"Hubei\"", stored, StringComparison.Ordinal);
        Assert.Equal("Hubei", await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT body->>'region' FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = @batch AND kind = 'vin' AND row_key = @vin",
            ("batch", batch), ("vin", known)));
    }
}
