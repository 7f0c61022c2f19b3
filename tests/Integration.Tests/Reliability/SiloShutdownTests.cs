using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Issue 19, item 5: what a silo shutting down gracefully (a rolling upgrade, a pod deleted) did to requests, each
/// reproduced with the fault it comes down to (<see cref="CallFaults"/>): a grain that cannot answer because it is
/// deactivating while its own request waits.
/// </summary>
public sealed class SiloShutdownTests(StepFaultFixture fixture) : IClassFixture<StepFaultFixture>, IAsyncLifetime
{
    /// <summary>How long a roll-up's query waits for its members (Grains/Network/MemberAnswers.Wait).</summary>
    private static readonly TimeSpan MemberWait = TimeSpan.FromSeconds(3);

    private HttpClient Http => fixture.Http;

    private IClusterClient Cluster => fixture.Api.Services.GetRequiredService<IClusterClient>();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Faults.Clear();
        return Task.CompletedTask;
    }

    // ───────────────────────── roll-ups asking members that cannot answer ─────────────────────────

    [Fact]
    public async Task AStationPushingToItsGroups_DoesNotWaitForAMemberThatCannotAnswer_AndTheGroupsTakeItInWhenItDoes()
    {
        var province = "Held" + Token();
        var silent = await StationAsync(Http, province, 45.00, 126.00);
        var pushing = await StationAsync(Http, province, 45.01, 126.01);
        // Every grain out of memory: the next push activates the cell and the province again, and they ask their members.
        await Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var hold = fixture.Faults.Arm<IServiceStationGrain>(nameof(IServiceStationGrain.GetSummaryAsync), silent, CallFault.Hold, times: 1_000);
        try
        {
            var watch = Stopwatch.StartNew();
            await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{pushing}",
                JsonSerializer.Serialize(new { name = "Pushing", province, city = "Harbin", latitude = 45.01, longitude = 126.01, bays = 3, appraisers = new[] { "Wang" } })));
            // Before: the group's activation waited for the silent member, and the push for the activation (503 after 5 s).
            Assert.True(watch.Elapsed < MemberWait, $"the push took {watch.Elapsed}");
            Assert.True(hold.Fired >= 1, "the groups asked the silent member");

            // A query waits for the members' answers a bounded time, then answers with those that came.
            watch.Restart();
            var nearby = await NearbyAsync();
            Assert.True(watch.Elapsed < MemberWait + TimeSpan.FromSeconds(2), $"the query took {watch.Elapsed}");
            Assert.Contains(pushing, nearby);
            Assert.DoesNotContain(silent, nearby);
        }
        finally
        {
            hold.Release();
        }

        // Once it answers, it is asked again and counted.
        await Eventually.UntilAsync(NearbyAsync, codes => codes.Contains(silent) && codes.Contains(pushing), TimeSpan.FromSeconds(20), "the silent member in the nearby answer");
        var totals = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
        Assert.Equal(2, totals.GetProperty("stations").GetInt32());

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
        await Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var hold = fixture.Faults.Arm<IStationGroupGrain>(nameof(IStationGroupGrain.GetTotalsAsync), key, CallFault.Hold, times: 1_000);
        try
        {
            var national = Cluster.GetGrain<INetworkGrain>(RollupScopes.National);
            var watch = Stopwatch.StartNew();
            // The province's own push (the same totals again) activates the national grain, which asks every province.
            await national.ApplyProvinceAsync(province, totals);
            Assert.True(watch.Elapsed < MemberWait, $"the push took {watch.Elapsed}");
            Assert.True(hold.Fired >= 1, "the national grain asked the silent province");

            var summary = await national.GetSummaryAsync().WaitAsync(MemberWait + TimeSpan.FromSeconds(2));
            Assert.Equal(totals.Totals.Stations, summary.Provinces![province].Stations);
        }
        finally
        {
            hold.Release();
        }
    }
}
