using System.Net;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Stations;

/// <summary>
/// A station's document holds its live work orders only: a settled or cancelled order leaves it, as a row written
/// in the same statement as the move that closed it, and is still read by id. The document stays the size of the
/// station's current work however long its history.
/// </summary>
[Collection(StationsCollection.Name)]
public sealed class ClosedWorkOrderTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task SettledAndCancelledOrders_LeaveTheDocument_AndAreStillReadById()
    {
        var station = await StationAsync(Http, "Closed" + Token(), 31.2, 121.5, bays: 4);
        var vin = await DeliveredVehicleAsync(Http);
        var ids = new List<string>();
        var km = 500;
        for (var i = 0; i < 6; i++)
        {
            var id = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");
            ids.Add(id);
            await MoveAsync(Http, station, id, "start");
            await MoveAsync(Http, station, id, "complete");
            await MoveAsync(Http, station, id, "settle");
        }

        var sizeAfterSix = await DocumentSizeAsync(station);
        for (var i = 0; i < 24; i++)
        {
            var id = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");
            ids.Add(id);
            await MoveAsync(Http, station, id, "start");
            await MoveAsync(Http, station, id, "complete");
            await MoveAsync(Http, station, id, "settle");
        }

        var cancelled = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");
        await MoveAsync(Http, station, cancelled, "cancel");
        var live = await OpenAsync(Http, station, vin, km += 10, kind: "maintenance", fault: "");

        // Five times the history, the same document: only the live order is in it, with the count of all opened.
        Assert.True(await DocumentSizeAsync(station) <= sizeAfterSix + 600, $"{await DocumentSizeAsync(station)} vs {sizeAfterSix} after six");
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT jsonb_array_length(payload->'workOrders')::bigint FROM grain_state WHERE state_name = 'station' AND grain_key = @code", ("code", station)));
        Assert.Equal(31L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'station' AND grain_key = @code AND kind = 'workOrder'", ("code", station)));

        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}"));
        Assert.Equal(32, view.GetProperty("workOrders").GetInt32());
        Assert.Equal("settled", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{ids[0]}"))).GetProperty("state").GetString());
        Assert.Equal("settled", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{ids[^1]}"))).GetProperty("state").GetString());
        Assert.Equal("cancelled", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{cancelled}"))).GetProperty("state").GetString());
        Assert.Equal("open", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{live}"))).GetProperty("state").GetString());
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/stations/{station}/work-orders/{station}-33"));

        // A closed order is final: moving it is refused with its state named, nothing changes.
        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/work-orders/{ids[0]}/start"));
        Assert.Contains("settled", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<int> DocumentSizeAsync(string station) =>
        await TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT octet_length(payload::text) FROM grain_state WHERE state_name = 'station' AND grain_key = @code", ("code", station));
}
