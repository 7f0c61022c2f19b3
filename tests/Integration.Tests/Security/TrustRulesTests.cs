using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// The trust tests move the business clock to chosen times of day, so they have a cluster of their own; the parts
/// catalogue they share is <see cref="TestCatalogue"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TrustCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "trust";
}

/// <summary>
/// Who may state which fact (domain.md): 三包 answers rest only on approved facts. A station states what it observed
/// for its own work; warranty, serious safety, safety defects, unit and main-part replacement and recall completion
/// come only from an appraisal whose claim was approved, or from an operator's import, marked as imported. A station
/// delivers only in its own name, records readings only through its work, and cannot push a reading out of reach; an
/// operator corrects a wrong reading, with a reason that is kept. Parts priority is the work order's, not the request's.
/// </summary>
[Collection(TrustCollection.Name)]
public sealed class TrustRulesTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Theory]
    [InlineData("warranty", "true")]
    [InlineData("seriousSafety", "true")]
    [InlineData("safetyDefect", "\"brakeFailure\"")]
    [InlineData("unitReplaced", "true")]
    [InlineData("mainPartsReplaced", "[\"BRK-CAL-FL\"]")]
    [InlineData("excludedHours", "48")]
    [InlineData("recallCampaignId", "\"RC-ANY\"")]
    public async Task AStationsVisit_StatingAnApprovedFact_Is403_AndNothingIsStored(string field, string value)
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        var at = fixture.Clock.GetUtcNow().AddMinutes(-30);
        var body = $$"""{"visitId":"V-{{Token()}}","stationCode":"{{station}}","kind":"repair","agreedAt":"{{at:O}}","completedAt":"{{at.AddMinutes(10):O}}","mileageKm":600,"faultCode":"C0035","system":"brakes","{{field}}":{{value}}}""";

        var problem = await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/vehicles/{vin}/visits", body));

        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items").GetArrayLength());
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(0, warranty.GetProperty("entitlements").GetArrayLength());
    }

    [Fact]
    public async Task AStationReportsItsOwnPlainWork_AndAnOperatorsImportIsMarkedImported()
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        var at = fixture.Clock.GetUtcNow().AddMinutes(-30);
        var plain = $$"""{"visitId":"V-PLAIN","stationCode":"{{station}}","kind":"maintenance","agreedAt":"{{at:O}}","completedAt":"{{at.AddMinutes(10):O}}","mileageKm":600}""";
        var imported = $$"""{"visitId":"V-IMPORT","stationCode":"OLD-DMS","kind":"repair","agreedAt":"{{at.AddMinutes(15):O}}","completedAt":"{{at.AddMinutes(20):O}}","mileageKm":610,"faultCode":"C0035","system":"brakes","warranty":true,"seriousSafety":true}""";

        await ExpectAsync(HttpStatusCode.OK, PostAsync(client, $"/api/vehicles/{vin}/visits", plain));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/visits", imported));

        var history = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items");
        var sources = history.EnumerateArray().ToDictionary(v => v.GetProperty("visit").GetProperty("visitId").GetString()!, v => v.GetProperty("visit").GetProperty("source").GetString());
        Assert.Equal("stationReport", sources["V-PLAIN"]);
        Assert.Equal("imported", sources["V-IMPORT"]);
        var counters = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"))).GetProperty("counters");
        Assert.Equal(1, counters.GetProperty("seriousSafetyRepairs").GetInt32());
    }

    [Fact]
    public async Task AStation_DeliversOnlyInItsOwnName()
    {
        var station = await StationAsync(Http, "Trust" + Token(), 31.2, 121.5);
        using var client = fixture.Api.CreateClient(Roles.Station, station);
        var today = Today();
        async Task<string> ProducedAsync()
        {
            var vin = TestVins.Next();
            await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/vehicles",
                $$"""{"vin":"{{vin}}","model":"Q5","batch":"B9","productionDate":"{{today.AddMonths(-1):yyyy-MM-dd}}","powertrain":"ice","price":300000}"""));
            return vin;
        }

        string Delivery(string dealer) =>
            $$"""{"ownerName":"Wang Fang","ownerPhone":"13900000000","dealerCode":"{{dealer}}","invoiceDate":"{{today:yyyy-MM-dd}}","deliveryDate":"{{today:yyyy-MM-dd}}","odometerKm":5}""";

        var vin = await ProducedAsync();
        var problem = await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/vehicles/{vin}/delivery", Delivery("D-OTHER")));
        Assert.Contains("its own name", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("produced", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("state").GetString());

        var delivered = await ExpectAsync(HttpStatusCode.OK, PostAsync(client, $"/api/vehicles/{vin}/delivery", Delivery(station)));
        Assert.Equal(station, delivered.GetProperty("dealerCode").GetString());
    }

    [Fact]
    public async Task AStation_RecordsReadingsOnlyThroughItsWork_AndCannotPushOneOutOfReach()
    {
        var (station, vin, client) = await StationWithVehicleAsync();

        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/vehicles/{vin}/odometer",
            $$"""{"readingKm":9000000,"readAt":"{{fixture.Clock.GetUtcNow():O}}"}"""));

        // Delivered at 5 km today: 2,005 km is the most a day allows, 10,000,000 km is refused and opens no work order.
        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(client, $"/api/stations/{station}/work-orders",
            $$"""{"vin":"{{vin}}","odometerKm":10000000,"kind":"maintenance","faultCode":"","system":"other"}"""));
        Assert.Contains("not plausible", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}"))).GetProperty("workOrders").GetInt32());
        Assert.Equal(5, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());

        await OpenAsync(client, station, vin, 2_005, kind: "maintenance", fault: "");
        Assert.Equal(2_005, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task AnOperator_LowersAWrongReading_WithAReason_AndTheCorrectionIsKept()
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        await OpenAsync(client, station, vin, 1_950, kind: "maintenance", fault: ""); // meant 195

        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/vehicles/{vin}/odometer-corrections", """{"readingKm":195,"reason":"typo"}"""));
        var above = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/vehicles/{vin}/odometer-corrections", """{"readingKm":1951,"reason":"typo"}"""));
        Assert.True(above.GetProperty("errors").TryGetProperty("readingKm", out _));
        var noReason = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/vehicles/{vin}/odometer-corrections", """{"readingKm":195}"""));
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var unchanged = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"));
        Assert.Equal(1_950, unchanged.GetProperty("odometerKm").GetInt32());
        Assert.False(unchanged.TryGetProperty("odometerCorrections", out var none) && none.ValueKind != JsonValueKind.Null);

        var corrected = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/odometer-corrections",
            """{"readingKm":195,"reason":"Typed 1950 for 195 at the pre-inspection"}"""));

        Assert.Equal(195, corrected.GetProperty("odometerKm").GetInt32());
        var kept = Assert.Single(corrected.GetProperty("odometerCorrections").EnumerateArray());
        Assert.Equal((1_950, 195), (kept.GetProperty("fromKm").GetInt32(), kept.GetProperty("toKm").GetInt32()));
        Assert.Equal("Typed 1950 for 195 at the pre-inspection", kept.GetProperty("reason").GetString());
        Assert.StartsWith("operator:", kept.GetProperty("by").GetString(), StringComparison.Ordinal);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await OpenAsync(client, station, vin, 300, kind: "maintenance", fault: ""); // readings go on from the corrected one
    }

    [Fact]
    public async Task AReservationsPriority_IsItsWorkOrders_NotTheRequests()
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        var depot = "D-" + Token();
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}", """{"name":"Trust depot","province":"Trust","latitude":31.2,"longitude":121.5}"""));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts", $$"""{"lines":[{"partNo":"{{part}}","quantity":10}]}"""));
        var order = await OpenAsync(client, station, vin, 600);
        await MoveAsync(client, station, order, "start");
        string Reserve(string flags) => $$"""{"partNo":"{{part}}","quantity":1,"stationCode":"{{station}}","workOrderId":"{{order}}"{{flags}}}""";

        // No approved claim, not waiting for parts: asserting either priority is refused, and nothing is reserved.
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/depots/{depot}/reservations", Reserve(",\"warranty\":true")));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(client, $"/api/depots/{depot}/reservations", Reserve(",\"urgent\":true")));
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"))).GetProperty("reserved").GetInt32());

        // Once the claim is approved and the car waits for the part, the work order earns both: the request need not say.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(client, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        await MoveAsync(client, station, order, "wait-for-parts");
        var reserved = await ExpectAsync(HttpStatusCode.Created, PostAsync(client, $"/api/depots/{depot}/reservations", Reserve("")));
        Assert.True(reserved.GetProperty("warranty").GetBoolean());
        Assert.True(reserved.GetProperty("urgent").GetBoolean());

        await MoveAsync(client, station, order, "start");
        await MoveAsync(client, station, order, "complete");
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(client, $"/api/depots/{depot}/reservations", Reserve("")));
    }

    [Fact]
    public async Task ARejectedClaim_StatesNothingOnTheVehicle()
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        var order = await OpenAsync(client, station, vin, 600);
        await MoveAsync(client, station, order, "start");
        var misuse = """{"warranty":true,"cause":"misuse","parts":[{"partNo":"BRK-CAL-FL","quantity":1}],"seriousSafety":true,"safetyDefect":"brakeFailure","appraiser":"Wang"}""";

        // A serious safety fault goes to the warranty department even when the rules would reject it; it rejects.
        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(client, $"/api/stations/{station}/work-orders/{order}/appraisal", misuse));
        var claimId = appraised.GetProperty("claim").GetProperty("id").GetString()!;
        Assert.Equal("submitted", appraised.GetProperty("claim").GetProperty("state").GetString());
        await MoveAsync(client, station, order, "complete");
        Assert.False(Assert.Single((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items").EnumerateArray())
            .GetProperty("visit").GetProperty("warranty").GetBoolean()); // in review: not a warranty repair yet
        var rejected = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/claims/{claimId}/reject", """{"note":"Misuse: the owner drove through a flooded road."}"""));
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal("rejected", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"))).GetProperty("claimState").GetString());

        var visit = Assert.Single((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items").EnumerateArray()).GetProperty("visit");
        Assert.False(visit.GetProperty("warranty").GetBoolean());
        Assert.False(visit.GetProperty("seriousSafety").GetBoolean());
        Assert.Equal("none", visit.GetProperty("safetyDefect").GetString());
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Equal(0, warranty.GetProperty("entitlements").GetArrayLength());
        Assert.Equal(0, warranty.GetProperty("counters").GetProperty("seriousSafetyRepairs").GetInt32());
    }

    /// <summary>
    /// Art. 23: a brake failure on day 2 entitles the owner to a replacement or refund free of charge
    /// (销售者应当免费更换、退货). The owner takes it, so the repair is cancelled after the appraisal: the finding stands.
    /// </summary>
    [Fact]
    public async Task ABrakeFailureOnDay2_GivesAFreeArt23Remedy_EvenWhenTheOwnerTakesItInsteadOfTheRepair()
    {
        var (station, vin, client) = await StationWithVehicleAsync();
        fixture.Clock.Advance(TimeSpan.FromDays(2));
        var order = await OpenAsync(client, station, vin, 150);
        await MoveAsync(client, station, order, "start");
        await ApproveClaimAsync(Http, await ExpectAsync(HttpStatusCode.OK, PostAsync(client, $"/api/stations/{station}/work-orders/{order}/appraisal",
            """{"warranty":true,"cause":"defect","parts":[{"partNo":"BRK-CAL-FL","quantity":1}],"seriousSafety":true,"safetyDefect":"brakeFailure","appraiser":"Wang"}""")));

        var running = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        var art23 = running.GetProperty("entitlements").EnumerateArray().Single(e => e.GetProperty("article").GetString() == "Art. 23");
        Assert.Equal("granted", art23.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, art23.GetProperty("usageCompensation").ValueKind);
        Assert.Contains("free of charge", art23.GetProperty("reason").GetString(), StringComparison.Ordinal);

        await MoveAsync(client, station, order, "cancel");

        var visit = Assert.Single((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items").EnumerateArray()).GetProperty("visit");
        Assert.True(visit.GetProperty("cancelled").GetBoolean());
        var after = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        Assert.Contains(after.GetProperty("entitlements").EnumerateArray(), e => e.GetProperty("article").GetString() == "Art. 23");
        Assert.Equal(0, after.GetProperty("counters").GetProperty("seriousSafetyRepairs").GetInt32()); // no repair was carried out
    }

    private async Task<(string Station, string Vin, HttpClient Client)> StationWithVehicleAsync()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var station = await StationAsync(Http, "Trust" + Token(), 31.2, 121.5);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, Today());
        return (station, vin, fixture.Api.CreateClient(Roles.Station, station));
    }

    private DateOnly Today() => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
}
