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

    /// <summary>
    /// The inter-depot transfer, every leg over HTTP: the far depot reserves it as a transfer to the station's nearest
    /// depot, which has it on order at once and a reservation for the work order waiting; shipping it issues a notice
    /// to the home depot, which receives it (on hand, the reservation allocated); the home depot ships it to the station,
    /// whose inspection makes it usable. Each step counted once (a retried ship is replayed).
    /// </summary>
    [Fact]
    public async Task NoDepotWithinReachHasIt_TheNearestThatHasItTransfersToTheHomeDepot_WhichServesTheWorkOrder()
    {
        var (province, station, order, part) = await WaitingOrderAsync();
        var home = await DepotAsync(province, 30.10, 114.10, part, 1);
        var far = await DepotAsync(province, 36.00, 120.00, part, 6); // ~850 km
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        using var parts = fixture.Api.CreateClient(Roles.Parts);

        var placed = await ExpectAsync(HttpStatusCode.Created, PostAsync(stationClient, $"/api/stations/{station}/urgent-orders", Urgent(part, 4, order)));

        var id = placed.GetProperty("id").GetString()!;
        Assert.Equal(("transfer", far, home, "allocated", "sourced"), (placed.GetProperty("route").GetString(), placed.GetProperty("sourceDepot").GetString(),
            placed.GetProperty("homeDepot").GetString(), placed.GetProperty("reservationState").GetString(), placed.GetProperty("state").GetString()));
        Assert.Equal([("transfer", far, home, "reserved"), ("delivery", home, station, "awaitingTransfer")], Legs(placed));
        var transferId = placed.GetProperty("reservationId").GetString()!;
        var homeId = placed.GetProperty("homeReservationId").GetString()!;

        // At the source: reserved as a transfer to the home depot. At home: on order (in transit) at once, the work order's reservation waiting.
        var transfer = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{far}/reservations/{transferId}"));
        Assert.Equal((home, "allocated", order), (transfer.GetProperty("toDepot").GetString(), transfer.GetProperty("state").GetString(), transfer.GetProperty("workOrderId").GetString()));
        Assert.Equal(2, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{far}/stock/{part}"))).GetProperty("available").GetInt32());
        Assert.Equal((1, 4, 0, 4), Levels(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}/stock/{part}"))));
        var waiting = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}/reservations/{homeId}"));
        Assert.Equal(("queued", station, order, true), (waiting.GetProperty("state").GetString(), waiting.GetProperty("stationCode").GetString(),
            waiting.GetProperty("workOrderId").GetString(), waiting.GetProperty("urgent").GetBoolean()));

        // The source ships (a retry with the key is replayed): the notice goes to the home depot, which receives it.
        var shipped = await ExpectAsync(HttpStatusCode.OK, KeyedPostAsync(parts, $"/api/depots/{far}/reservations/{transferId}/ship", "ship-transfer", "{}"));
        var shipmentId = shipped.GetProperty("shipmentId").GetString()!;
        await ExpectAsync(HttpStatusCode.OK, KeyedPostAsync(parts, $"/api/depots/{far}/reservations/{transferId}/ship", "ship-transfer", "{}"));
        var notice = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/shipments/{shipmentId}"));
        Assert.Equal((home, "received", far), (notice.GetProperty("toDepot").GetString(), notice.GetProperty("state").GetString(), notice.GetProperty("depotCode").GetString()));
        Assert.Equal(4, Assert.Single(notice.GetProperty("lines").EnumerateArray().ToList()).GetProperty("quantity").GetInt32());
        // Not the station's to inspect, nor on its list of shipments.
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(stationClient, $"/api/shipments/{shipmentId}/inspection", Inspection(part, 4)));
        var listed = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/shipments"));
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());

        // Received once at home: on hand 1 + 4, nothing on order, the work order's 4 allocated.
        Assert.Equal((5, 0, 4, 0), Levels(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}/stock/{part}"))));
        Assert.Equal(2, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{far}/stock/{part}"))).GetProperty("onHand").GetInt32());
        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/urgent-orders/{id}"));
        Assert.Equal([("transfer", far, home, "received"), ("delivery", home, station, "allocated")], Legs(read));
        Assert.Equal(shipmentId, read.GetProperty("legs")[0].GetProperty("shipmentId").GetString());

        // The home depot ships to the station; the station inspects and the parts are its stock.
        var delivered = await ExpectAsync(HttpStatusCode.OK, PostAsync(parts, $"/api/depots/{home}/reservations/{homeId}/ship"));
        var deliveryId = delivered.GetProperty("shipmentId").GetString()!;
        Assert.Equal([("transfer", far, home, "received"), ("delivery", home, station, "shipped")], Legs(await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/urgent-orders/{id}"))));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/shipments/{deliveryId}/inspection", Inspection(part, 4)));
        read = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/urgent-orders/{id}"));
        Assert.Equal([("transfer", far, home, "received"), ("delivery", home, station, "arrived")], Legs(read));
        Assert.Equal(deliveryId, read.GetProperty("legs")[1].GetProperty("shipmentId").GetString());
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/parts-stock"));
        Assert.Equal(4, Assert.Single(stock.GetProperty("parts").EnumerateArray().ToList()).GetProperty("accepted").GetInt32());
        Assert.Equal((1, 0, 0, 0), Levels(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}/stock/{part}"))));

        // Roles unchanged: a station does not ship, another station does not read the order.
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stationClient, $"/api/depots/{far}/reservations/{transferId}/ship"));
        using var other = fixture.Api.CreateClient(Roles.Station, "S-OTHER");
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(other, $"/api/urgent-orders/{id}"));
    }

    /// <summary>Issue 21 item 5: a part no depot has ever known is still back-ordered — at the station's nearest registered depot (the depot directory), a shortage there.</summary>
    [Fact]
    public async Task NoDepotKnowsThePart_ItIsBackOrderedAtTheStationsNearestRegisteredDepot_AsAShortage()
    {
        var (province, station, order, part) = await WaitingOrderAsync();
        var nearest = await DepotAsync(province, 30.05, 114.05, part, 0);
        await DepotAsync(province, 30.40, 114.40, part, 0);

        var placed = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/stations/{station}/urgent-orders", Urgent(part, 2, order)));

        Assert.Equal(("procurement", nearest, nearest, "queued"), (placed.GetProperty("route").GetString(), placed.GetProperty("homeDepot").GetString(),
            placed.GetProperty("reservationDepot").GetString(), placed.GetProperty("reservationState").GetString()));
        Assert.Equal([("delivery", nearest, station, "backOrdered")], Legs(placed));
        var levels = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{nearest}/stock/{part}"));
        Assert.Equal((2, true), (levels.GetProperty("queued").GetInt32(), levels.GetProperty("short").GetBoolean()));
        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{placed.GetProperty("procurementMonth").GetString()}"));
        Assert.Equal(2, list.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("partNo").GetString() == part).GetProperty("total").GetInt32());

        // The stock arrives: the back-order is allocated.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{nearest}/receipts", JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = 2 } } })));
        Assert.Equal([("delivery", nearest, station, "allocated")], Legs(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/urgent-orders/{placed.GetProperty("id").GetString()}"))));
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
        if (stock > 0)
        {
            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{code}/receipts", JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = stock } } })));
        }

        return code;
    }

    /// <summary>The order's legs as (kind, from, to, state).</summary>
    private static List<(string?, string?, string?, string?)> Legs(JsonElement order) =>
        [.. order.GetProperty("legs").EnumerateArray().Select(l => (l.GetProperty("kind").GetString(), l.GetProperty("fromDepot").GetString(),
            l.GetProperty("to").GetString(), l.GetProperty("state").GetString()))];

    /// <summary>A part's levels at a depot as (onHand, onOrder, reserved, queued).</summary>
    private static (int, int, int, int) Levels(JsonElement stock) =>
        (stock.GetProperty("onHand").GetInt32(), stock.GetProperty("onOrder").GetInt32(), stock.GetProperty("reserved").GetInt32(), stock.GetProperty("queued").GetInt32());

    private static string Inspection(string part, int accepted) =>
        JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, accepted, rejected = 0 } } });

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
