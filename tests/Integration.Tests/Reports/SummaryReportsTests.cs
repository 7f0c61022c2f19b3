using System.Net;
using System.Text.Json;
using AfterSales.Api.Http;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reports;

/// <summary>
/// A cluster whose business clock starts a minute before the end of Sunday 27 December 2026 in Beijing (the last
/// minute of ISO week 2026-W52): the summary tests move it across a week boundary and a year boundary, which no other
/// collection should see.
/// </summary>
public sealed class SummariesFixture : ClusterFixture
{
    public SummariesFixture() => Clock.SetUtcNow(new DateTimeOffset(2026, 12, 27, 15, 59, 0, TimeSpan.Zero));
}

[CollectionDefinition(Name)]
public sealed class SummariesCollection : ICollectionFixture<SummariesFixture>
{
    public const string Name = "summaries";
}

/// <summary>
/// GET /api/reports/summaries/weekly/{yyyy-Www} and /annual/{yyyy} (seed 002 §6.3.2: 周度、年度服务数据分析): random work
/// orders (repairs, maintenance, recall work, comebacks), surveys and cards at four instants either side of a week
/// boundary (Sunday 23:59:59 and Monday 00:00:00, +08:00) and of a year boundary inside one ISO week (Thursday 31
/// December 23:59:59 and Friday 1 January 00:00:00, both in 2026-W53), checked against a direct count over the
/// generated events: every event counts in the week and year of the business date that puts it in its month
/// (completion, registration), however late its survey is answered or its breach recorded.
/// </summary>
[Collection(SummariesCollection.Name)]
public sealed class SummaryReportsTests(SummariesFixture fixture)
{
    private static readonly string[] Categories = ["productQuality", "service", "parts", "attitude", "other"];

    private static readonly (string Fault, string System)[] Faults = [("BRK-101", "brakes"), ("EL-7", "electrical")];

    /// <summary>The four instants (UTC) and the week and year each belongs to.</summary>
    private static readonly (DateTimeOffset At, string Week, string Year)[] Phases =
    [
        (new(2026, 12, 27, 15, 59, 59, TimeSpan.Zero), "2026-W52", "2026"), // Sunday 23:59:59 +08:00
        (new(2026, 12, 27, 16, 0, 0, TimeSpan.Zero), "2026-W53", "2026"), // Monday 00:00:00 +08:00
        (new(2026, 12, 31, 15, 59, 59, TimeSpan.Zero), "2026-W53", "2026"), // Thursday 31 December 23:59:59 +08:00
        (new(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), "2026-W53", "2027"), // Friday 1 January 00:00:00 +08:00
    ];

    private static readonly string[] ServiceFields =
        ["completedWorkOrders", "recallsCompleted", "comebacks", "serviceRequests", "complaints", "slaBreaches", "surveysDue", "surveysAnswered", "surveysNoAnswer"];

    private HttpClient Http => fixture.Http;

    private sealed record Count(int Phase, string Station, string Counter, long Value);

    private sealed record Card(int Phase, string Id, string Station, bool Complaint, string Category, bool Late);

    private sealed record Repair(int Phase, string Model, string Component, string Fault);

    [Fact]
    public async Task WeeklyAndAnnualSummaries_MatchADirectCount_AcrossAWeekAndAYearBoundary()
    {
        var random = new Random(20261227);
        var tag = Token();
        var province = "SUM" + tag;
        var stations = new List<(string Code, double Latitude, double Longitude)>();
        for (var i = 0; i < 5; i++)
        {
            var (lat, lon) = (24.0 + i, 100.0 + i);
            stations.Add((await StationAsync(Http, province, lat, lon, bays: 50), lat, lon));
        }

        var vehicles = new List<(string Vin, string Model)>();
        for (var i = 0; i < 6; i++)
        {
            var model = i % 2 == 0 ? "Q5" : "Q7";
            vehicles.Add((await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 6, 1), model: model), model));
        }

        // Two more vehicles for recall work, one recalled in each year.
        var recalled = new List<string> { await DeliveredVehicleAsync(Http), await DeliveredVehicleAsync(Http) };
        var campaign = "SUMR-" + tag;
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", JsonSerializer.Serialize(new
        {
            campaignId = campaign, description = "Wiper motor", models = Array.Empty<string>(), batches = Array.Empty<string>(), vins = recalled, remedy = "Replace the motor",
        })));

        var counts = new List<Count>();
        var cards = new List<Card>();
        var repairs = new List<Repair>();
        var orders = new List<(int Phase, string Id, string Station)>();
        var lastWork = new Dictionary<(string Vin, string Work), string>();
        var km = 1_000;
        for (var phase = 0; phase < Phases.Length; phase++)
        {
            fixture.Clock.SetUtcNow(Phases[phase].At);

            // Work orders completed at this instant, at most one per vehicle (so "the latest earlier work" on a vehicle is unambiguous).
            foreach (var (vin, model) in vehicles.Where(_ => random.Next(4) > 0).ToList())
            {
                var station = stations[random.Next(stations.Count)].Code;
                var repair = random.Next(3) > 0;
                var (fault, system) = repair ? Faults[random.Next(Faults.Length)] : ("", "other");
                var id = await OpenAsync(Http, station, vin, km += 10, repair ? "repair" : "maintenance", fault, system);
                await MoveAsync(Http, station, id, "start");
                await MoveAsync(Http, station, id, "complete");
                orders.Add((phase, id, station));
                counts.Add(new(phase, station, "completedWorkOrders", 1));
                counts.Add(new(phase, station, "surveysDue", 1));
                if (repair)
                {
                    repairs.Add(new(phase, model, system, fault));
                }

                // A comeback: the same fault (or the same maintenance) again on the vehicle, charged to the station of
                // the latest earlier work on it, in the period of this completion.
                var work = (vin, repair ? fault : "maintenance:primary");
                if (lastWork.TryGetValue(work, out var responsible))
                {
                    counts.Add(new(phase, responsible, "comebacks", 1));
                }

                lastWork[work] = station;
            }

            if (phase is 1 or 3)
            {
                var station = stations[random.Next(stations.Count)].Code;
                var recall = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, $"/api/stations/{station}/work-orders", JsonSerializer.Serialize(new
                {
                    vin = recalled[phase / 2], odometerKm = km += 10, kind = "recall", faultCode = "RCL-1", system = "other", description = "recall remedy", recallCampaignId = campaign,
                })));
                var id = recall.GetProperty("id").GetString()!;
                await MoveAsync(Http, station, id, "start");
                await MoveAsync(Http, station, id, "complete");
                orders.Add((phase, id, station));
                counts.Add(new(phase, station, "completedWorkOrders", 1));
                counts.Add(new(phase, station, "recallsCompleted", 1));
                counts.Add(new(phase, station, "surveysDue", 1));
            }

            // Cards registered at this instant: a service request goes to the station nearest the caller, a complaint to the station it is about.
            for (var i = 0; i < 3; i++)
            {
                var (code, lat, lon) = stations[random.Next(stations.Count)];
                var complaint = random.Next(2) == 0;
                var category = Categories[random.Next(Categories.Length)];
                var card = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", JsonSerializer.Serialize(new
                {
                    customerName = "Zhou Min", customerPhone = "13700000000", category, severity = "general",
                    latitude = lat, longitude = lon, description = "Waited too long", channel = "callCentre",
                    kind = complaint ? "complaint" : "serviceRequest", aboutStation = complaint ? code : null,
                })));
                Assert.Equal(code, card.GetProperty("stationCode").GetString());
                cards.Add(new(phase, card.GetProperty("id").GetString()!, code, complaint, category, Late: random.Next(2) == 0));
            }

            if (phase is 1 or 3)
            {
                // Both instants' cards: the early ones respond now; 31 minutes later the others have breached their response
                // clock (charged to the week they were registered in), then every card is closed, so no later clock breaches.
                var these = cards.Where(c => c.Phase == phase - 1 || c.Phase == phase).ToList();
                foreach (var card in these.Where(c => !c.Late))
                {
                    await StepAsync(Http, card.Id, "respond");
                }

                fixture.Clock.Advance(TimeSpan.FromMinutes(31));
                foreach (var card in these)
                {
                    if (card.Late)
                    {
                        await AwaitBreachesAsync(fixture.Logs, Http, card.Id, 1);
                        await StepAsync(Http, card.Id, "respond");
                    }

                    await StepAsync(Http, card.Id, "arrive");
                    await StepAsync(Http, card.Id, "plan", Plan());
                    await StepAsync(Http, card.Id, "resolve");
                    await StepAsync(Http, card.Id, "callback", Callback(true, 4));
                }

                // The surveys of both instants' orders, recorded later: they still count in the week of the completion.
                foreach (var (orderPhase, id, station) in orders.Where(o => o.Phase == phase - 1 || o.Phase == phase))
                {
                    switch (random.Next(3))
                    {
                        case 0:
                            var score = random.Next(1, 6);
                            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/surveys/{id}/responses", JsonSerializer.Serialize(new { score })));
                            counts.Add(new(orderPhase, station, "surveysAnswered", 1));
                            counts.Add(new(orderPhase, station, "surveyScoreSum", score));
                            break;
                        case 1:
                            await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/surveys/{id}/no-answer"));
                            counts.Add(new(orderPhase, station, "surveysNoAnswer", 1));
                            break;
                    }
                }
            }
        }

        foreach (var card in cards)
        {
            counts.Add(new(card.Phase, card.Station, card.Complaint ? "complaints" : "serviceRequests", 1));
            counts.Add(new(card.Phase, card.Station, "slaBreaches", card.Late ? 1 : 0));
        }

        // The generated events reach every kind of count, at every instant.
        Assert.All(Enumerable.Range(0, Phases.Length), p => Assert.Contains(repairs, r => r.Phase == p));
        Assert.All(new[] { "comebacks", "surveysAnswered", "surveysNoAnswer", "recallsCompleted" }, counter => Assert.Contains(counts, c => c.Counter == counter));
        Assert.Contains(cards, c => c.Late);
        Assert.Contains(cards, c => c.Complaint);
        Assert.Contains(cards, c => !c.Complaint);

        // Each period against the direct count over the phases it holds.
        var periods = new (string Route, string Period, string From, string To, Func<int, bool> Holds)[]
        {
            ("weekly", "2026-W52", "2026-12-21", "2026-12-27", p => Phases[p].Week == "2026-W52"),
            ("weekly", "2026-W53", "2026-12-28", "2027-01-03", p => Phases[p].Week == "2026-W53"),
            ("annual", "2026", "2026-01-01", "2026-12-31", p => Phases[p].Year == "2026"),
            ("annual", "2027", "2027-01-01", "2027-12-31", p => Phases[p].Year == "2027"),
            ("weekly", "2026-W51", "2026-12-14", "2026-12-20", _ => false),
        };
        foreach (var (route, period, from, to, holds) in periods)
        {
            var summary = await SummaryAsync(route, period, 500);
            var because = $"{route} {period}";
            Assert.Equal(period, summary.GetProperty("period").GetString());
            Assert.Equal(from, summary.GetProperty("from").GetString());
            Assert.Equal(to, summary.GetProperty("to").GetString());
            Assert.Equal(JsonValueKind.Null, summary.GetProperty("nextCursor").ValueKind);

            // Quality: repairs by model, component, fault and combination.
            var mine = repairs.Where(r => holds(r.Phase)).ToList();
            var quality = summary.GetProperty("quality");
            Assert.Equal(mine.Count, quality.GetProperty("repairs").GetInt64());
            Assert.Equal(CountBy(mine.Select(r => r.Model)), Named(quality, "byModel"));
            Assert.Equal(CountBy(mine.Select(r => r.Component)), Named(quality, "byComponent"));
            Assert.Equal(CountBy(mine.Select(r => r.Fault)), Named(quality, "byFault"));
            Assert.Equal(CountBy(mine.Select(r => $"{r.Model}|{r.Component}|{r.Fault}")), new SortedDictionary<string, long>(
                quality.GetProperty("topFailures").EnumerateArray().ToDictionary(
                    f => $"{f.GetProperty("model").GetString()}|{f.GetProperty("component").GetString()}|{f.GetProperty("faultCode").GetString()}",
                    f => f.GetProperty("repairs").GetInt64()), StringComparer.Ordinal));
            var byModel = quality.GetProperty("byModel").EnumerateArray().Select(m => m.GetProperty("repairs").GetInt64()).ToList();
            Assert.True(byModel.SequenceEqual(byModel.OrderDescending()), because);

            // Complaints: cards by kind, category and clock breached, none queued.
            var myCards = cards.Where(c => holds(c.Phase)).ToList();
            var complaints = summary.GetProperty("complaints");
            Assert.Equal(myCards.Count, complaints.GetProperty("cards").GetInt64());
            Assert.Equal(CountBy(myCards.Select(c => c.Complaint ? "complaint" : "serviceRequest")), Map(complaints, "byKind"));
            Assert.Equal(CountBy(myCards.Select(c => c.Category)), Map(complaints, "byCategory"));
            Assert.Equal(CountBy(myCards.Where(c => c.Late).Select(_ => "respond")), Map(complaints, "byClock"));
            Assert.Equal(0, complaints.GetProperty("queued").GetProperty("complaints").GetInt64());

            // Service: the totals and every station's row.
            var myCounts = counts.Where(c => holds(c.Phase)).ToList();
            AssertService(myCounts, summary.GetProperty("service"), because);
            var rows = summary.GetProperty("stations").EnumerateArray().ToDictionary(r => r.GetProperty("stationCode").GetString()!);
            var active = myCounts.Where(c => c.Value != 0).Select(c => c.Station).Concat(myCards.Select(c => c.Station)).ToHashSet();
            Assert.Equal(active.Order(StringComparer.Ordinal), rows.Keys);
            foreach (var (code, row) in rows)
            {
                AssertService(myCounts.Where(c => c.Station == code).ToList(), row.GetProperty("service"), $"{because} {code}");
                var at = myCards.Where(c => c.Station == code).ToList();
                Assert.Equal(at.Count, row.GetProperty("cards").GetInt64());
                Assert.Equal(CountBy(at.Select(c => c.Category)), Map(row, "byCategory"));
                Assert.Equal(CountBy(at.Where(c => c.Late).Select(_ => "respond")), Map(row, "breaches"));
            }
        }

        // The monthly complaints report is unchanged: December's cards are the annual 2026 ones.
        var december = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/reports/complaints/2026-12?limit=500"));
        Assert.Equal(cards.Count(c => Phases[c.Phase].Year == "2026"), december.GetProperty("complaints").GetInt64());

        // Paging the year with a small limit: every station once, in code order, the totals on every page.
        var whole = await SummaryAsync("annual", "2026", 500);
        var walked = new List<string>();
        string? cursor = null;
        do
        {
            var page = await SummaryAsync("annual", "2026", 2, cursor);
            var codes = page.GetProperty("stations").EnumerateArray().Select(r => r.GetProperty("stationCode").GetString()!).ToList();
            Assert.InRange(codes.Count, 1, 2);
            Assert.Equal(whole.GetProperty("service").ToString(), page.GetProperty("service").ToString());
            Assert.Equal(whole.GetProperty("quality").ToString(), page.GetProperty("quality").ToString());
            Assert.Equal(whole.GetProperty("complaints").ToString(), page.GetProperty("complaints").ToString());
            walked.AddRange(codes);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(whole.GetProperty("stations").EnumerateArray().Select(r => r.GetProperty("stationCode").GetString()!), walked);
        Assert.Equal(walked.Distinct().Count(), walked.Count);
        Assert.True(walked.SequenceEqual(walked.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("weekly", "2026-W54", "week")]
    [InlineData("weekly", "2025-W53", "week")]
    [InlineData("weekly", "2026-W00", "week")]
    [InlineData("weekly", "2026-13", "week")]
    [InlineData("weekly", "abc", "week")]
    [InlineData("annual", "abc", "year")]
    [InlineData("annual", "2026-13", "year")]
    [InlineData("annual", "26", "year")]
    [InlineData("annual", "0000", "year")]
    public async Task ABadPeriod_Is400NamingIt(string route, string period, string field)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/summaries/{route}/{period}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("weekly/2026-W53", "limit=0", "limit")]
    [InlineData("weekly/2026-W53", "limit=501", "limit")]
    [InlineData("annual/2026", "limit=ten", "limit")]
    [InlineData("annual/2026", "cursor=not-a-cursor", "cursor")]
    [InlineData("weekly/2026-W53", "cursor=", "cursor")]
    public async Task ABadLimitOrCursor_Is400NamingIt(string path, string query, string field)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/summaries/{path}?{query}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task TheMonthlyComplaintsReportsCursor_Is400NamingTheCursor()
    {
        var foreign = Paging.Cursor("station:S1");
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/reports/summaries/annual/2026?cursor={foreign}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task AReaderAndTheCallCentre_MayReadTheSummaries()
    {
        using var reader = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Reader);
        using var callCentre = CallCentreClient(fixture);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(reader, "/api/reports/summaries/weekly/2026-W01"));
        await ExpectAsync(HttpStatusCode.OK, GetAsync(callCentre, "/api/reports/summaries/annual/2026"));
    }

    private static void AssertService(IReadOnlyList<Count> counts, JsonElement service, string because)
    {
        foreach (var field in ServiceFields)
        {
            Assert.True(counts.Where(c => c.Counter == field).Sum(c => c.Value) == service.GetProperty(field).GetInt64(),
                $"{because}: {field} {service.GetProperty(field).GetInt64()}, counted {counts.Where(c => c.Counter == field).Sum(c => c.Value)}");
        }

        var answered = counts.Where(c => c.Counter == "surveysAnswered").Sum(c => c.Value);
        if (answered == 0)
        {
            Assert.False(service.TryGetProperty("meanSurveyScore", out var mean) && mean.ValueKind != JsonValueKind.Null, because);
        }
        else
        {
            Assert.Equal(Math.Round((double)counts.Where(c => c.Counter == "surveyScoreSum").Sum(c => c.Value) / answered, 3), service.GetProperty("meanSurveyScore").GetDouble());
        }
    }

    private async Task<JsonElement> SummaryAsync(string route, string period, int limit, string? cursor = null) =>
        await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/reports/summaries/{route}/{period}?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));

    private static SortedDictionary<string, long> CountBy(IEnumerable<string> names) =>
        new(names.GroupBy(n => n).ToDictionary(g => g.Key, g => (long)g.Count()), StringComparer.Ordinal);

    private static SortedDictionary<string, long> Named(JsonElement element, string property) =>
        new(element.GetProperty(property).EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("repairs").GetInt64()), StringComparer.Ordinal);

    private static SortedDictionary<string, long> Map(JsonElement element, string property) =>
        new(element.GetProperty(property).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), StringComparer.Ordinal);
}
