using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Claims;

/// <summary>
/// The claims tests get a cluster of their own: they load a pricing catalogue (every claim of the cluster is then
/// priced) and move the business clock across month ends.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClaimsCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "claims";
}

/// <summary>
/// Claims with money (issue 17): pricing from the catalogue version in force on the repair date, the warranty
/// department's review queue, settlement statements per station and month, chargebacks of comebacks, warranty cost.
/// Business time starts 2026-06-01 10:00 Beijing.
/// </summary>
[Collection(ClaimsCollection.Name)]
public sealed class ClaimFlowTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    /// <summary>The pricing catalogue: version 1 from 2026-01-01, version 2 from 2026-07-01 (dearer caliper, faster operation).</summary>
    internal static object PricedVersion(decimal caliper, decimal hours) => new
    {
        parts = new object[]
        {
            new { partNo = "BRK-CAL-FL", name = "Front-left brake caliper", system = "brakes", price = caliper, supplier = "Brembo" },
            new { partNo = "BRK-PAD-F", name = "Front brake pads", system = "brakes", price = 120.50m, supplier = "Bosch" },
            new { partNo = "ENG-CRANK", name = "Crankshaft", system = "engine", price = 4_800m, supplier = "Weichai" },
            new { partNo = "EL-HARNESS", name = "Wiring harness", system = "electrical", price = 650m },
        },
        mainParts = new Dictionary<string, string[]> { ["brakes"] = ["BRK-CAL-FL"], ["engine"] = ["ENG-CRANK"] },
        labourOperations = new object[]
        {
            new { code = "BRK-CAL-R", name = "Replace brake caliper", system = "brakes", hours },
            new { code = "ENG-CRANK-R", name = "Replace crankshaft", system = "engine", hours = 12m },
            new { code = "EL-DIAG", name = "Electrical diagnosis", system = "electrical", hours = 0.5m },
        },
        labourRates = new { @default = 80m, provinces = new Dictionary<string, decimal> { ["ClaimsPricey"] = 100m } },
    };

    internal static async Task EnsurePricedCatalogueAsync(HttpClient http)
    {
        foreach (var (from, version) in new[] { ("2026-01-01", PricedVersion(800m, 1.5m)), ("2026-07-01", PricedVersion(880m, 1.2m)) })
        {
            using var response = await http.PutAsJsonAsync($"/api/catalogue/versions/{from}", version);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    internal static string Appraisal(string part = "BRK-CAL-FL", int quantity = 1, string operation = "BRK-CAL-R", bool unclear = false, bool seriousSafety = false, string cause = "defect") =>
        JsonSerializer.Serialize(new
        {
            warranty = true, cause, parts = new[] { new { partNo = part, quantity } }, operations = new[] { new { code = operation, quantity = 1 } },
            seriousSafety, unclear, appraiser = "Wang",
        });

    [Fact]
    public async Task AWarrantyRepair_IsPricedReviewedAndSettled_AndOnlyTheApprovalMovesTheVehiclesCounters()
    {
        await EnsurePricedCatalogueAsync(Http);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20), model: "Q7");
        var station = await StationAsync(Http, "ClaimsPricey", 30.5, 114.3);
        var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        var warrantyClient = fixture.Api.CreateClient(Roles.Warranty);
        var otherStation = fixture.Api.CreateClient(Roles.Station, "SOMEONE-ELSE");

        // A clear case: priced from the version in force on the repair date at the province's rate, approved at once.
        var (caliper, hours, version) = PricesToday();
        var month = BeijingMonth(fixture.Clock.GetUtcNow());
        var clear = await OpenAsync(stationClient, station, vin, 900);
        await MoveAsync(stationClient, station, clear, "start");
        var clearClaim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/stations/{station}/work-orders/{clear}/appraisal", Appraisal())))
            .GetProperty("claim");
        Assert.Equal("approved", clearClaim.GetProperty("state").GetString());
        AssertAmount(clearClaim, labour: hours * 100m, parts: caliper); // hours × the province's 100 CNY; one caliper
        Assert.Equal(version, clearClaim.GetProperty("pricing").GetProperty("catalogueVersion").GetString());

        // A line the catalogue does not list is a 400 naming it, and nothing is filed.
        var wrong = await OpenAsync(stationClient, station, vin, 950, fault: "EL-1", system: "electrical");
        var refused = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(stationClient, $"/api/stations/{station}/work-orders/{wrong}/appraisal",
            Appraisal(part: "NOT-A-PART", operation: "EL-DIAG")));
        Assert.True(refused.GetProperty("errors").TryGetProperty("parts[0].partNo", out _), refused.ToString());
        var untouched = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/work-orders/{wrong}"));
        Assert.False(untouched.TryGetProperty("claimId", out var none) && none.ValueKind != JsonValueKind.Null, untouched.ToString());

        // An unclear case waits in the review queue; nothing counts on the vehicle while it does.
        var unclear = await OpenAsync(stationClient, station, vin, 1000, fault: "ENG-9", system: "engine");
        await MoveAsync(stationClient, station, unclear, "start");
        var submitted = (await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/stations/{station}/work-orders/{unclear}/appraisal",
            Appraisal(part: "ENG-CRANK", operation: "ENG-CRANK-R", unclear: true)))).GetProperty("claim");
        var claimId = submitted.GetProperty("id").GetString()!;
        Assert.Equal("submitted", submitted.GetProperty("state").GetString());
        Assert.Contains("unclear", submitted.GetProperty("reviewReasons")[0].GetString(), StringComparison.Ordinal);
        AssertAmount(submitted, labour: 1_200m, parts: 4_800m);
        var queue = await ExpectAsync(HttpStatusCode.OK, GetAsync(warrantyClient, "/api/claims/review-queue"));
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), e => e.GetProperty("claimId").GetString() == claimId);
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(stationClient, "/api/claims/review-queue"));
        await MoveAsync(stationClient, station, unclear, "complete");
        Assert.Equal(0, MainPartReplacements(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"))));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(stationClient, $"/api/stations/{station}/work-orders/{unclear}/settle"));

        // Roles: a station cannot decide; another station can neither read nor answer the claim.
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stationClient, $"/api/claims/{claimId}/approve", "{}"));
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(otherStation, $"/api/claims/{claimId}"));

        // The department asks, the station answers, the claim is back in the queue; answering twice is a 409 naming what is allowed.
        var asked = await ExpectAsync(HttpStatusCode.OK, PostAsync(warrantyClient, $"/api/claims/{claimId}/request-information", """{"note":"Photo of the crankshaft journal, please."}"""));
        Assert.Equal("needsInformation", asked.GetProperty("state").GetString());
        Assert.DoesNotContain((await ExpectAsync(HttpStatusCode.OK, GetAsync(warrantyClient, "/api/claims/review-queue"))).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("claimId").GetString() == claimId);
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(otherStation, $"/api/claims/{claimId}/answer", """{"note":"not mine"}"""));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(stationClient, $"/api/claims/{claimId}/answer", """{"note":"Uploaded as WO attachment 3."}"""));
        var again = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(stationClient, $"/api/claims/{claimId}/answer", """{"note":"again"}"""));
        Assert.Contains("allowed: approve, reject, request-information", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains((await ExpectAsync(HttpStatusCode.OK, GetAsync(warrantyClient, "/api/claims/review-queue"))).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("claimId").GetString() == claimId);

        // Approved (a retry with the same key answers the same): the vehicle counts the main part now, the work order follows.
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api/claims/{claimId}/approve") { Content = JsonContent.Create(new { note = "Journal scoring confirmed." }) };
        approve.Headers.Add("Idempotency-Key", "approve-" + claimId);
        Assert.Equal(HttpStatusCode.OK, (await warrantyClient.SendAsync(approve)).StatusCode);
        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/api/claims/{claimId}/approve") { Content = JsonContent.Create(new { note = "Journal scoring confirmed." }) };
        retry.Headers.Add("Idempotency-Key", "approve-" + claimId);
        Assert.Equal(HttpStatusCode.OK, (await warrantyClient.SendAsync(retry)).StatusCode);
        var decided = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/claims/{claimId}"));
        Assert.Equal("approved", decided.GetProperty("state").GetString());
        var decisions = decided.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(["requestInformation", "answer", "approve"], decisions.Select(d => d.GetProperty("action").GetString()!).ToArray());
        Assert.StartsWith("warranty:", decisions[2].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal($"station:{station}", decisions[1].GetProperty("actor").GetString());
        Assert.Equal("approved", (await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/work-orders/{unclear}"))).GetProperty("claimState").GetString());
        Assert.Equal(1, MainPartReplacements(await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"))));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(warrantyClient, $"/api/claims/{claimId}/reject", """{"note":"too late"}"""));
        await MoveAsync(stationClient, station, unclear, "settle");

        // The month's statement: both claims, with totals; another station may not read it.
        var total = hours * 100m + caliper + 1_200m + 4_800m;
        var statement = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/settlements/{month}"));
        Assert.Equal(2, statement.GetProperty("claims").GetArrayLength());
        Assert.Equal(total, statement.GetProperty("totals").GetProperty("payable").GetDecimal());
        Assert.False(statement.GetProperty("closed").GetBoolean());
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(otherStation, $"/api/stations/{station}/settlements/{month}"));

        // Warranty cost of the month, as the approvals happened: by model, component and supplier (defective parts recovered).
        var cost = await ExpectAsync(HttpStatusCode.OK, GetAsync(warrantyClient, $"/api/reports/warranty-cost/{month}"));
        Assert.True(cost.GetProperty("total").GetDecimal() >= total);
        Assert.Contains(cost.GetProperty("byModel").EnumerateArray(), m => m.GetProperty("name").GetString() == "Q7" && m.GetProperty("total").GetDecimal() == total);
        Assert.Contains(cost.GetProperty("bySupplier").EnumerateArray(), s => s.GetProperty("supplier").GetString() == "Weichai" && s.GetProperty("recovery").GetDecimal() >= 4_800m);
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(stationClient, $"/api/reports/warranty-cost/{month}"));
    }

    [Fact]
    public async Task AMonthIsClosedOnceItIsOver_AndALateApprovalGoesToTheNextOpenMonth()
    {
        await EnsurePricedCatalogueAsync(Http);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20));
        var station = await StationAsync(Http, "ClaimsClose" + Token(), 30.5, 114.3);
        var month = BeijingMonth(fixture.Clock.GetUtcNow());

        // Repaired this month, unclear: it waits.
        var (caliper, hours, _) = PricesToday();
        var order = await OpenAsync(Http, station, vin, 1_000);
        await MoveAsync(Http, station, order, "start");
        var claim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal(unclear: true))))
            .GetProperty("claim").GetProperty("id").GetString()!;
        var notOver = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/settlements/{month}/close"));
        Assert.Contains("not over yet", notOver.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The month ends and is closed (frozen, empty); the claim approved afterwards goes to the next month.
        var nextMonthStart = FirstOfNextMonthBeijing(fixture.Clock.GetUtcNow());
        fixture.Clock.Advance(nextMonthStart - fixture.Clock.GetUtcNow() + TimeSpan.FromHours(1));
        var closed = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/settlements/{month}/close"));
        Assert.True(closed.GetProperty("closed").GetBoolean());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/settlements/{month}/close"));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/claims/{claim}/approve", "{}"));

        var frozen = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/settlements/{month}"));
        Assert.Equal(0, frozen.GetProperty("claims").GetArrayLength());
        Assert.Equal(0m, frozen.GetProperty("totals").GetProperty("payable").GetDecimal());
        var next = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/settlements/{BeijingMonth(fixture.Clock.GetUtcNow())}"));
        var line = Assert.Single(next.GetProperty("claims").EnumerateArray());
        Assert.Equal(claim, line.GetProperty("claimId").GetString());
        Assert.Equal(caliper + hours * 80m, next.GetProperty("totals").GetProperty("payable").GetDecimal()); // priced on its repair date
    }

    /// <summary>
    /// A comeback inside the repair-quality guarantee (seed 002: the same fault within 10 days / 2,000 km of a minor
    /// repair) is repaired at another station under an approved claim; its cost is charged back to the station whose
    /// repair failed, and shows on both statements.
    /// </summary>
    [Fact]
    public async Task AComebackInsideTheGuarantee_IsChargedBackToTheStationWhoseRepairFailed()
    {
        await EnsurePricedCatalogueAsync(Http);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20));
        var province = "ClaimsCb" + Token();
        var failed = await StationAsync(Http, province, 30.5, 114.3);
        var repairing = await StationAsync(Http, province, 30.6, 114.2);

        var first = await OpenAsync(Http, failed, vin, 1_000, fault: "BRK-77");
        await MoveAsync(Http, failed, first, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{failed}/work-orders/{first}/appraisal", Appraisal()));
        await MoveAsync(Http, failed, first, "complete");

        fixture.Clock.Advance(TimeSpan.FromDays(3));
        var comeback = await OpenAsync(Http, repairing, vin, 1_300, fault: "BRK-77");
        await MoveAsync(Http, repairing, comeback, "start");
        var claim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{repairing}/work-orders/{comeback}/appraisal", Appraisal())))
            .GetProperty("claim");
        Assert.Equal("approved", claim.GetProperty("state").GetString());
        var amount = claim.GetProperty("amount").GetProperty("total").GetDecimal();
        await MoveAsync(Http, repairing, comeback, "complete");

        var month = BeijingMonth(fixture.Clock.GetUtcNow());
        var failedStatement = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{failed}/settlements/{month}"));
        var chargeback = Assert.Single(failedStatement.GetProperty("chargebacks").EnumerateArray());
        Assert.Equal("chargedBack", chargeback.GetProperty("kind").GetString());
        Assert.Equal(repairing, chargeback.GetProperty("otherStation").GetString());
        Assert.Equal(amount, failedStatement.GetProperty("totals").GetProperty("chargedBack").GetDecimal());
        Assert.Equal(failedStatement.GetProperty("totals").GetProperty("claimsAmount").GetProperty("total").GetDecimal() - amount,
            failedStatement.GetProperty("totals").GetProperty("payable").GetDecimal());
        var repairingStatement = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{repairing}/settlements/{month}"));
        var recovered = Assert.Single(repairingStatement.GetProperty("chargebacks").EnumerateArray());
        Assert.Equal("recoveredFromOther", recovered.GetProperty("kind").GetString());
        Assert.Equal(failed, recovered.GetProperty("otherStation").GetString());
        Assert.Equal(amount, repairingStatement.GetProperty("totals").GetProperty("payable").GetDecimal());
    }

    /// <summary>The caliper's price, the caliper operation's hours and the catalogue version in force today (the clock moves across 2026-07-01).</summary>
    private (decimal Caliper, decimal Hours, string Version) PricesToday() =>
        fixture.Clock.GetUtcNow() >= new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)) ? (880m, 1.2m, "2026-07-01") : (800m, 1.5m, "2026-01-01");

    private static void AssertAmount(JsonElement claim, decimal labour, decimal parts)
    {
        var amount = claim.GetProperty("amount");
        Assert.Equal((labour, parts, labour + parts), (amount.GetProperty("labour").GetDecimal(), amount.GetProperty("parts").GetDecimal(), amount.GetProperty("total").GetDecimal()));
    }

    private static int MainPartReplacements(JsonElement warranty) =>
        warranty.GetProperty("counters").GetProperty("mainPartReplacements").TryGetProperty("ENG-CRANK", out var n) ? n.GetInt32() : 0;

    internal static string BeijingMonth(DateTimeOffset instant) => instant.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    internal static DateTimeOffset FirstOfNextMonthBeijing(DateTimeOffset instant)
    {
        var local = instant.ToOffset(TimeSpan.FromHours(8));
        return new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, TimeSpan.FromHours(8)).AddMonths(1);
    }
}
