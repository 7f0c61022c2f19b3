using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Api.Hosting;
using AfterSales.ApiHost.Hosting;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Issue 19, item 5: what a silo shutting down gracefully (a rolling upgrade, a pod deleted) did to requests, each
/// reproduced with the fault it comes down to (<see cref="CallFaults"/>): a call turned away unrun ("Silo stopping"),
/// a silo lost mid-call, a grain that cannot answer because it is deactivating while its own request waits. The whole
/// upgrade under load is <see cref="RollingUpgradeTests"/>.
/// </summary>
public sealed class SiloShutdownTests(StepFaultFixture fixture) : IClassFixture<StepFaultFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    private IClusterClient Cluster => fixture.Api.Services.GetRequiredService<IClusterClient>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Faults.Clear();
        return Task.CompletedTask;
    }

    // ───────────────────────── calls turned away ─────────────────────────

    [Fact]
    public async Task ACallTurnedAwayUnrun_IsSentAgain_AndTheRequestSucceeds_KeyedOrNot()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var read = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.GetWarrantyAsync), vin, CallFault.Reject, times: 2);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(2, read.Fired);

        // A command without an Idempotency-Key too: a rejected call never ran, so it is applied once.
        var write = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.RecordOdometerAsync), vin, CallFault.Reject);
        using (var reading = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 1_500, readAt = fixture.Clock.GetUtcNow() }))
        {
            Assert.Equal(HttpStatusCode.OK, reading.StatusCode);
        }

        Assert.Equal(1, write.Fired);
        var vehicle = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"));
        Assert.Equal(1_500, vehicle.GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task ACallTurnedAwayOverAndOver_Is503_AfterThreeRetries()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var read = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.GetWarrantyAsync), vin, CallFault.Reject, times: 10);

        var (status, _) = await GetAsync(Http, $"/api/vehicles/{vin}/warranty");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(1 + RejectedCallRetry.Pauses.Count, read.Fired);
    }

    [Fact]
    public async Task ASiloLostMidCall_IsSentAgain_OnlyWhenRepeatingIsHarmless()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var at = fixture.Clock.GetUtcNow();

        // A read is marked idempotent: sent again.
        var read = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.GetWarrantyAsync), vin, CallFault.SiloLost);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(1, read.Fired);

        // A command without a key may have run: the caller is told (503), nothing is repeated behind its back.
        var unkeyed = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.RecordOdometerAsync), vin, CallFault.SiloLost);
        using (var reading = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 1_600, readAt = at }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, reading.StatusCode);
        }

        Assert.Equal(1, unkeyed.Fired);
        Assert.Equal(5, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());

        // With its key the grain would replay a repeat: sent again, applied once.
        var keyed = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.RecordOdometerAsync), vin, CallFault.SiloLost);
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/odometer") { Content = JsonContent.Create(new { readingKm = 1_600, readAt = at }) })
        {
            request.Headers.Add("Idempotency-Key", "odometer-" + vin);
            using var reading = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, reading.StatusCode);
        }

        Assert.Equal(1, keyed.Fired);
        Assert.Equal(1_600, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task ACallWhoseAnswerIsLost_IsSentOnceMore_OnlyWhenRepeatingIsHarmless()
    {
        var vin = await DeliveredVehicleAsync(Http);

        // A read is marked idempotent: sent once more, and answered.
        var read = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.GetWarrantyAsync), vin, CallFault.NoAnswer);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(1, read.Fired);

        // Once only: a read the cluster keeps failing to answer is a 503, not held for every retry.
        var unanswered = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.GetWarrantyAsync), vin, CallFault.NoAnswer, times: 3);
        var (status, _) = await GetAsync(Http, $"/api/vehicles/{vin}/warranty");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(2, unanswered.Fired);

        // A command may still be running when its caller stops waiting, key or not: the caller is told (503) and retries.
        var keyed = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.RecordOdometerAsync), vin, CallFault.NoAnswer);
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/odometer")
               { Content = JsonContent.Create(new { readingKm = 1_700, readAt = fixture.Clock.GetUtcNow() }) })
        {
            request.Headers.Add("Idempotency-Key", "odometer-lost-" + vin);
            using var reading = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, reading.StatusCode);
        }

        Assert.Equal(1, keyed.Fired);
        Assert.Equal(5, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());
    }

    // ───────────────────────── roll-ups asking members that cannot answer ─────────────────────────

    [Fact]
    public async Task AStationPushingToItsGroups_DoesNotWaitForAMemberThatCannotAnswer_AndTheGroupsTakeItInWhenItDoes()
    {
        var province = "Held" + Token();
        var silent = await StationAsync(Http, province, 45.00, 126.00);
        var pushing = await StationAsync(Http, province, 45.01, 126.01);
        // Held before the grains leave memory, so whatever activates the cell or the province again (this push, or
        // the national grain asking its provinces) finds the member silent.
        var hold = fixture.Faults.Arm<IServiceStationGrain>(nameof(IServiceStationGrain.GetSummaryAsync), silent, CallFault.Hold, times: 1_000);
        await Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        try
        {
            // Before: the group's activation waited for the silent member, and the push for the activation: 503 after
            // the API's 5 s budget.
            await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{pushing}",
                JsonSerializer.Serialize(new { name = "Pushing", province, city = "Harbin", latitude = 45.01, longitude = 126.01, bays = 3, appraisers = new[] { "Wang" } })));
            // The activation asks in the background: the question may reach the member just after the push returned.
            await Eventually.UntilAsync(() => Task.FromResult(hold.Fired), fired => fired >= 1, TimeSpan.FromSeconds(10), "the groups to ask the silent member");

            // A query waits for the members' answers a bounded time (3 s), then answers with those that came.
            var nearby = await NearbyAsync();
            Assert.Contains(pushing, nearby);
            Assert.DoesNotContain(silent, nearby);
        }
        finally
        {
            hold.Release();
        }

        // Once it answers, it is asked again and counted.
        await Eventually.UntilAsync(NearbyAsync, codes => codes.Contains(silent) && codes.Contains(pushing), TimeSpan.FromSeconds(20), "the silent member in the nearby answer");
        // The province takes it in on its own asking, not necessarily with the cell's: on a loaded machine a moment later.
        await Eventually.UntilAsync(() => ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}")),
            totals => totals.GetProperty("stations").GetInt32() == 2, TimeSpan.FromSeconds(20), "both stations in the province's totals");

        async Task<List<string>> NearbyAsync()
        {
            var found = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/stations/nearby?latitude=45.0&longitude=126.0&radiusKm=20&limit=50"));
            return [.. found.EnumerateArray().Select(s => s.GetProperty("code").GetString()!)];
        }
    }

    [Fact]
    public async Task AProvincePushingToTheNation_DoesNotWaitForAProvinceThatCannotAnswer()
    {
        var province = "Quiet" + Token();
        await StationAsync(Http, province, 30.0, 100.0);
        var key = "province:" + province;
        var totals = await Cluster.GetGrain<IStationGroupGrain>(key).GetTotalsAsync();
        // Held before the grains leave memory, so whatever activates the national grain again finds the province silent.
        var hold = fixture.Faults.Arm<IStationGroupGrain>(nameof(IStationGroupGrain.GetTotalsAsync), key, CallFault.Hold, times: 1_000);
        await Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        try
        {
            var national = Cluster.GetGrain<INetworkGrain>(RollupScopes.National);
            // The province's own push (the same totals again) finds the national grain activating and asking every
            // province. Before, it waited for the silent one: a timeout after the client's 5 s.
            await national.ApplyProvinceAsync(province, totals);
            // The activation asks in the background: the question may reach the province just after the push returned.
            await Eventually.UntilAsync(() => Task.FromResult(hold.Fired), fired => fired >= 1, TimeSpan.FromSeconds(10), "the national grain to ask the silent province");

            // The summary waits for the provinces a bounded time (3 s), and has the pushed totals.
            var summary = await national.GetSummaryAsync();
            Assert.Equal(totals.Totals.Stations, summary.Provinces![province].Stations);
        }
        finally
        {
            hold.Release();
        }
    }

    // ───────────────────────── the settings that keep a shutdown quiet ─────────────────────────

    [Fact]
    public void EverySiloAndTheApiHost_RetryCallsTurnedAway_AndASiloGivesClientsAndCallersTimeBeforeItLeaves()
    {
        Assert.Contains(fixture.Silo.Services.GetServices<IOutgoingGrainCallFilter>(), f => f is RejectedCallRetry);
        Assert.Contains(fixture.Api.Services.GetServices<IOutgoingGrainCallFilter>(), f => f is RejectedCallRetry);
        Assert.Equal(SiloHostingExtensions.ShutdownForwardingPause,
            fixture.Silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.WaitForMessageToBeQueuedForOutboundTime);
        Assert.True(SiloHostingExtensions.ShutdownForwardingPause >= TimeSpan.FromSeconds(1));
        Assert.Equal(SiloHostingExtensions.ClientNotificationPause,
            fixture.Silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ClientGatewayShutdownNotificationTimeout);
        Assert.True(SiloHostingExtensions.ClientNotificationPause >= TimeSpan.FromSeconds(1));
        // The grace periods of deploy/k8s are checked against these (KubernetesManifestTests).
        Assert.Equal(SiloHostingExtensions.ShutdownTimeout, fixture.Silo.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.Equal(OrleansClientExtensions.ShutdownTimeout, fixture.Api.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }
}
