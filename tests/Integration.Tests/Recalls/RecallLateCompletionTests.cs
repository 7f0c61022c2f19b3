using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>
/// Completions and index entries that arrive late. A province's recall completion (召回条例 Art. 20: completion rates by region feed the manufacturer's progress reports)
/// counts only open campaigns. A closing takes back from each province what the campaign had counted there, so every
/// completion must be counted in both or in neither, whatever the order in which a vehicle's report, its retries and the
/// closing arrive. Each test holds one delivery back with a trigger that refuses one roll-up's writes, closes the
/// campaign meanwhile, then lets the delivery through (the outbox sweeper) and reads the province. And a campaign at
/// 100 % settles before it closes itself, so a vehicle whose fleet-index entry arrives late still counts.
/// </summary>
public sealed class RecallLateCompletionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ACompletionThatReachesTheCampaignOnlyAfterItsClosing_CountsInNoProvince()
    {
        var (province, campaign, first, second, station) = await TwoVehicleCampaignAsync();
        await RecallWork.CompleteAsync(Http, station, first, campaign);
        Assert.Equal(1, await SettledProvinceCompletedAsync(province, 1));

        // The campaign's roll-up refuses writes: the second completion stays in its vehicle's outbox.
        await using (var refusal = await WriteRefusal.StartAsync(fixture.ConnectionString, "counterRollup", $"recall:{campaign}"))
        {
            await RecallWork.CompleteAsync(Http, station, second, campaign);
            Assert.True(await OwesRecallCompletionAsync(second));
            await CloseAsync(campaign);
            Assert.True(await refusal.LiftAsync() > 0);
        }

        // The closing took back the one completion it counted; the late one, delivered now, is counted nowhere.
        await SweepAsync();
        Assert.False(await OwesRecallCompletionAsync(second));
        Assert.Equal(0, await SettledProvinceCompletedAsync(province, 0));
        var record = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal((2, 1), (record.GetProperty("affected").GetInt64(), record.GetProperty("completed").GetInt64()));
    }

    [Fact]
    public async Task ACompletionTheClosingCounted_WhoseProvinceReportFailed_ReachesTheProvinceOnItsRetry()
    {
        var (province, campaign, first, second, station) = await TwoVehicleCampaignAsync();
        await RecallWork.CompleteAsync(Http, station, first, campaign);
        Assert.Equal(1, await SettledProvinceCompletedAsync(province, 1));

        // The province refuses writes: the second completion is counted by the campaign, not by the province, and the
        // operator's closing (which takes back both from the province) waits in the campaign's outbox.
        await using (var refusal = await WriteRefusal.StartAsync(fixture.ConnectionString, "counterRollup", $"province:{province}"))
        {
            await RecallWork.CompleteAsync(Http, station, second, campaign);
            Assert.True(await OwesRecallCompletionAsync(second));
            await CloseAsync(campaign);
            Assert.True(await refusal.LiftAsync() > 0);
        }

        var record = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal((2, 2), (record.GetProperty("affected").GetInt64(), record.GetProperty("completed").GetInt64()));

        // Both deliveries go through: the province counts the second completion (+1) and the take-back (−2), so none is left.
        await SweepAsync();
        Assert.False(await OwesRecallCompletionAsync(second));
        Assert.Equal(0, await SettledProvinceCompletedAsync(province, 0));
    }

    [Fact]
    public async Task AVehicleCountedLate_KeepsACampaignAt100PercentOpen_WhileItSettles()
    {
        var tag = Token();
        var (province, model, batch, campaign) = ($"P{tag}", $"M-{tag}", $"{tag}-B1", $"RC-{tag}");
        var station = await StationAsync(Http, province, 30.5, 114.3, bays: 4);
        var first = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 10), model, batch, station);
        await OpenAsync(campaign, model);

        // The batch refuses writes: the second vehicle is registered and delivered, its fleet-index entry waits in its outbox.
        string second;
        await using (var refusal = await WriteRefusal.StartAsync(fixture.ConnectionString, "fleetBatch", batch))
        {
            second = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 11), model, batch, station);
            Assert.True(await refusal.RefusedAsync() > 0);

            // Completed on the one vehicle it counts, the campaign is at 100 %, and settles instead of closing.
            await RecallWork.CompleteAsync(Http, station, first, campaign);
            var complete = await RecallAsync(campaign);
            Assert.Equal((1, 1, false), (complete.GetProperty("affected").GetInt64(), complete.GetProperty("completed").GetInt64(), complete.GetProperty("closed").GetBoolean()));
            Assert.NotNull(await CompleteSinceAsync(campaign));
            Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), complete.GetProperty("closesAt").GetDateTimeOffset());
        }

        // The late entry arrives within the settling time; once it is over, the campaign finds itself at 1 of 2 and stays open.
        await SweepAsync();
        var counted = await RecallAsync(campaign);
        Assert.Equal(2, counted.GetProperty("affected").GetInt64());
        Assert.False(counted.TryGetProperty("closesAt", out var closesAt) && closesAt.ValueKind != JsonValueKind.Null, "no longer at 100 %: no closing time");
        fixture.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => CompleteSinceAsync(campaign), since => since is null, TimeSpan.FromSeconds(10), "the settling check to find the campaign incomplete");
        var open = await RecallAsync(campaign);
        Assert.Equal((2, 1, false), (open.GetProperty("affected").GetInt64(), open.GetProperty("completed").GetInt64(), open.GetProperty("closed").GetBoolean()));

        // Completed on both, it settles again, and closes itself when the settling time is over.
        await RecallWork.CompleteAsync(Http, station, second, campaign);
        Assert.False((await RecallAsync(campaign)).GetProperty("closed").GetBoolean());
        fixture.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var closed = await Eventually.UntilAsync(() => RecallAsync(campaign), view => view.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(10), "the campaign closed once settled");
        Assert.Equal(("system", 2L, 2L), (closed.GetProperty("closedBy").GetString(), closed.GetProperty("affected").GetInt64(), closed.GetProperty("completed").GetInt64()));
        Assert.Null(await CompleteSinceAsync(campaign));
    }

    private Task<JsonElement> RecallAsync(string campaign) => ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));

    /// <summary>Since when the stored campaign has been at 100 % (null: it is not, or it closed).</summary>
    private Task<string?> CompleteSinceAsync(string campaign) =>
        TestDatabase.ScalarAsync<string?>(fixture.ConnectionString,
            "SELECT payload->>'completeSince' FROM grain_state WHERE state_name = 'recall' AND grain_key = @campaign", ("campaign", campaign));

    private Task OpenAsync(string campaign, string model) =>
        ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", JsonSerializer.Serialize(new
        {
            campaignId = campaign, description = "Brake hose may chafe", models = new[] { model }, batches = Array.Empty<string>(),
            vins = Array.Empty<string>(), remedy = "Replace the front brake hoses",
        })));

    /// <summary>A station in a province of its own, two delivered vehicles it sold of a model of their own, and a campaign over that model.</summary>
    private async Task<(string Province, string Campaign, string First, string Second, string Station)> TwoVehicleCampaignAsync()
    {
        var tag = Token();
        var (province, model, batch, campaign) = ($"P{tag}", $"M-{tag}", $"{tag}-B1", $"RC-{tag}");
        var station = await StationAsync(Http, province, 30.5, 114.3, bays: 4);
        var first = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 10), model, batch, station);
        var second = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 11), model, batch, station);
        await OpenAsync(campaign, model);
        return (province, campaign, first, second, station);
    }

    private Task CloseAsync(string campaign) =>
        ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/recalls/{campaign}/close", JsonSerializer.Serialize(new { reason = "Superseded (test)" })));

    /// <summary>The province's recall completion once it reads <paramref name="expected"/> (bounded), or the last value read.</summary>
    private async Task<long> SettledProvinceCompletedAsync(string province, long expected)
    {
        try
        {
            return await Eventually.UntilAsync(() => ProvinceCompletedAsync(province), completed => completed == expected,
                TimeSpan.FromSeconds(10), $"the recall completion of {province} at {expected}");
        }
        catch (TimeoutException)
        {
            return await ProvinceCompletedAsync(province);
        }
    }

    private async Task<long> ProvinceCompletedAsync(string province) =>
        (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"))).GetProperty("recallCompletion").GetProperty("completed").GetInt64();

    /// <summary>Wakes every grain with messages still owed, twice (a delivery may owe a further one).</summary>
    private async Task SweepAsync()
    {
        var sweeper = fixture.Silo.Services.GetRequiredService<OutboxSweeper>();
        await sweeper.SweepOnceAsync(TimeSpan.Zero);
        await sweeper.SweepOnceAsync(TimeSpan.Zero);
    }

    /// <summary>Whether the vehicle's stored state still owes its recall completion report.</summary>
    private async Task<bool> OwesRecallCompletionAsync(string vin) =>
        await TestDatabase.ScalarAsync<bool>(fixture.ConnectionString, """
            SELECT EXISTS (SELECT 1 FROM grain_state, jsonb_array_elements(coalesce(payload->'outbox', '[]'::jsonb)) AS message
                           WHERE state_name = 'vehicle' AND grain_key = @vin AND message->>'$kind' = 'recallCompletion')
            """, ("vin", vin));
}
