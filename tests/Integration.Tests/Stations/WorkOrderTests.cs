using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Stations;

[Collection(StationsCollection.Name)]
public sealed class WorkOrderTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>
    /// 三包 Art. 24(1) and (3) through the station workflow: two approved serious-safety repairs replacing the same
    /// brake caliper (a catalogue main part) put the vehicle on watch; the fault was fixed each time, so nothing is
    /// granted. A third appraisal finding the fault still there (仍未排除) grants both the moment its claim is approved,
    /// before that repair is done, with the Art. 27 usage compensation as a number.
    /// </summary>
    [Fact]
    public async Task Vehicle_TwoApprovedSafetyRepairsAreAWatch_AThirdAppraisalOfTheFaultGrantsArt24()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var province = "HLJ" + Token();
        var vin = await DeliveredVehicleAsync(Http);
        var a = await StationAsync(Http, province, 45.75, 126.60);
        var b = await StationAsync(Http, province, 45.80, 126.50);

        // 首保 at station A.
        var first = await OpenAsync(Http, a, vin, 1200, kind: "firstMaintenance", fault: "");
        var load = await LoadAsync(Http, a);
        Assert.Equal(1, load.GetProperty("openWorkOrders").GetInt32());
        Assert.Equal(0.5, load.GetProperty("utilisation").GetDouble());
        Assert.Equal(fixture.Clock.GetUtcNow(), load.GetProperty("oldestOpenSince").GetDateTimeOffset());
        await MoveAsync(Http, a, first, "start");
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await MoveAsync(Http, a, first, "complete");
        Assert.Equal(0, (await LoadAsync(Http, a)).GetProperty("openWorkOrders").GetInt32());
        await MoveAsync(Http, a, first, "settle");

        // Repair 1 at A: serious-safety brake caliper, waiting for parts on the way.
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var r1 = await OpenAsync(Http, a, vin, 1500);
        await MoveAsync(Http, a, r1, "start");
        // A serious safety fault waits for the warranty department (domain §3), which approves it.
        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{a}/work-orders/{r1}/appraisal", Appraisal(seriousSafety: true)));
        var claim1 = appraised.GetProperty("claim").GetProperty("id").GetString()!;
        Assert.Equal("approved", (await ApproveClaimAsync(Http, appraised)).GetProperty("state").GetString());
        await MoveAsync(Http, a, r1, "wait-for-parts");
        load = await LoadAsync(Http, a);
        Assert.Equal(1, load.GetProperty("openWorkOrders").GetInt32());
        Assert.Equal(1, load.GetProperty("waitingForParts").GetInt32());
        fixture.Clock.Advance(TimeSpan.FromHours(5));
        await MoveAsync(Http, a, r1, "start");
        Assert.Equal(0, (await LoadAsync(Http, a)).GetProperty("waitingForParts").GetInt32());
        var completed = await MoveAsync(Http, a, r1, "complete");
        Assert.True(completed.GetProperty("archivedOnVehicle").GetBoolean());
        await MoveAsync(Http, a, r1, "settle");
        var settledClaim = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim1}"));
        Assert.Equal("settled", settledClaim.GetProperty("state").GetString());

        // Repair 2 at B: the same main part again, serious safety again.
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var r2 = await OpenAsync(Http, b, vin, 1800);
        await MoveAsync(Http, b, r2, "start");
        await ApproveClaimAsync(Http, await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{b}/work-orders/{r2}/appraisal", Appraisal(seriousSafety: true, appraiser: "Zhao"))));
        await MoveAsync(Http, b, r2, "complete");

        // Repair 3 at B: an electrical fault, also under warranty.
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var r3 = await OpenAsync(Http, b, vin, 2100, fault: "EL-7", system: "electrical");
        await MoveAsync(Http, b, r3, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{b}/work-orders/{r3}/appraisal", Appraisal(part: "EL-HARNESS")));
        await MoveAsync(Http, b, r3, "complete");

        var vehicle = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"));
        Assert.Equal(2100, vehicle.GetProperty("odometerKm").GetInt32());
        var history = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items");
        Assert.Equal([r3, r2, r1, first], history.EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("visitId").GetString()!).ToArray());
        Assert.Equal([true, true, true, false], history.EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("warranty").GetBoolean()).ToArray());

        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal("done", warranty.GetProperty("firstMaintenance").GetProperty("state").GetString());
        var counters = warranty.GetProperty("counters");
        Assert.Equal(2, counters.GetProperty("seriousSafetyRepairs").GetInt32());
        Assert.Equal(2, counters.GetProperty("mainPartReplacements").GetProperty("BRK-CAL-FL").GetInt32());
        Assert.Equal(["Art. 24(1): watch", "Art. 24(3): watch"], Entitlements(warranty));
        var art243 = warranty.GetProperty("entitlements").EnumerateArray().Single(e => e.GetProperty("article").GetString() == "Art. 24(3)");
        Assert.Equal([r1, r2], art243.GetProperty("visitIds").EnumerateArray().Select(v => v.GetString()!).ToArray());

        // Repair 4 at A: the appraisal finds the brake fault still there. Granted as soon as the claim is approved.
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var r4 = await OpenAsync(Http, a, vin, 2300);
        await MoveAsync(Http, a, r4, "start");
        var fourth = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{a}/work-orders/{r4}/appraisal", Appraisal(seriousSafety: true)));
        warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(["Art. 24(1): watch", "Art. 24(3): watch"], Entitlements(warranty)); // in review: nothing counts yet
        await ApproveClaimAsync(Http, fourth);
        warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(["Art. 24(1): granted", "Art. 24(3): granted"], Entitlements(warranty));
        foreach (var entitlement in warranty.GetProperty("entitlements").EnumerateArray())
        {
            Assert.Equal([r1, r2, r4], entitlement.GetProperty("visitIds").EnumerateArray().Select(v => v.GetString()!).ToArray());
            Assert.Equal(JsonValueKind.Number, entitlement.GetProperty("usageCompensation").ValueKind);
        }

        await MoveAsync(Http, a, r4, "complete");

        // Loads are exact: A has nothing open, B nothing open, both settled or completed.
        Assert.Equal(0, (await LoadAsync(Http, a)).GetProperty("openWorkOrders").GetInt32());
        Assert.Equal(0, (await LoadAsync(Http, b)).GetProperty("openWorkOrders").GetInt32());
    }

    private static List<string> Entitlements(JsonElement warranty) =>
        [.. warranty.GetProperty("entitlements").EnumerateArray().Select(e => $"{e.GetProperty("article").GetString()}: {e.GetProperty("status").GetString()}")];

    [Theory]
    [InlineData(null, 3)] // 50 h open: three started days (Art. 40)
    [InlineData(2.0, 2)] // 48 h counted: exactly two days
    [InlineData(1.9, 3)] // 48.1 h counted: a third day has started
    public async Task ExcludedHoursFromTheAppraisal_AreLeftOutOfTheRepairDays(double? excludedHours, int repairDays)
    {
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "JL" + Token(), 43.9, 125.3);
        var order = await OpenAsync(Http, station, vin, 1500);
        await MoveAsync(Http, station, order, "start");
        var appraisal = JsonSerializer.Serialize(new
        {
            warranty = true, cause = "defect", parts = new[] { new { partNo = "BRK-CAL-FL", quantity = 1 } }, seriousSafety = false, appraiser = "Wang",
            excludedHours,
        });
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", appraisal));
        fixture.Clock.Advance(TimeSpan.FromHours(50));
        await MoveAsync(Http, station, order, "complete");

        // The archive keeps the hours; the 三包 day count (Art. 24(4)'s cumulative days) leaves them out.
        var history = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items");
        Assert.Equal(excludedHours ?? 0, history.EnumerateArray().Single().GetProperty("visit").GetProperty("excludedHours").GetDouble());
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(repairDays, warranty.GetProperty("counters").GetProperty("repairDays").GetInt32());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("8785")]
    [InlineData("\"many\"")]
    public async Task ExcludedHours_OutOfRange_Is400NamingIt(string hours)
    {
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "JL" + Token(), 43.9, 125.3);
        var order = await OpenAsync(Http, station, vin, 1500);
        var body = $$"""{"warranty":true,"cause":"defect","parts":[{"partNo":"P-1","quantity":1}],"seriousSafety":false,"appraiser":"Wang","excludedHours":{{hours}}}""";
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", body));
        Assert.True(problem.GetProperty("errors").TryGetProperty("excludedHours", out _));
        var unchanged = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"));
        Assert.True(!unchanged.TryGetProperty("appraisal", out var kept) || kept.ValueKind == JsonValueKind.Null, $"appraisal stored: {kept}");
    }

    [Fact]
    public async Task IllegalMoves_Are409NamingTheCurrentState_AndChangeNothing()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var s = await StationAsync(Http, "HLJ" + Token(), 46.0, 127.0);
        var id = await OpenAsync(Http, s, vin, 500);

        async Task Refused(string action, string state)
        {
            var (status, body) = await PostAsync(Http, $"/api/stations/{s}/work-orders/{id}/{action}");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains($"is {state}", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await Refused("complete", "open");
        await Refused("settle", "open");
        await Refused("wait-for-parts", "open");
        await MoveAsync(Http, s, id, "start");
        await Refused("start", "in repair");
        await Refused("settle", "in repair");
        await MoveAsync(Http, s, id, "wait-for-parts");
        await Refused("complete", "waiting for parts");
        await Refused("wait-for-parts", "waiting for parts");
        await MoveAsync(Http, s, id, "start");
        await MoveAsync(Http, s, id, "complete");
        await Refused("cancel", "completed");
        await Refused("start", "completed");
        await MoveAsync(Http, s, id, "settle");
        await Refused("settle", "settled");
        await Refused("cancel", "settled");

        var order = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/work-orders/{id}"));
        Assert.Equal("settled", order.GetProperty("state").GetString());

        var second = await OpenAsync(Http, s, vin, 600);
        await MoveAsync(Http, s, second, "cancel");
        var (status, body) = await PostAsync(Http, $"/api/stations/{s}/work-orders/{second}/start");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("is cancelled", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Http, $"/api/stations/{s}/work-orders/{s}-99")).Status);
        Assert.Equal(0, (await LoadAsync(Http, s)).GetProperty("openWorkOrders").GetInt32());
    }

    [Fact]
    public async Task LowerOdometer_Is409_AndNoWorkOrderIsCreated()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var s = await StationAsync(Http, "HLJ" + Token(), 46.1, 127.1);
        await OpenAsync(Http, s, vin, 900);

        var (status, body) = await PostAsync(Http, $"/api/stations/{s}/work-orders",
            $$"""{"vin":"{{vin}}","odometerKm":800,"kind":"maintenance"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("never go backwards", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var station = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}"));
        Assert.Equal(1, station.GetProperty("workOrders").GetInt32());
        Assert.Equal(1, station.GetProperty("load").GetProperty("openWorkOrders").GetInt32());
    }

    [Fact]
    public async Task SuspendedStation_RefusesNewWorkOrders_WithTheReason_UntilReinstated()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var s = await StationAsync(Http, "HLJ" + Token(), 46.2, 127.2);
        var suspended = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/suspend", """{"reason":"quality audit"}"""));
        Assert.Equal("suspended", suspended.GetProperty("authorisation").GetString());

        var (status, body) = await PostAsync(Http, $"/api/stations/{s}/work-orders", $$"""{"vin":"{{vin}}","odometerKm":100,"kind":"maintenance"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("suspended (quality audit)", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Http, $"/api/stations/{s}/suspend", """{"reason":"again"}""")).Status);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/reinstate"));
        await OpenAsync(Http, s, vin, 100, kind: "maintenance");
        Assert.Equal(1, (await LoadAsync(Http, s)).GetProperty("openWorkOrders").GetInt32());
    }

    [Fact]
    public async Task Claims_AreRejectedForExcludedCauses_AndNeedInformationWithoutACause_WithReasons()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var s = await StationAsync(Http, "HLJ" + Token(), 46.3, 127.3);
        var accident = await OpenAsync(Http, s, vin, 300);
        var rejected = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{accident}/appraisal", Appraisal(cause: "accident")));
        var rejectedId = rejected.GetProperty("claim").GetProperty("id").GetString();
        var claim = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{rejectedId}"));
        Assert.Equal("rejected", claim.GetProperty("state").GetString());
        Assert.Contains("accident", claim.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        await MoveAsync(Http, s, accident, "start");
        await MoveAsync(Http, s, accident, "complete");
        var history = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items");
        Assert.False(history[0].GetProperty("visit").GetProperty("warranty").GetBoolean());

        var unclear = await OpenAsync(Http, s, vin, 400);
        var first = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{unclear}/appraisal",
            """{"warranty":true,"parts":[{"partNo":"X-1","quantity":1}],"seriousSafety":false,"appraiser":"Wang","servicedElsewhere":true}"""));
        Assert.Equal("needsInformation", first.GetProperty("claim").GetProperty("state").GetString());
        await MoveAsync(Http, s, unclear, "start");
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Http, $"/api/stations/{s}/work-orders/{unclear}/complete")).Status);
        var second = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{unclear}/appraisal",
            """{"warranty":true,"cause":"defect","parts":[{"partNo":"X-1","quantity":1}],"seriousSafety":false,"appraiser":"Wang","servicedElsewhere":true}"""));
        Assert.Equal($"{unclear}-C2", second.GetProperty("claim").GetProperty("id").GetString());
        var approved = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{unclear}-C2"));
        Assert.Equal("approved", approved.GetProperty("state").GetString());
        Assert.Contains(approved.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("Art. 32", StringComparison.Ordinal));

        var (status, body) = await PostAsync(Http, $"/api/stations/{s}/work-orders/{unclear}/appraisal", Appraisal(appraiser: "Nobody"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("appraiser", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(Http, "/api/claims/NO-SUCH-C1")).Status);
    }

    [Fact]
    public async Task OpenWorkOrder_WithAnIdempotencyKey_IsAppliedOnce()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var s = await StationAsync(Http, "HLJ" + Token(), 46.4, 127.4);
        var json = $$"""{"vin":"{{vin}}","odometerKm":700,"kind":"maintenance"}""";

        async Task<(HttpStatusCode, JsonElement)> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/stations/{s}/work-orders")
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", "open-1");
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (s1, b1) = await Send();
        var (s2, b2) = await Send();

        Assert.Equal(HttpStatusCode.Created, s1);
        Assert.Equal(HttpStatusCode.Created, s2);
        Assert.Equal(b1.GetProperty("id").GetString(), b2.GetProperty("id").GetString());
        Assert.Equal(1, (await LoadAsync(Http, s)).GetProperty("openWorkOrders").GetInt32());
    }

    [Theory]
    [InlineData("latitude=91&longitude=120&radiusKm=10", "latitude")]
    [InlineData("latitude=30&longitude=-181&radiusKm=10", "longitude")]
    [InlineData("latitude=30&longitude=120&radiusKm=0", "radiusKm")]
    [InlineData("latitude=30&longitude=120&radiusKm=501", "radiusKm")]
    [InlineData("longitude=120&radiusKm=10", "latitude")]
    [InlineData("latitude=x&longitude=120&radiusKm=10", "latitude")]
    public async Task Nearby_WithBadInput_Is400NamingTheField(string query, string field)
    {
        var (status, body) = await GetAsync(Http, "/api/stations/nearby?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }
}
