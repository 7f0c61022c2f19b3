using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Parts;

/// <summary>
/// Issue 21 item 5: urgent orders (急件订单, seed 000 §5.3.5) are sourced automatically — the nearest depot with the
/// part available within reach (300 km by policy), else a transfer from the nearest depot that has it towards the
/// station's nearest depot, else the month's procurement list (seed 000 §5.5.1) with a back-order at the nearest depot.
/// </summary>
[Collection(PartsCollection.Name)]
public sealed class UrgentOrderTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task AnUrgentOrder_IsReservedAtTheNearestDepotWithStock_WithThePriorityOfItsWorkOrder()
    {
        var (province, station, order, part) = await WaitingOrderAsync();
        var near = await DepotAsync(province, 30.10, 114.10, part, 2); // ~15 km, too few
        var next = await DepotAsync(province, 30.30, 114.30, part, 5); // ~44 km
        await DepotAsync(province, 30.60, 114.60, part, 9); // farther
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);

        var placed = await ExpectAsync(HttpStatusCode.Created, KeyedPostAsync(stationClient, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 3, order)));

        Assert.Equal(("nearestDepot", next, near, "sourced", "allocated"), (placed.GetProperty("route").GetString(), placed.GetProperty("sourceDepot").GetString(),
            placed.GetProperty("homeDepot").GetString(), placed.GetProperty("state").GetString(), placed.GetProperty("reservationState").GetString()));
        Assert.InRange(placed.GetProperty("sourceDistanceKm").GetDouble(), 40, 50);
        var reservation = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{next}/reservations/{placed.GetProperty("reservationId").GetString()}"));
        Assert.Equal((order, 3, true, true), (reservation.GetProperty("workOrderId").GetString(), reservation.GetProperty("quantity").GetInt32(),
            reservation.GetProperty("warranty").GetBoolean(), reservation.GetProperty("urgent").GetBoolean()));

        // A retry is the same order (reserved once); the key with another request is refused.
        var id = placed.GetProperty("id").GetString()!;
        var retried = await ExpectAsync(HttpStatusCode.Created, KeyedPostAsync(stationClient, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 3, order)));
        Assert.Equal(id, retried.GetProperty("id").GetString());
        Assert.Equal(3, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{next}/stock/{part}"))).GetProperty("reserved").GetInt32());
        await ExpectAsync(HttpStatusCode.Conflict, KeyedPostAsync(stationClient, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));

        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/urgent-orders/{id}"));
        Assert.Equal(next, read.GetProperty("reservationDepot").GetString());

        // Roles: another station neither reads it nor orders for this station; a reader may not order.
        using var other = fixture.Api.CreateClient(Roles.Station, "S-OTHER");
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(other, $"/api/urgent-orders/{id}"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(other, $"/api/stations/{station}/urgent-orders", Urgent(part, 1, order)));
        using var reader = fixture.Api.CreateClient(Roles.Reader);
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(reader, $"/api/stations/{station}/urgent-orders", Urgent(part, 1, order)));

        // Bad input names the field; an unknown work order is 400, an unknown order 404.
        var zero = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(stationClient, $"/api/stations/{station}/urgent-orders", Urgent(part, 0, order)));
        Assert.True(zero.GetProperty("errors").TryGetProperty("quantity", out _));
        var noOrder = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(stationClient, $"/api/stations/{station}/urgent-orders", Urgent(part, 1, station + "-999")));
        Assert.True(noOrder.GetProperty("errors").TryGetProperty("workOrderId", out _));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, "/api/urgent-orders/UNOSUCHORDER"));
        Assert.Equal(3, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{next}/stock/{part}"))).GetProperty("reserved").GetInt32());
    }

    [Fact]
    public async Task NoDepotWithinReachHasIt_TheOrderIsATransferFromTheNearestThatHas()
    {
        var (province, station, order, part) = await WaitingOrderAsync();
        var home = await DepotAsync(province, 30.10, 114.10, part, 1);
        var far = await DepotAsync(province, 36.00, 120.00, part, 6); // ~850 km

        var placed = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/stations/{station}/urgent-orders", Urgent(part, 4, order)));

        Assert.Equal(("transfer", far, home, "allocated"), (placed.GetProperty("route").GetString(), placed.GetProperty("sourceDepot").GetString(),
            placed.GetProperty("homeDepot").GetString(), placed.GetProperty("reservationState").GetString()));
        Assert.Equal(2, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{far}/stock/{part}"))).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task NoDepotHasIt_TheOrderGoesOnTheMonthsProcurementList_AndIsBackOrderedAtTheNearestDepot()
    {
        var (province, station, order, part) = await WaitingOrderAsync();
        var home = await DepotAsync(province, 30.10, 114.10, part, 1);

        var placed = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/stations/{station}/urgent-orders", Urgent(part, 7, order)));

        Assert.Equal(("procurement", home, "queued"), (placed.GetProperty("route").GetString(), placed.GetProperty("reservationDepot").GetString(),
            placed.GetProperty("reservationState").GetString()));
        Assert.False(placed.TryGetProperty("sourceDepot", out var source) && source.ValueKind != JsonValueKind.Null);
        var month = placed.GetProperty("procurementMonth").GetString()!;
        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{month}"));
        var line = list.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("partNo").GetString() == part);
        Assert.Equal(7, line.GetProperty("total").GetInt32());
        Assert.Equal(7, line.GetProperty("byRegion").GetProperty(province).GetInt32());
        var levels = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}/stock/{part}"));
        Assert.Equal(7, levels.GetProperty("queued").GetInt32());
    }

    private async Task<(string Province, string Station, string Order, string Part)> WaitingOrderAsync()
    {
        var province = "Hubei" + Token();
        var station = await StationAsync(Http, province, 30.0, 114.0);
        var order = await OpenAsync(Http, station, await DeliveredVehicleAsync(Http), 1_200);
        await MoveAsync(Http, station, order, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        await MoveAsync(Http, station, order, "wait-for-parts");
        return (province, station, order, "P-" + Token());
    }

    private async Task<string> DepotAsync(string province, double latitude, double longitude, string part, int stock)
    {
        var code = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{code}",
            JsonSerializer.Serialize(new { name = $"Depot {code}", province, latitude, longitude })));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{code}/receipts", JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = stock } } })));
        return code;
    }

    private static string Urgent(string part, int quantity, string order) => JsonSerializer.Serialize(new { partNo = part, quantity, workOrderId = order });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> KeyedPostAsync(HttpClient client, string url, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
