using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Parts;

/// <summary>
/// Issue 21 item 5: shipping a reservation issues a shipment notice with its detail list (配件发运通知单 / 明细表, seed
/// 000 §5.5.2) addressed to the station; the station inspects what arrives (seed 001 §5.4.3) and only accepted parts
/// become its usable stock; rejected parts are reserved again at the depot for the same work order.
/// </summary>
[Collection(PartsCollection.Name)]
public sealed class ShipmentTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task AShippedReservation_IssuesANotice_TheStationInspectsIt_AcceptedBecomeStock_RejectedAreReservedAgain()
    {
        var (station, order, depot, part) = await WaitingOrderAndStockedDepotAsync(stock: 5);
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        var reservation = await ExpectAsync(HttpStatusCode.Created, PostAsync(stationClient, $"/api/depots/{depot}/reservations",
            JsonSerializer.Serialize(new { partNo = part, quantity = 3, stationCode = station, workOrderId = order })));
        var reservationId = reservation.GetProperty("id").GetString()!;
        Assert.True(reservation.GetProperty("warranty").GetBoolean());

        var shipped = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{reservationId}/ship"));
        var shipmentId = shipped.GetProperty("shipmentId").GetString()!;
        Assert.Equal($"{depot}-S1", shipmentId);

        // The notice and its detail line, addressed to the station, in transit.
        var notice = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/shipments/{shipmentId}"));
        Assert.Equal("inTransit", notice.GetProperty("state").GetString());
        Assert.Equal(station, notice.GetProperty("stationCode").GetString());
        Assert.Equal(depot, notice.GetProperty("depotCode").GetString());
        var line = Assert.Single(notice.GetProperty("lines").EnumerateArray().ToList());
        Assert.Equal((reservationId, part, 3, true, order), (line.GetProperty("reservationId").GetString(), line.GetProperty("partNo").GetString(),
            line.GetProperty("quantity").GetInt32(), line.GetProperty("warranty").GetBoolean(), line.GetProperty("workOrderId").GetString()));
        var listed = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/shipments"));
        Assert.Equal([shipmentId], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        // Not the station's own: 403 for another station; the parts department may read it but not inspect.
        using var other = fixture.Api.CreateClient(Roles.Station, "S-OTHER");
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(other, $"/api/shipments/{shipmentId}"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(other, $"/api/shipments/{shipmentId}/inspection", Inspection((part, 3, 0, null))));
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(other, $"/api/stations/{station}/shipments"));
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(other, $"/api/stations/{station}/parts-stock"));
        using var parts = fixture.Api.CreateClient(Roles.Parts);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(parts, $"/api/shipments/{shipmentId}"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(parts, $"/api/shipments/{shipmentId}/inspection", Inspection((part, 3, 0, null))));

        // Nothing is stock before the inspection.
        var before = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/parts-stock"));
        Assert.Equal(0, before.GetProperty("parts").GetArrayLength());

        var inspected = await ExpectAsync(HttpStatusCode.OK, KeyedPostAsync(stationClient, $"/api/shipments/{shipmentId}/inspection", "inspect-1",
            Inspection((part, 2, 1, "housing cracked"))));
        Assert.Equal("inspected", inspected.GetProperty("state").GetString());
        Assert.Equal($"station:{station}", inspected.GetProperty("inspection").GetProperty("inspectedBy").GetString());

        // A retry replays; another inspection is a conflict; the key with another body is refused.
        var replay = await ExpectAsync(HttpStatusCode.OK, KeyedPostAsync(stationClient, $"/api/shipments/{shipmentId}/inspection", "inspect-1",
            Inspection((part, 2, 1, "housing cracked"))));
        Assert.Equal(inspected.GetProperty("inspection").GetProperty("inspectedAt").GetString(), replay.GetProperty("inspection").GetProperty("inspectedAt").GetString());
        await ExpectAsync(HttpStatusCode.Conflict, KeyedPostAsync(stationClient, $"/api/shipments/{shipmentId}/inspection", "inspect-2", Inspection((part, 3, 0, null))));
        var reused = await ExpectAsync(HttpStatusCode.Conflict, KeyedPostAsync(stationClient, $"/api/shipments/{shipmentId}/inspection", "inspect-1",
            Inspection((part, 3, 0, null))));
        Assert.Equal("idempotency-key-reused", reused.GetProperty("code").GetString());

        // Accepted parts are the station's stock, counted once however often the inspection was sent.
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/parts-stock"));
        var held = Assert.Single(stock.GetProperty("parts").EnumerateArray().ToList());
        Assert.Equal((part, 2, 1), (held.GetProperty("partNo").GetString(), held.GetProperty("accepted").GetInt32(), held.GetProperty("rejected").GetInt32()));
        Assert.Equal(1, stock.GetProperty("shipmentsInspected").GetInt32());
        listed = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/shipments"));
        Assert.Equal("inspected", Assert.Single(listed.GetProperty("items").EnumerateArray().ToList()).GetProperty("state").GetString());

        // The accepted parts confirm the arrival: the waiting work order is told.
        var workOrder = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"));
        Assert.Equal([reservationId], workOrder.GetProperty("partsArrived").EnumerateArray().Select(p => p.GetString()));
        Assert.True((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{reservationId}"))).GetProperty("arrived").GetBoolean());

        // The rejected unit is reserved again for the same work order (allocated from the 2 left): 2 on hand, 1 reserved.
        var levels = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));
        Assert.Equal((2, 1, 1), (levels.GetProperty("onHand").GetInt32(), levels.GetProperty("reserved").GetInt32(), levels.GetProperty("available").GetInt32()));
        var again = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{depot}-R2"));
        Assert.Equal((order, 1, "allocated", true), (again.GetProperty("workOrderId").GetString(), again.GetProperty("quantity").GetInt32(),
            again.GetProperty("state").GetString(), again.GetProperty("warranty").GetBoolean()));
    }

    [Fact]
    public async Task AnInspectionThatDoesNotAccountForTheShipment_Is400NamingTheField_AndChangesNothing()
    {
        var (station, order, depot, part) = await WaitingOrderAndStockedDepotAsync(stock: 4);
        var shipmentId = await ShipAsync(depot, part, station, order, 4);
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        var url = $"/api/shipments/{shipmentId}/inspection";

        // Boundaries of seed 001 §5.4.3: accepted + rejected must be exactly what shipped.
        await ExpectFieldAsync(stationClient, url, Inspection((part, 3, 0, null)), "lines[0]");
        await ExpectFieldAsync(stationClient, url, Inspection((part, 4, 1, "extra")), "lines[0]");
        await ExpectFieldAsync(stationClient, url, Inspection((part, -1, 5, "x")), "lines[0].accepted");
        await ExpectFieldAsync(stationClient, url, Inspection((part, 3, 1, null)), "lines[0].reason");
        await ExpectFieldAsync(stationClient, url, Inspection(("NOT-SHIPPED", 4, 0, null)), "lines[0].partNo");
        await ExpectFieldAsync(stationClient, url, Inspection((part, 4, 0, null), (part, 0, 0, null)), "lines[1].partNo");
        await ExpectFieldAsync(stationClient, url, """{"lines":[]}""", "lines");
        await ExpectFieldAsync(stationClient, url, """{"lines":[{"partNo":"X","accepted":1}]}""", "lines[0].rejected");
        await ExpectAsync(HttpStatusCode.NotFound, PostAsync(stationClient, $"/api/shipments/{depot}-S99/inspection", Inspection((part, 4, 0, null))));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/shipments/{depot}-S99"));

        Assert.Equal("inTransit", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/shipments/{shipmentId}"))).GetProperty("state").GetString());
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/parts-stock"))).GetProperty("parts").GetArrayLength());

        // All of it accepted (the upper boundary): all stock, nothing reserved again.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, url, Inspection((part, 4, 0, null))));
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/parts-stock"));
        Assert.Equal(4, stock.GetProperty("parts")[0].GetProperty("accepted").GetInt32());
        var levels = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));
        Assert.Equal(0, levels.GetProperty("reserved").GetInt32());
    }

    [Fact]
    public async Task AStationsShipments_ArePagedNewestFirst_AndItsListsAre404ForAnUnknownStation()
    {
        var (station, order, depot, part) = await WaitingOrderAndStockedDepotAsync(stock: 10);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            ids.Add(await ShipAsync(depot, part, station, order, 1));
        }

        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        var first = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/shipments?limit=2"));
        Assert.Equal([ids[2], ids[1]], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/shipments?limit=2&cursor={cursor}"));
        Assert.Equal([ids[0]], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var badLimit = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/{station}/shipments?limit=0"));
        Assert.True(badLimit.GetProperty("errors").TryGetProperty("limit", out _));
        var badCursor = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/{station}/shipments?cursor=nonsense"));
        Assert.True(badCursor.GetProperty("errors").TryGetProperty("cursor", out _));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/stations/NO-{Token()}/shipments"));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/stations/NO-{Token()}/parts-stock"));
    }

    private async Task<string> ShipAsync(string depot, string part, string station, string order, int quantity)
    {
        var reserved = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations",
            JsonSerializer.Serialize(new { partNo = part, quantity, stationCode = station, workOrderId = order })));
        Assert.Equal("allocated", reserved.GetProperty("state").GetString());
        var shipped = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{reserved.GetProperty("id").GetString()}/ship"));
        return shipped.GetProperty("shipmentId").GetString()!;
    }

    /// <summary>A station with a 三包 repair (approved claim) waiting for parts, and a depot with <paramref name="stock"/> of a new part.</summary>
    private async Task<(string Station, string Order, string Depot, string Part)> WaitingOrderAndStockedDepotAsync(int stock)
    {
        var province = "Anhui" + Token();
        var station = await StationAsync(Http, province, 31.86, 117.28);
        var order = await OpenAsync(Http, station, await DeliveredVehicleAsync(Http), 1_200);
        await MoveAsync(Http, station, order, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        await MoveAsync(Http, station, order, "wait-for-parts");

        var depot = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province, latitude = 31.80, longitude = 117.20 })));
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts",
            JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = stock } } })));
        return (station, order, depot, part);
    }

    private static async Task ExpectFieldAsync(HttpClient client, string url, string body, string field)
    {
        var refused = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(client, url, body));
        Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named: {refused}");
    }

    private static string Inspection(params (string Part, int Accepted, int Rejected, string? Reason)[] lines) =>
        JsonSerializer.Serialize(new { lines = lines.Select(l => new { partNo = l.Part, accepted = l.Accepted, rejected = l.Rejected, reason = l.Reason }) });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> KeyedPostAsync(HttpClient client, string url, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
