using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Claims;

/// <summary>
/// GET /api/stations/{code}/settlements/{yyyy-MM} is paged (api.md: limit, default 50, max 500, and an opaque cursor):
/// the month's lines are the claims, then the chargebacks, each by line id; a page holds up to <c>limit</c> of them
/// split back into <c>claims</c> and <c>chargebacks</c>, while <c>totals</c> and <c>closed</c> are the whole month's.
/// </summary>
[Collection(ClaimsCollection.Name)]
public sealed class SettlementPagingTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task WalkingThePages_YieldsEveryLineOnceInOrder_WithTheWholeMonthsTotalsOnEveryPage()
    {
        await ClaimFlowTests.EnsurePricedCatalogueAsync(Http);
        var province = "ClaimsPg" + Token();
        var failed = await StationAsync(Http, province, 30.5, 114.3, bays: 20);
        var repairing = await StationAsync(Http, province, 30.6, 114.2, bays: 20);
        var claims = new List<string>();

        // Three repairs at the first station that do not hold, each repaired again at the second (one vehicle each):
        // the first station gets three claims and three chargebacks, the second three claims and three recoveries.
        for (var i = 0; i < 3; i++)
        {
            var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20));
            claims.Add(await RepairAsync(failed, vin, 1_000, $"PG-{i}", ClaimFlowTests.Appraisal()));
            await RepairAsync(repairing, vin, 1_100, $"PG-{i}", ClaimFlowTests.Appraisal());
        }

        // Two more claims at the first station: five claims and three chargebacks in all.
        for (var i = 0; i < 2; i++)
        {
            var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20));
            claims.Add(await RepairAsync(failed, vin, 1_000, $"PG-E{i}", ClaimFlowTests.Appraisal(part: "EL-HARNESS", operation: "EL-DIAG")));
        }

        var month = ClaimFlowTests.BeijingMonth(fixture.Clock.GetUtcNow());
        var whole = await PageAsync(failed, month, "?limit=500");
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("nextCursor").ValueKind);
        var claimLines = Ids(whole, "claims");
        var chargebackLines = Ids(whole, "chargebacks");
        Assert.Equal(claims.Select(c => "claim:" + c).Order(StringComparer.Ordinal), claimLines);
        Assert.Equal(3, chargebackLines.Count);
        Assert.Equal(chargebackLines.Order(StringComparer.Ordinal), chargebackLines);
        Assert.Equal(5, whole.GetProperty("totals").GetProperty("claims").GetInt32());
        Assert.Equal(3, whole.GetProperty("totals").GetProperty("chargebacks").GetInt32());

        // The default page holds all eight lines.
        Assert.Equal(whole.GetRawText(), (await PageAsync(failed, month, "")).GetRawText());

        // Every page size from 1 to past the end: each line once, claims first, each list by id; a page boundary falls
        // inside the claims, between the lists and inside the chargebacks.
        var expected = claimLines.Select(id => ("claims", id)).Concat(chargebackLines.Select(id => ("chargebacks", id))).ToList();
        for (var limit = 1; limit <= 9; limit++)
        {
            var pages = await WalkAsync(failed, month, limit);
            Assert.Equal(expected, pages.SelectMany(p => Ids(p, "claims").Select(id => ("claims", id)).Concat(Ids(p, "chargebacks").Select(id => ("chargebacks", id)))).ToList());
            Assert.Equal((expected.Count + limit - 1) / limit, pages.Count);
            Assert.All(pages[..^1], p => Assert.Equal(limit, Ids(p, "claims").Count + Ids(p, "chargebacks").Count));
            Assert.All(pages, p =>
            {
                Assert.Equal(whole.GetProperty("totals").GetRawText(), p.GetProperty("totals").GetRawText());
                Assert.False(p.GetProperty("closed").GetBoolean());
                Assert.Equal(failed, p.GetProperty("stationCode").GetString());
                Assert.Equal(month, p.GetProperty("month").GetString());
            });
        }

        // The station that repaired the comebacks: three claims, then three recoveries, two to a page.
        var other = await WalkAsync(repairing, month, 2);
        Assert.Equal([2, 1, 0], other.Select(p => Ids(p, "claims").Count));
        Assert.Equal([0, 1, 2], other.Select(p => Ids(p, "chargebacks").Count));
        Assert.All(other.SelectMany(p => p.GetProperty("chargebacks").EnumerateArray()), l => Assert.Equal("recoveredFromOther", l.GetProperty("kind").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=x", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=", "cursor")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("cursor=!!!", "cursor")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task ABadLimitOrCursor_IsA400NamingIt(string query, string field)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/S-PG-NONE/settlements/2026-06?{query}"));
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        var message = errors.GetProperty(field)[0].GetString();
        Assert.Equal(
            field == "limit" ? "limit must be a whole number from 1 to 500."
                : query == "cursor=" ? "cursor must be the nextCursor of a previous page." : "cursor is not one this statement gave; start again without it.",
            message);
    }

    [Fact]
    public async Task ACursorOfTheStationGradesReport_IsNotAStatementsCursor()
    {
        var month = ClaimFlowTests.BeijingMonth(fixture.Clock.GetUtcNow());
        for (var i = 0; i < 2; i++)
        {
            await StationAsync(Http, "ClaimsPgR" + Token(), 30.5, 114.3);
        }

        var grades = await Eventually.UntilAsync(
            () => ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/reports/stations/{month}?limit=1")),
            g => g.GetProperty("nextCursor").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30), "a second page of station grades");
        var cursor = grades.GetProperty("nextCursor").GetString()!;
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/stations/S-PG-NONE/settlements/{month}?cursor={cursor}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    /// <summary>A warranty repair of <paramref name="fault"/>, appraised (a clear claim, approved at once) and completed; its claim id.</summary>
    private async Task<string> RepairAsync(string station, string vin, int km, string fault, string appraisal)
    {
        var order = await OpenAsync(Http, station, vin, km, fault: fault);
        await MoveAsync(Http, station, order, "start");
        var claim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", appraisal))).GetProperty("claim");
        Assert.Equal("approved", claim.GetProperty("state").GetString());
        await MoveAsync(Http, station, order, "complete");
        return claim.GetProperty("id").GetString()!;
    }

    private Task<JsonElement> PageAsync(string station, string month, string query) =>
        ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/settlements/{month}{query}"));

    /// <summary>Every page of the statement at <paramref name="limit"/> lines a page, the last one's nextCursor null.</summary>
    private async Task<List<JsonElement>> WalkAsync(string station, string month, int limit)
    {
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await PageAsync(station, month, $"?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.Add(page);
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            Assert.True(pages.Count <= 100, "the pages do not end");
        }
        while (cursor is not null);

        return pages;
    }

    private static List<string> Ids(JsonElement page, string list) =>
        [.. page.GetProperty(list).EnumerateArray().Select(l => l.GetProperty("id").GetString()!)];
}
