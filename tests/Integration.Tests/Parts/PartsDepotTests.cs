using System.Net;
using System.Text.Json;
using AfterSales.Domain.Geo;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Parts;

/// <summary>The parts tests move the business clock (the plan deadline), so they have a cluster of their own.</summary>
[CollectionDefinition(Name)]
public sealed class PartsCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "parts";
}

[Collection(PartsCollection.Name)]
public sealed class PartsDepotTests(ClusterFixture fixture)
{
    private readonly Dictionary<(bool Warranty, bool Urgent), (string Station, string Order)> _orders = [];
    private readonly SemaphoreSlim _ordersGate = new(1, 1);

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Stock_Reservations_ShipAndRelease_KeepTheLevels_AndBadRequestsChangeNothing()
    {
        var depot = await DepotAsync("Hubei" + Token(), 30.59, 114.30);
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, 5))));
        Assert.Equal((5, 0, 5, 0, 0), await LevelsAsync(depot, part));

        var a = await ReserveAsync(depot, part, 3, warranty: false, expectedState: "allocated");
        var b = await ReserveAsync(depot, part, 4, warranty: false, expectedState: "queued");
        Assert.Equal((5, 3, 2, 0, 4), await LevelsAsync(depot, part));

        // Refusals: more than held, a quantity of 0, an unknown depot — nothing changes.
        var tooMany = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/depots/{depot}/reservations/{a}/ship", """{"quantity":4}"""));
        Assert.Contains("holds 3", tooMany.GetProperty("detail").GetString());
        var zero = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/depots/{depot}/reservations", await Reservation(part, 0, false)));
        Assert.True(zero.GetProperty("errors").TryGetProperty("quantity", out _));
        await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, -2))));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/depots/NO-{Token()}/stock/{part}"));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/depots/{depot}/reservations/{b}/ship"));
        Assert.Equal((5, 3, 2, 0, 4), await LevelsAsync(depot, part));

        // Ship 2 of 3, then release the rest: 3 on hand, but the queued 4 do not fit yet and wait.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{a}/ship", """{"quantity":2}"""));
        Assert.Equal((3, 1, 2, 0, 4), await LevelsAsync(depot, part));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/reservations/{a}/release"));
        Assert.Equal((3, 0, 3, 0, 4), await LevelsAsync(depot, part));

        // An order is on order until it arrives; its arrival serves the queue.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/orders", Lines((part, 10))));
        Assert.Equal((3, 0, 3, 10, 4), await LevelsAsync(depot, part));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, 1))));
        Assert.Equal((4, 4, 0, 9, 0), await LevelsAsync(depot, part));
        var reservation = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{b}"));
        Assert.Equal("allocated", reservation.GetProperty("state").GetString());
    }

    [Fact]
    public async Task StockArrivingForARaceOfRequests_GoesToWarrantyRepairsFirst_ThenUrgent_ThenOldest()
    {
        var depot = await DepotAsync("Hunan" + Token(), 28.23, 112.94);
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/orders", Lines((part, 50))));

        // 40 stations race for a part that is not in stock yet: all queue.
        var requests = Enumerable.Range(0, 40).Select(i => (Warranty: i % 4 == 0, Urgent: i % 3 == 0)).ToList();
        var reserved = await Task.WhenAll(requests.Select(async r =>
        {
            var body = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations", await Reservation(part, 1, r.Warranty, r.Urgent)));
            return (Id: body.GetProperty("id").GetString()!, r.Warranty, r.Urgent, State: body.GetProperty("state").GetString());
        }));
        Assert.All(reserved, r => Assert.Equal("queued", r.State));

        // Three deliveries race too: 12 units for 40 requests.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, 4))))));

        var states = await Task.WhenAll(reserved.Select(async r =>
            (r.Id, r.Warranty, r.Urgent, Sequence: long.Parse(r.Id[(r.Id.LastIndexOf('R') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                State: (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{r.Id}"))).GetProperty("state").GetString())));
        var allocated = states.Where(s => s.State == "allocated").ToList();
        var queued = states.Where(s => s.State == "queued").ToList();
        Assert.Equal(12, allocated.Count);
        Assert.All(states.Where(s => s.Warranty), s => Assert.Equal("allocated", s.State));

        // Brute force: the 12 allocated are exactly the first 12 by (warranty, urgent, age).
        var expected = states.OrderBy(s => s.Warranty ? 0 : 1).ThenBy(s => s.Urgent ? 0 : 1).ThenBy(s => s.Sequence).Take(12).Select(s => s.Id).Order();
        Assert.Equal(expected, allocated.Select(a => a.Id).Order());
        Assert.Equal((12, 12, 0, 38, 28), await LevelsAsync(depot, part));
        Assert.Equal(28, queued.Count);
    }

    [Fact]
    public async Task Availability_ListsDepotsWithStock_NearestFirst_AsTheDepotsChange()
    {
        var part = "P-" + Token();
        var province = "Henan" + Token();
        var depots = new List<(string Code, double Lat, double Lon, int Stock)>
        {
            (await DepotAsync(province, 34.75, 113.62), 34.75, 113.62, 5),
            (await DepotAsync(province, 34.62, 112.45), 34.62, 112.45, 2),
            (await DepotAsync(province, 35.10, 114.00), 35.10, 114.00, 1),
            (await DepotAsync(province, 34.00, 113.00), 34.00, 113.00, 0),
        };
        foreach (var d in depots.Where(d => d.Stock > 0))
        {
            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{d.Code}/receipts", Lines((part, d.Stock))));
        }

        // The one unit at the third depot is reserved: it has none available any more.
        await ReserveAsync(depots[2].Code, part, 1, warranty: true, expectedState: "allocated");

        var (lat, lon) = (34.70, 113.00);
        var answer = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts/{part}/availability?latitude={lat}&longitude={lon}"));
        var expected = depots.Take(2)
            .Select(d => (d.Code, Km: Math.Round(GreatCircle.DistanceKm(new GeoPoint(lat, lon), new GeoPoint(d.Lat, d.Lon)), 3)))
            .OrderBy(d => d.Km).ToList();
        Assert.Equal(expected.Select(e => e.Code), answer.EnumerateArray().Select(a => a.GetProperty("depotCode").GetString()));
        Assert.Equal(expected.Select(e => e.Km), answer.EnumerateArray().Select(a => a.GetProperty("distanceKm").GetDouble()));

        var bad = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/parts/{part}/availability?latitude=95&longitude=x"));
        Assert.True(bad.GetProperty("errors").TryGetProperty("latitude", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("longitude", out _));
    }

    [Fact]
    public async Task UrgentOrder_FromTheNearestDepot_UnblocksTheWorkOrderWaitingForParts()
    {
        var province = "Jiangxi" + Token();
        var station = await StationAsync(Http, province, 28.68, 115.86);
        var vin = await DeliveredVehicleAsync(Http);
        var order = await OpenAsync(Http, station, vin, 1_200);
        await MoveAsync(Http, station, order, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal())); // an approved 三包 claim
        await MoveAsync(Http, station, order, "wait-for-parts");

        var part = "P-" + Token();
        var far = await DepotAsync(province, 25.83, 114.93);
        var near = await DepotAsync(province, 28.60, 115.90);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{far}/receipts", Lines((part, 9))));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{near}/receipts", Lines((part, 1))));

        var nearest = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts/{part}/availability?latitude=28.68&longitude=115.86")))[0];
        Assert.Equal(near, nearest.GetProperty("depotCode").GetString());

        using var stationClient = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, station);
        var urgent = await ExpectAsync(HttpStatusCode.Created, PostAsync(stationClient, $"/api/depots/{near}/reservations",
            JsonSerializer.Serialize(new { partNo = part, quantity = 1, stationCode = station, workOrderId = order, warranty = true, urgent = true })));
        var id = urgent.GetProperty("id").GetString()!;
        Assert.Equal("allocated", urgent.GetProperty("state").GetString());

        // Not shipped yet: nothing can arrive. Then the depot ships and the station confirms the arrival.
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(stationClient, $"/api/depots/{near}/reservations/{id}/arrived"));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{near}/reservations/{id}/ship"));
        using var otherStation = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, "S-OTHER");
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(otherStation, $"/api/depots/{near}/reservations/{id}/arrived"));
        var arrived = await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/depots/{near}/reservations/{id}/arrived"));
        Assert.True(arrived.GetProperty("arrived").GetBoolean());

        var waiting = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"));
        Assert.Equal("waitingForParts", waiting.GetProperty("state").GetString());
        Assert.Equal([id], waiting.GetProperty("partsArrived").EnumerateArray().Select(p => p.GetString()));
        var resumed = await MoveAsync(Http, station, order, "start");
        Assert.Equal("inRepair", resumed.GetProperty("state").GetString());
        Assert.Equal((0, 0, 0, 0, 0), await LevelsAsync(near, part));
    }

    [Fact]
    public async Task Shortages_FollowTheReorderPoint_InTheProvinceAndNationalRollups()
    {
        var province = "Gansu" + Token();
        var depot = await DepotAsync(province, 36.06, 103.83);
        var (a, b) = ("P-" + Token(), "P-" + Token());
        var nationalBefore = await ShortagesAsync("/api/network/summary");

        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((a, 3), (b, 9))));
        Assert.Equal(1, await ShortagesAsync($"/api/network/provinces/{province}")); // a: 3 < 5
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((a, 2))));
        Assert.Equal(0, await ShortagesAsync($"/api/network/provinces/{province}")); // a: 5, not below 5
        await ReserveAsync(depot, b, 5, warranty: false, expectedState: "allocated");
        Assert.Equal(1, await ShortagesAsync($"/api/network/provinces/{province}")); // b: 4 available
        Assert.Equal(nationalBefore + 1, await ShortagesAsync("/api/network/summary"));
    }

    /// <summary>
    /// Random receipts, reservations, shipments and releases at six depots in two provinces; afterwards each roll-up's
    /// shortages equal a brute-force count over every depot's stock as it reports it (available below the reorder
    /// point, 5 by default).
    /// </summary>
    [Fact]
    public async Task Shortages_AfterRandomStockMovesAtManyDepots_EqualABruteForceCountOfTheDepotsStock()
    {
        var random = new Random(8);
        var provinces = new[] { "Shanxi" + Token(), "Guizhou" + Token() };
        var depots = new List<(string Code, string Province)>();
        for (var i = 0; i < 6; i++)
        {
            var province = provinces[i % 2];
            depots.Add((await DepotAsync(province, 30 + i, 105 + i), province));
        }

        var parts = Enumerable.Range(0, 4).Select(_ => "P-" + Token()).ToArray();
        var nationalBefore = await ShortagesAsync("/api/network/summary");
        var received = new HashSet<(string Depot, string Part)>();
        var reservations = new List<(string Depot, string Id)>();
        for (var i = 0; i < 80; i++)
        {
            var (depot, _) = depots[random.Next(depots.Count)];
            var part = parts[random.Next(parts.Length)];
            var move = received.Contains((depot, part)) ? random.Next(4) : 0;
            if (move == 0)
            {
                await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, random.Next(1, 8)))));
                received.Add((depot, part));
            }
            else if (move == 1 || reservations.Count == 0)
            {
                var body = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations",
                    await Reservation(part, random.Next(1, 5), warranty: random.Next(2) == 0)));
                reservations.Add((depot, body.GetProperty("id").GetString()!));
            }
            else
            {
                // Shipping or releasing a reservation: refused (409) when it is in the wrong state for it, which changes nothing.
                var (at, id) = reservations[random.Next(reservations.Count)];
                var (status, _) = await PostAsync(Http, $"/api/depots/{at}/reservations/{id}/{(move == 2 ? "ship" : "release")}");
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{move}: {status}");
            }
        }

        var shortByProvince = provinces.ToDictionary(p => p, _ => 0L);
        foreach (var (depot, part) in received)
        {
            var (_, _, available, _, _) = await LevelsAsync(depot, part);
            if (available < 5)
            {
                shortByProvince[depots.Single(d => d.Code == depot).Province]++;
            }
        }

        foreach (var province in provinces)
        {
            Assert.Equal(shortByProvince[province], await ShortagesAsync($"/api/network/provinces/{province}"));
        }

        Assert.Equal(nationalBefore + shortByProvince.Values.Sum(), await ShortagesAsync("/api/network/summary"));
        Assert.InRange(shortByProvince.Values.Sum(), 1, received.Count - 1);
    }

    [Fact]
    public async Task MonthlyPlans_AreAggregatedPerPartAndRegion_AndRefusedAfterTheTenth()
    {
        var month = "2026-07";
        var (north, south) = ("Jilin" + Token(), "Hainan" + Token());
        var s1 = await StationAsync(Http, north, 43.8, 125.3);
        var s2 = await StationAsync(Http, south, 20.0, 110.3);
        var s3 = await StationAsync(Http, south, 18.3, 109.5);
        var (p1, p2) = ("P-" + Token(), "P-" + Token());
        var before = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{month}"));
        Assert.Equal("2026-07-10", before.GetProperty("submitBy").GetString());

        await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s1}/parts-plans/{month}", Lines((p1, 4), (p2, 1))));
        await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s2}/parts-plans/{month}", Lines((p1, 100))));
        // A resubmission replaces the station's plan.
        await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s2}/parts-plans/{month}", Lines((p1, 6), (p1, 1))));
        await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s3}/parts-plans/{month}", Lines((p2, 2))));

        using var otherStation = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, s1);
        await ExpectAsync(HttpStatusCode.Forbidden, SendAsync(otherStation, HttpMethod.Put, $"/api/stations/{s2}/parts-plans/{month}", Lines((p1, 1))));

        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{month}"));
        var lines = list.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("partNo").GetString()!);
        Assert.Equal(11, lines[p1].GetProperty("total").GetInt32());
        Assert.Equal(4, lines[p1].GetProperty("byRegion").GetProperty(north).GetInt32());
        Assert.Equal(7, lines[p1].GetProperty("byRegion").GetProperty(south).GetInt32());
        Assert.Equal(3, lines[p2].GetProperty("total").GetInt32());
        Assert.Equal(2, lines[p2].GetProperty("byRegion").GetProperty(south).GetInt32());

        // The deadline is the 10th in the business calendar (UTC+8): 23:59:59 on the 10th is in time, a second later is not.
        var lastSecond = new DateTimeOffset(2026, 7, 10, 23, 59, 59, TimeSpan.FromHours(8));
        if (fixture.Clock.GetUtcNow() < lastSecond)
        {
            fixture.Clock.SetUtcNow(lastSecond);
        }

        await ExpectAsync(HttpStatusCode.OK, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s3}/parts-plans/{month}", Lines((p2, 3))));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var late = await ExpectAsync(HttpStatusCode.Conflict, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s1}/parts-plans/{month}", Lines((p1, 1))));
        Assert.Contains("accepted until 2026-07-10", late.GetProperty("detail").GetString());
        await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, "/api/parts-plans/2026-13"));
    }

    /// <summary>
    /// Issue 21 (parts): a part the depot never stocked is back-ordered — the reservation queues, the part shows in the
    /// depot's stock with the demand waiting and counts as a shortage in its province — and the first receipt serves it.
    /// </summary>
    [Fact]
    public async Task APartTheDepotNeverStocked_IsBackOrdered_ShownAsAShortage_AndServedOnArrival()
    {
        var province = "Gansu" + Token();
        var depot = await DepotAsync(province, 36.06, 103.83);
        var part = "NEVER-" + Token();
        var shortagesBefore = await ShortagesAsync($"/api/network/provinces/{province}");

        var id = await ReserveAsync(depot, part, 2, warranty: false, expectedState: "queued");

        Assert.Equal((0, 0, 0, 0, 2), await LevelsAsync(depot, part));
        var listed = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}"))).GetProperty("stock").EnumerateArray()
            .Single(line => line.GetProperty("partNo").GetString() == part);
        Assert.True(listed.GetProperty("short").GetBoolean());
        Assert.Equal(shortagesBefore + 1, await ShortagesAsync($"/api/network/provinces/{province}"));

        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", Lines((part, 2))));

        Assert.Equal("allocated", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/reservations/{id}"))).GetProperty("state").GetString());
        Assert.Equal((2, 2, 0, 0, 0), await LevelsAsync(depot, part));
    }

    private async Task<string> DepotAsync(string province, double latitude, double longitude)
    {
        var code = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{code}",
            JsonSerializer.Serialize(new { name = $"Depot {code}", province, latitude, longitude })));
        return code;
    }

    private async Task<string> ReserveAsync(string depot, string part, int quantity, bool warranty, string expectedState)
    {
        var body = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/depots/{depot}/reservations", await Reservation(part, quantity, warranty)));
        Assert.Equal(expectedState, body.GetProperty("state").GetString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<(int OnHand, int Reserved, int Available, int OnOrder, int Queued)> LevelsAsync(string depot, string part)
    {
        var s = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));
        return (s.GetProperty("onHand").GetInt32(), s.GetProperty("reserved").GetInt32(), s.GetProperty("available").GetInt32(),
            s.GetProperty("onOrder").GetInt32(), s.GetProperty("queued").GetInt32());
    }

    private async Task<long> ShortagesAsync(string url) => (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, url))).GetProperty("partsShortages").GetInt64();

    /// <summary>
    /// A reservation for a work order that holds the priority asked for: a repair whose warranty claim was approved,
    /// waiting for parts when urgent (the depot takes the priority from the work order, never from the request).
    /// </summary>
    private async Task<string> Reservation(string part, int quantity, bool warranty, bool urgent = false)
    {
        var (station, order) = await OrderAsync(warranty, urgent);
        return JsonSerializer.Serialize(new { partNo = part, quantity, stationCode = station, workOrderId = order, warranty, urgent });
    }

    private async Task<(string Station, string Order)> OrderAsync(bool warranty, bool urgent)
    {
        await _ordersGate.WaitAsync();
        try
        {
            if (_orders.TryGetValue((warranty, urgent), out var known))
            {
                return known;
            }

            var station = await StationAsync(Http, "Parts" + Token(), 30.0, 114.0);
            var order = await OpenAsync(Http, station, await DeliveredVehicleAsync(Http), 1_200);
            await MoveAsync(Http, station, order, "start");
            if (warranty)
            {
                var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
                Assert.Equal("approved", appraised.GetProperty("claim").GetProperty("state").GetString());
            }

            if (urgent)
            {
                await MoveAsync(Http, station, order, "wait-for-parts");
            }

            return _orders[(warranty, urgent)] = (station, order);
        }
        finally
        {
            _ordersGate.Release();
        }
    }

    private static string Lines(params (string Part, int Quantity)[] lines) =>
        JsonSerializer.Serialize(new { lines = lines.Select(l => new { partNo = l.Part, quantity = l.Quantity }) });
}
