using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Stations;

/// <summary>
/// GET /api/stations/{code}/work-orders: every order of the station, live (in its document) and closed (in its rows),
/// newest first by number; the cursor names the last order of a page, so orders opened meanwhile shift nothing.
/// </summary>
[Collection(StationsCollection.Name)]
public sealed class StationListsTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task LiveAndClosedOrders_AreListedNewestFirst_EachOnce_AcrossPages()
    {
        var station = await StationAsync(Http, "Lists" + Token(), 30.1, 120.2, bays: 20);
        var vin = await DeliveredVehicleAsync(Http);
        var km = 800;
        var states = new Dictionary<string, string>();
        for (var i = 1; i <= 12; i++)
        {
            var id = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");
            states[id] = "open";
            if (i % 3 == 0)
            {
                await MoveAsync(Http, station, id, "cancel");
                states[id] = "cancelled";
            }
            else if (i % 3 == 1)
            {
                await MoveAsync(Http, station, id, "start");
                await MoveAsync(Http, station, id, "complete");
                await MoveAsync(Http, station, id, "settle");
                states[id] = "settled";
            }
        }

        var (first, cursor) = await PageAsync(Http, station, 5, null);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{station}-{12 - i}"), first.Select(o => o.Id));

        // An order opened between pages: an offset would hand out order 8 again; the cursor does not.
        var opened = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");
        Assert.Equal($"{station}-13", opened);

        var seen = new List<(string Id, string State)>(first);
        while (cursor is not null)
        {
            (var page, cursor) = await PageAsync(Http, station, 5, cursor);
            seen.AddRange(page);
        }

        // 12 → 10 → 9 → … → 1: by number, not as text ("10" before "9").
        Assert.Equal(Enumerable.Range(1, 12).Reverse().Select(n => $"{station}-{n}"), seen.Select(o => o.Id));
        Assert.All(seen, o => Assert.Equal(states[o.Id], o.State));

        var fresh = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders"));
        Assert.Equal(13, fresh.GetProperty("items").GetArrayLength());
        Assert.Equal($"{station}-13", fresh.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, fresh.GetProperty("nextCursor").ValueKind);

        // An item is what the single GET answers.
        var single = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{station}-4"));
        var listed = fresh.GetProperty("items").EnumerateArray().Single(o => o.GetProperty("id").GetString() == $"{station}-4");
        Assert.Equal(single.ToString(), listed.ToString());
    }

    [Fact]
    public async Task AStationCaller_ReadsOnlyItsOwnList()
    {
        var station = await StationAsync(Http, "Lists" + Token(), 30.3, 120.4);
        var other = await StationAsync(Http, "Lists" + Token(), 30.4, 120.5);
        var vin = await DeliveredVehicleAsync(Http);
        await OpenAsync(Http, station, vin, 900, kind: "maintenance", fault: "");
        using var own = fixture.Api.CreateClient(Roles.Station, station);
        using var foreign = fixture.Api.CreateClient(Roles.Station, other);

        var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(own, $"/api/stations/{station}/work-orders"));
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        var refused = await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(foreign, $"/api/stations/{station}/work-orders"));
        Assert.Equal("forbidden-station", refused.GetProperty("code").GetString());
        var empty = await ExpectAsync(HttpStatusCode.OK, GetAsync(foreign, $"/api/stations/{other}/work-orders"));
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=x", "limit")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("cursor=djE6Yzox", "cursor")]
    public async Task BadPagingInput_IsA400NamingTheField(string query, string field)
    {
        var station = await StationAsync(Http, "Lists" + Token(), 30.5, 120.6);
        foreach (var list in new[] { "work-orders", "complaints" })
        {
            var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/{station}/{list}?{query}"));
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task AnUnregisteredStation_Is404_AndABadCodeIs400()
    {
        foreach (var list in new[] { "work-orders", "complaints" })
        {
            var missing = await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/stations/NOPE{Token()}/{list}"));
            Assert.Equal("station-not-registered", missing.GetProperty("code").GetString());
            await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/bad%20code/{list}"));
        }
    }

    [Fact]
    public async Task ListReadsSentAtOnce_AllReachTheDatabase_NoneWaitsBehindAnother()
    {
        // Every station list of a silo is read through one stateless worker, which has at most one activation per
        // core: taking one read at a time, it held every other list read in the silo behind a database round trip.
        var station = await StationAsync(Http, "Together" + Token(), 30.3, 120.4);
        var grains = fixture.Silo.Services.GetRequiredService<IGrainFactory>();
        var reads = Environment.ProcessorCount + 2;
        Task<Interfaces.Common.Outcome<StationWorkOrdersPage>>[] pages;
        await using (await HeldLock.TakeAsync(fixture.ConnectionString, "LOCK TABLE grain_state IN ACCESS EXCLUSIVE MODE"))
        {
            pages = [.. Enumerable.Range(0, reads).Select(_ => grains.GetGrain<IStationListsGrain>(0).GetWorkOrdersAsync(station, 10, null))];
            await Eventually.UntilAsync(
                () => TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%payload->>''revision''%'"),
                waiting => waiting == reads, TimeSpan.FromSeconds(30), $"all {reads} list reads to wait on the locked table at once");
            Assert.All(pages, page => Assert.False(page.IsCompleted));
        }

        Assert.All(await Task.WhenAll(pages), page => Assert.Empty(page.Value!.Items));
    }

    private static async Task<(List<(string Id, string State)> Items, string? Next)> PageAsync(HttpClient http, string station, int limit, string? cursor)
    {
        var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{station}/work-orders?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));
        var items = page.GetProperty("items").EnumerateArray().Select(o => (o.GetProperty("id").GetString()!, o.GetProperty("state").GetString()!)).ToList();
        var next = page.GetProperty("nextCursor");
        return (items, next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }
}
