using System.Globalization;
using System.Net;
using System.Text.Json;
using AfterSales.Api.Http;
using AfterSales.Integration.Tests.Complaints;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reports;

/// <summary>
/// GET /api/reports/complaints/{yyyy-MM}: complaints of the month by category, station and SLA clock breached, checked
/// against a brute-force count over complaints the test registered, some of them breaching clocks on the fake business
/// clock (so a breach recorded later must update the counts) and some closed (final contributions). The complaint
/// tests' cluster is used because it is the one whose clock may move.
/// </summary>
[Collection(ComplaintsCollection.Name)]
public sealed class ComplaintsReportTests(ClusterFixture fixture)
{
    private static readonly string[] Categories = ["productQuality", "service", "parts", "attitude", "other"];

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task MonthlyReport_MatchesABruteForceCount_AndPagesStationsByCode()
    {
        var random = new Random(20261206);
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();

        // Stations 400–580 km north of the test's area: far from every other test's stations and complaints (their
        // complaints are at most 150 km from their own area), so each complaint below goes to the station it was put next to.
        var stations = new List<(string Code, double Latitude, double Longitude)>();
        for (var k = 0; k < 4; k++)
        {
            var (sLat, sLon) = North(lat, lon, 400 + 60 * k);
            stations.Add((await StationAsync(Http, province, sLat, sLon), sLat, sLon));
        }

        var month = fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var before = await ReportAsync(month, 500);

        var plans = Enumerable.Range(0, 24).Select(_ => new
        {
            Station = stations[random.Next(stations.Count)],
            // 0: a service request (dispatched to the nearest station); 1: a complaint about a station; 2: a complaint naming
            // no station and no vehicle, which waits in the call centre's queue.
            Kind = random.Next(3),
            Category = Categories[random.Next(Categories.Length)],
            RespondEarly = random.NextDouble() < 0.5,
            ArriveEarly = random.NextDouble() < 0.5,
            Close = random.NextDouble() < 0.5,
        }).ToList();

        var ids = new string[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            var (cLat, cLon) = North(p.Station.Latitude, p.Station.Longitude, 5);
            var body = System.Text.Json.Nodes.JsonNode.Parse(Body(cLat, cLon, category: p.Category))!.AsObject();
            if (p.Kind > 0)
            {
                body["kind"] = "complaint";
                body.Remove("vin");
                if (p.Kind == 1)
                {
                    body["aboutStation"] = p.Station.Code;
                }
            }

            var created = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", body.ToJsonString()));
            Assert.Equal(p.Kind == 2 ? "" : p.Station.Code, created.GetProperty("stationCode").GetString());
            Assert.Equal(month, created.GetProperty("registeredAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture));
            ids[i] = created.GetProperty("id").GetString()!;
        }

        // Respond (due 30 min) early or late: a late one breaches on the grain's own timer.
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var i in Enumerable.Range(0, plans.Count).Where(i => plans[i].RespondEarly))
        {
            await StepAsync(Http, ids[i], "respond");
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(21));
        foreach (var i in Enumerable.Range(0, plans.Count).Where(i => !plans[i].RespondEarly))
        {
            await AwaitBreachesAsync(fixture.Logs, Http, ids[i], 1);
            await StepAsync(Http, ids[i], "respond");
        }

        // Arrive (due 4 h) early, and close some of those (a final contribution); the others breach the arrive clock.
        foreach (var i in Enumerable.Range(0, plans.Count).Where(i => plans[i].ArriveEarly))
        {
            await StepAsync(Http, ids[i], "arrive");
            if (plans[i].Close)
            {
                await StepAsync(Http, ids[i], "plan", Plan());
                await StepAsync(Http, ids[i], "resolve");
                await StepAsync(Http, ids[i], "callback", Callback(true, 4));
            }
        }

        // Only a service request has an on-site clock to breach.
        fixture.Clock.Advance(TimeSpan.FromHours(4));
        foreach (var i in Enumerable.Range(0, plans.Count).Where(i => !plans[i].ArriveEarly && plans[i].Kind == 0))
        {
            var card = await AwaitBreachesAsync(fixture.Logs, Http, ids[i], plans[i].RespondEarly ? 1 : 2);
            Assert.Contains("arrive", Breaches(card));
        }

        // The brute-force count.
        var expected = stations.ToDictionary(s => s.Code, s =>
        {
            var mine = plans.Where(p => p.Station.Code == s.Code && p.Kind < 2).ToList();
            var breaches = new SortedDictionary<string, long>(StringComparer.Ordinal)
            {
                ["respond"] = mine.Count(p => !p.RespondEarly),
                ["arrive"] = mine.Count(p => !p.ArriveEarly && p.Kind == 0),
            };
            return (Complaints: (long)mine.Count,
                ByCategory: Only(mine.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => (long)g.Count())),
                Breaches: Only(breaches));
        });

        var report = await ReportAsync(month, 500);
        Assert.Equal(month, report.GetProperty("month").GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("nextCursor").ValueKind);
        var rows = report.GetProperty("stations").EnumerateArray().ToList();
        foreach (var (code, (complaints, byCategory, breaches)) in expected)
        {
            var row = Assert.Single(rows, r => r.GetProperty("stationCode").GetString() == code);
            Assert.Equal(complaints, row.GetProperty("complaints").GetInt64());
            Assert.Equal(byCategory, Map(row, "byCategory"));
            Assert.Equal(breaches, Map(row, "breaches"));
        }

        // The cards in the call centre's queue count at no station, in the report's own queued row.
        var queued = report.GetProperty("queued");
        var queuedBefore = before.GetProperty("queued");
        var inQueue = plans.Where(p => p.Kind == 2).ToList();
        Assert.Equal(inQueue.Count, queued.GetProperty("complaints").GetInt64() - queuedBefore.GetProperty("complaints").GetInt64());
        foreach (var category in Categories)
        {
            Assert.Equal(inQueue.Count(p => p.Category == category), Map(queued, "byCategory").GetValueOrDefault(category) - Map(queuedBefore, "byCategory").GetValueOrDefault(category));
        }

        Assert.Equal(inQueue.Count(p => !p.RespondEarly), Map(queued, "breaches").GetValueOrDefault("respond") - Map(queuedBefore, "breaches").GetValueOrDefault("respond"));
        Assert.Equal(plans.Count(p => p.Kind == 0), Map(report, "byKind").GetValueOrDefault("serviceRequest") - Map(before, "byKind").GetValueOrDefault("serviceRequest"));
        Assert.Equal(plans.Count(p => p.Kind > 0), Map(report, "byKind").GetValueOrDefault("complaint") - Map(before, "byKind").GetValueOrDefault("complaint"));

        // The totals are the whole month's: the sum of every station's row and the queue's, and this test's cards more than before.
        Assert.Equal(rows.Sum(r => r.GetProperty("complaints").GetInt64()) + queued.GetProperty("complaints").GetInt64(), report.GetProperty("complaints").GetInt64());
        Assert.Equal(Add(Sum(rows, "byCategory"), Map(queued, "byCategory")), Map(report, "byCategory"));
        Assert.Equal(Add(Sum(rows, "breaches"), Map(queued, "breaches")), Map(report, "byClock"));
        Assert.Equal(plans.Count, report.GetProperty("complaints").GetInt64() - before.GetProperty("complaints").GetInt64());
        foreach (var category in Categories)
        {
            Assert.Equal(plans.Count(p => p.Category == category), Map(report, "byCategory").GetValueOrDefault(category) - Map(before, "byCategory").GetValueOrDefault(category));
        }

        // Paging with a small limit: every station exactly once, in code order, the totals on every page.
        var walked = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ReportAsync(month, 2, cursor);
            var codes = page.GetProperty("stations").EnumerateArray().Select(r => r.GetProperty("stationCode").GetString()!).ToList();
            Assert.InRange(codes.Count, 1, 2);
            Assert.True(page.TryGetProperty("complaints", out _) && page.TryGetProperty("byClock", out _));
            foreach (var row in page.GetProperty("stations").EnumerateArray().Where(r => expected.ContainsKey(r.GetProperty("stationCode").GetString()!)))
            {
                Assert.Equal(expected[row.GetProperty("stationCode").GetString()!].Complaints, row.GetProperty("complaints").GetInt64());
            }

            walked.AddRange(codes);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(rows.Select(r => r.GetProperty("stationCode").GetString()!).Order(StringComparer.Ordinal), walked);
        Assert.Equal(walked.Distinct().Count(), walked.Count);
        Assert.True(walked.SequenceEqual(walked.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-4")]
    [InlineData("june")]
    public async Task ABadMonth_Is400NamingIt(string month)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/complaints/{month}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("month", out _));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=", "cursor")]
    public async Task ABadLimitOrCursor_Is400NamingIt(string query, string field)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/complaints/2026-06?{query}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AnotherListsCursor_Is400NamingTheCursor()
    {
        var foreign = Paging.Cursor("visit:123");
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/complaints/2026-06?cursor={foreign}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    private async Task<JsonElement> ReportAsync(string month, int limit, string? cursor = null) =>
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/reports/complaints/{month}?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));

    private static SortedDictionary<string, long> Map(JsonElement element, string property) =>
        new(element.GetProperty(property).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), StringComparer.Ordinal);

    private static SortedDictionary<string, long> Sum(IEnumerable<JsonElement> rows, string property) =>
        new(rows.SelectMany(r => Map(r, property)).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value)), StringComparer.Ordinal);

    private static SortedDictionary<string, long> Add(SortedDictionary<string, long> a, SortedDictionary<string, long> b) =>
        new(a.Concat(b).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value)), StringComparer.Ordinal);

    /// <summary>The non-zero entries (the report leaves zero counts out).</summary>
    private static SortedDictionary<string, long> Only(IDictionary<string, long> counts) =>
        new(counts.Where(c => c.Value != 0).ToDictionary(c => c.Key, c => c.Value), StringComparer.Ordinal);
}
