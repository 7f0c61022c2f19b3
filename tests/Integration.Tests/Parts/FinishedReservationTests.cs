using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Parts;

/// <summary>
/// A depot's document holds its live reservations only: one shipped in full or released leaves it in the same write,
/// as a row of grain_rows read by id on demand. A depot that served more reservations than it once kept (200) still
/// answers for the first, a keyed reservation request retried after its reservation finished is replayed, and an
/// arrival confirmed for a finished reservation is recorded on its row, once.
/// </summary>
[Collection(PartsCollection.Name)]
public sealed class FinishedReservationTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ADepotThatServed250Reservations_StillAnswersForTheFirst_ReplaysItsKey_AndKeepsASmallDocument()
    {
        var depot = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province = "Rows" + Token(), latitude = 30.5, longitude = 114.3 })));
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines(part, 1_000)));
        var station = await StationAsync(Http, "Rows" + Token(), 30.0, 114.0);
        var order = await OpenAsync(Http, station, await DeliveredVehicleAsync(Http), 1_200);
        await MoveAsync(Http, station, order, "start");
        var request = JsonSerializer.Serialize(new { partNo = part, quantity = 2, stationCode = station, workOrderId = order });

        // The first reservation is keyed; it and every other one ships in full (finishes) straight away.
        var first = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync($"/api/depots/{depot}/reservations", request, "reserve-first"));
        var firstId = first.GetProperty("id").GetString()!;
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{firstId}/ship"));
        for (var i = 1; i < 10; i++)
        {
            await ReserveAndShipAsync(depot, request);
        }

        var sizeAfterTen = await DocumentSizeAsync(depot);
        for (var i = 10; i < 250; i++)
        {
            await ReserveAndShipAsync(depot, request);
        }

        // 25 times the history, the same document: no reservation is in it, each is a row.
        var sizeAfter250 = await DocumentSizeAsync(depot);
        Assert.True(sizeAfter250 <= sizeAfterTen * 1.2, $"{sizeAfter250} bytes after 250 vs {sizeAfterTen} after 10");
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT jsonb_array_length(payload->'book'->'reservations')::bigint FROM grain_state WHERE state_name = 'depot' AND grain_key = @code", ("code", depot)));
        Assert.Equal(250L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'depot' AND grain_key = @code AND kind = 'reservation'", ("code", depot)));

        // The first is still there, shipped, not arrived yet.
        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{firstId}"));
        Assert.Equal(("shipped", 2, false), (read.GetProperty("state").GetString(), read.GetProperty("shipped").GetInt32(), read.GetProperty("arrived").GetBoolean()));
        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/depots/{depot}/reservations/{firstId}/ship"));
        Assert.Contains("shipped", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Its request retried with its key is replayed (the same reservation, as it is now), not reserved again.
        var stock = await StockAsync(depot, part);
        Assert.Equal(1_000 - 500, stock.GetProperty("onHand").GetInt32());
        var replay = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync($"/api/depots/{depot}/reservations", request, "reserve-first"));
        Assert.Equal((firstId, "shipped"), (replay.GetProperty("id").GetString(), replay.GetProperty("state").GetString()));
        Assert.Equal(stock.ToString(), (await StockAsync(depot, part)).ToString());
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/depots/{depot}/reservations/{depot}-R251"));
        var otherBody = JsonSerializer.Serialize(new { partNo = part, quantity = 3, stationCode = station, workOrderId = order });
        await ExpectAsync(HttpStatusCode.Conflict, SendKeyedAsync($"/api/depots/{depot}/reservations", otherBody, "reserve-first"));

        // Its arrival is confirmed once: the row says so, the work order is told, a repeat writes nothing.
        using var stationClient = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, station);
        var arrived = await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/depots/{depot}/reservations/{firstId}/arrived"));
        Assert.True(arrived.GetProperty("arrived").GetBoolean());
        var version = await VersionAsync(depot);
        var again = await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/depots/{depot}/reservations/{firstId}/arrived"));
        Assert.True(again.GetProperty("arrived").GetBoolean());
        Assert.Equal(version, await VersionAsync(depot));
        Assert.True((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{firstId}"))).GetProperty("arrived").GetBoolean());
        Assert.Equal("shipped", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{depot}-R2"))).GetProperty("state").GetString());
        var workOrder = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"));
        Assert.Equal([firstId], workOrder.GetProperty("partsArrived").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT jsonb_array_length(coalesce(payload->'arrived', '[]'::jsonb))::bigint FROM grain_state WHERE state_name = 'depot' AND grain_key = @code", ("code", depot)));
    }

    /// <summary>
    /// A reservation shipped in part keeps its arrival in the document while it is live; released, it leaves with it.
    /// </summary>
    [Fact]
    public async Task APartlyShippedReservation_KeepsItsArrival_WhenReleasedAndMovedToItsRow()
    {
        var depot = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province = "Rows" + Token(), latitude = 30.5, longitude = 114.3 })));
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines(part, 10)));
        var station = await StationAsync(Http, "Rows" + Token(), 30.0, 114.0);
        var order = await OpenAsync(Http, station, await DeliveredVehicleAsync(Http), 1_200);
        await MoveAsync(Http, station, order, "start");
        var id = (await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations",
            JsonSerializer.Serialize(new { partNo = part, quantity = 4, stationCode = station, workOrderId = order })))).GetProperty("id").GetString()!;
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{id}/ship", """{"quantity":1}"""));
        using var stationClient = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, station);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/depots/{depot}/reservations/{id}/arrived"));

        var released = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{id}/release"));
        Assert.Equal(("released", true), (released.GetProperty("state").GetString(), released.GetProperty("arrived").GetBoolean()));

        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{id}"));
        Assert.Equal(("released", 1, true), (read.GetProperty("state").GetString(), read.GetProperty("shipped").GetInt32(), read.GetProperty("arrived").GetBoolean()));
        Assert.Equal(9, (await StockAsync(depot, part)).GetProperty("available").GetInt32());
        Assert.Equal("0 0", await TestDatabase.ScalarAsync<string>(fixture.ConnectionString, """
            SELECT jsonb_array_length(payload->'book'->'reservations') || ' ' || jsonb_array_length(coalesce(payload->'arrived', '[]'::jsonb))
            FROM grain_state WHERE state_name = 'depot' AND grain_key = @code
            """, ("code", depot)));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/depots/{depot}/reservations/{id}/release"));
    }

    private async Task ReserveAndShipAsync(string depot, string request)
    {
        var id = (await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations", request))).GetProperty("id").GetString();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{id}/ship"));
    }

    private async Task<JsonElement> StockAsync(string depot, string part) =>
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));

    private Task<int> DocumentSizeAsync(string depot) => TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
        "SELECT octet_length(payload::text) FROM grain_state WHERE state_name = 'depot' AND grain_key = @code", ("code", depot));

    private Task<int> VersionAsync(string depot) => TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
        "SELECT version FROM grain_state WHERE state_name = 'depot' AND grain_key = @code", ("code", depot));

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendKeyedAsync(string url, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Lines(string part, int quantity) =>
        JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity } } });
}
