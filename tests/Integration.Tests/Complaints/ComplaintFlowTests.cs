using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

[Collection(ComplaintsCollection.Name)]
public sealed class ComplaintFlowTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Complaint_HappyPath_RegisteredToClosed_WithHistoryAndRollups()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        var station = await StationAsync(Http, province, lat, lon);
        var other = await StationAsync(Http, province, lat + 1.5, lon);
        var (cLat, cLon) = North(lat, lon, 10);
        using var stationHttp = StationClient(fixture, station);
        using var otherHttp = StationClient(fixture, other);
        using var callCentre = CallCentreClient(fixture);
        var registeredAt = fixture.Clock.GetUtcNow();

        var created = await ExpectAsync(HttpStatusCode.Created, PostAsync(callCentre, "/api/complaints", Body(cLat, cLon)));
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(station, created.GetProperty("stationCode").GetString());
        Assert.Equal(10, created.GetProperty("distanceKm").GetDouble(), 1);
        Assert.Equal("registered", created.GetProperty("state").GetString());
        var sla = created.GetProperty("sla");
        Assert.Equal(registeredAt.AddMinutes(30), sla.GetProperty("respondBy").GetDateTimeOffset());
        Assert.Equal(registeredAt.AddHours(4), sla.GetProperty("arriveBy").GetDateTimeOffset());
        Assert.False(sla.TryGetProperty("replyBy", out _), "replyBy is left out when that clock does not run");
        Assert.Equal(1, (await CountersAsync(fixture, RollupScopes.Province(province)))[CounterNames.OpenComplaints]);

        // Only the assigned station (or an operator) moves the card; the callback is the call centre's.
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(otherHttp, $"/api/complaints/{id}/respond"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(callCentre, $"/api/complaints/{id}/respond"));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(stationHttp, $"/api/complaints/{id}/arrive"));

        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        await StepAsync(stationHttp, id, "respond", """{"note":"Called the owner."}""");
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await StepAsync(stationHttp, id, "arrive");
        await StepAsync(stationHttp, id, "plan", Plan(handling: "warrantyDepartment", systemic: true));
        var closedTooEarly = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/complaints/{id}/callback", Callback(true, 5)));
        Assert.Contains("actionPlanned", closedTooEarly.GetProperty("detail").GetString(), StringComparison.Ordinal);
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await StepAsync(stationHttp, id, "resolve", """{"note":"Harness replaced."}""");
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stationHttp, $"/api/complaints/{id}/callback", Callback(true, 5)));
        var closed = await StepAsync(callCentre, id, "callback", Callback(true, 5));

        Assert.Equal("closed", closed.GetProperty("state").GetString());
        Assert.Equal(5, closed.GetProperty("satisfaction").GetInt32());
        Assert.Equal("warrantyDepartment", closed.GetProperty("handling").GetString());
        Assert.True(closed.GetProperty("correctiveAction").GetBoolean());
        Assert.Empty(Breaches(closed));
        var history = closed.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["register", "respond", "arrive", "plan", "resolve", "callback"], history.Select(h => h.GetProperty("action").GetString()));
        Assert.Equal(["registered", "responded", "onSite", "actionPlanned", "resolved", "closed"], history.Select(h => h.GetProperty("to").GetString()));
        Assert.Equal($"station:{station}", history[1].GetProperty("by").GetString());
        Assert.StartsWith("callCentre:", history[5].GetProperty("by").GetString(), StringComparison.Ordinal);
        Assert.Equal(registeredAt.AddMinutes(10), history[1].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(fixture.Clock.GetUtcNow(), history[5].GetProperty("at").GetDateTimeOffset());

        var conflict = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{id}/escalate"));
        Assert.Contains("closed", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rollup = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
        Assert.Equal(0, rollup.GetProperty("openComplaints").GetInt64());
        Assert.Equal(0, rollup.GetProperty("slaBreaches").GetInt64());
        var counters = await CountersAsync(fixture, RollupScopes.Province(province));
        Assert.Equal(1, counters[CounterNames.Complaints]);
    }

    [Fact]
    public async Task Complaint_CallbackNotResolved_Reopens_ThenClosesOnTheSecondCallback()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        var station = await StationAsync(Http, province, lat, lon);
        var (cLat, cLon) = North(lat, lon, 20);
        var id = (await RegisterAsync(Http, cLat, cLon)).GetProperty("id").GetString()!;
        await StepAsync(Http, id, "respond");
        await StepAsync(Http, id, "arrive");
        await StepAsync(Http, id, "plan", Plan());
        await StepAsync(Http, id, "resolve");

        var reopened = await StepAsync(Http, id, "callback", Callback(false, 2));
        Assert.Equal("reopened", reopened.GetProperty("state").GetString());
        Assert.Equal(1, reopened.GetProperty("reopened").GetInt32());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{id}/callback", Callback(true, 4)));
        Assert.Equal(1, (await CountersAsync(fixture, RollupScopes.Province(province)))[CounterNames.OpenComplaints]);

        await StepAsync(Http, id, "plan", Plan(systemic: true));
        await StepAsync(Http, id, "resolve");
        var closed = await StepAsync(Http, id, "callback", Callback(true, 4));
        Assert.Equal("closed", closed.GetProperty("state").GetString());
        Assert.Equal(
            ["register", "respond", "arrive", "plan", "resolve", "callback", "plan", "resolve", "callback"],
            closed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));

        var now = fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var month = await CountersAsync(fixture, RollupScopes.StationMonth(station, now.Year, now.Month));
        // A service request is work sent to the station, not a complaint against it.
        Assert.Equal(0, month[CounterNames.Complaints]);
        Assert.Equal(1, month["serviceRequests"]);
        Assert.Equal(6, month["satisfactionSum"]);
        Assert.Equal(2, month["satisfactionCount"]);
        Assert.Equal(1, month["reopenings"]);
        Assert.Equal(0, month[CounterNames.OpenComplaints]);
    }

    [Fact]
    public async Task MajorComplaint_IsEscalatedAtOnce_AndAGeneralOneOnRequest()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        await StationAsync(Http, province, lat, lon);
        var major = await RegisterAsync(Http, lat, lon, severity: "major");
        Assert.True(major.GetProperty("escalated").GetBoolean());
        var escalation = major.GetProperty("history")[1];
        Assert.Equal("escalate", escalation.GetProperty("action").GetString());
        Assert.Equal("system", escalation.GetProperty("by").GetString());
        Assert.Equal(major.GetProperty("registeredAt").GetDateTimeOffset(), escalation.GetProperty("at").GetDateTimeOffset());
        Assert.Contains("customer-service department", escalation.GetProperty("note").GetString(), StringComparison.Ordinal);
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{major.GetProperty("id").GetString()}/escalate"));

        var general = await RegisterAsync(Http, lat, lon);
        Assert.False(general.GetProperty("escalated").GetBoolean());
        using var callCentre = CallCentreClient(fixture);
        var escalated = await StepAsync(callCentre, general.GetProperty("id").GetString()!, "escalate", """{"note":"Customer threatens to go to the press."}""");
        Assert.True(escalated.GetProperty("escalated").GetBoolean());
        Assert.Equal("registered", escalated.GetProperty("state").GetString());
        Assert.Equal(2, (await CountersAsync(fixture, RollupScopes.Province(province)))["escalations"]);
    }

    [Fact]
    public async Task Dispute_GoesFromNegotiationToMediationToAppeal_AndStillNeedsACallback()
    {
        var (lat, lon) = NewArea();
        await StationAsync(Http, "CMP" + Token(), lat, lon);
        var id = (await RegisterAsync(Http, lat, lon)).GetProperty("id").GetString()!;
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{id}/mediate"));
        await StepAsync(Http, id, "respond");
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{id}/appeal"));
        Assert.Equal("mediation", (await StepAsync(Http, id, "mediate")).GetProperty("state").GetString());
        Assert.Equal("appealed", (await StepAsync(Http, id, "appeal")).GetProperty("state").GetString());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/complaints/{id}/resolve"));
        await StepAsync(Http, id, "plan", Plan());
        await StepAsync(Http, id, "resolve");
        Assert.Equal("closed", (await StepAsync(Http, id, "callback", Callback(true, 3))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Intake_WidensTheSearch_SkipsSuspendedStations_AndQueuesTheCardWhenNoneIsInReach()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        var far = await StationAsync(Http, province, lat, lon);
        var near = await StationAsync(Http, province, North(lat, lon, 280).Latitude, lon);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{near}/suspend", """{"reason":"audit"}"""));
        var (cLat, cLon) = North(lat, lon, 300);

        var card = await RegisterAsync(Http, cLat, cLon);
        Assert.Equal(far, card.GetProperty("stationCode").GetString());
        Assert.Equal(300, card.GetProperty("distanceKm").GetDouble(), 0);
        var sla = card.GetProperty("sla");
        Assert.False(sla.TryGetProperty("arriveBy", out _), "arriveBy is left out when that clock does not run");
        Assert.Equal(card.GetProperty("registeredAt").GetDateTimeOffset().AddHours(2), sla.GetProperty("replyBy").GetDateTimeOffset());

        // No station within 500 km: the call is registered all the same, in the call centre's queue, its clocks running
        // (beyond any radius: a reply with an agreed time) and counted nationally, in no province.
        var nationalBefore = await CountersAsync(fixture, RollupScopes.National);
        var queued = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", Body(-50, -130)));
        var id = queued.GetProperty("id").GetString()!;
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("assignedStation").ValueKind);
        Assert.Equal("callCentreQueue", queued.GetProperty("attribution").GetString());
        Assert.False(queued.TryGetProperty("distanceKm", out _), "no distance without a station");
        Assert.Equal(["respond", "reply", "resolve"], queued.GetProperty("sla").GetProperty("clocks").EnumerateArray().Select(c => c.GetProperty("clock").GetString()));
        await Eventually.UntilAsync(() => CountersAsync(fixture, RollupScopes.National),
            n => n[CounterNames.OpenComplaints] >= nationalBefore[CounterNames.OpenComplaints] + 1, TimeSpan.FromSeconds(10), "the queued card in the national totals");
        Assert.Contains(id, await QueueIdsAsync(Http));

        // A station acts only on its own cards, and cannot take one from the queue; the call centre assigns it.
        using var farStation = StationClient(fixture, far);
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(farStation, $"/api/complaints/{id}/respond"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(farStation, $"/api/complaints/{id}/assign", $$"""{"stationCode":"{{far}}"}"""));
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(farStation, "/api/complaints/queue"));
        using var callCentre = CallCentreClient(fixture);
        var unknown = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(callCentre, $"/api/complaints/{id}/assign", """{"stationCode":"NOSUCH-STATION"}"""));
        Assert.True(unknown.GetProperty("errors").TryGetProperty("stationCode", out _));
        var suspended = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/complaints/{id}/assign", $$"""{"stationCode":"{{near}}"}"""));
        Assert.Equal("station-not-active", suspended.GetProperty("code").GetString());
        var assigned = await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/complaints/{id}/assign", $$"""{"stationCode":"{{far}}"}"""));
        Assert.Equal(far, assigned.GetProperty("assignedStation").GetString());
        Assert.Equal("assigned", assigned.GetProperty("attribution").GetString());
        Assert.True(assigned.GetProperty("distanceKm").GetDouble() > 500);
        Assert.Equal(queued.GetProperty("sla").GetProperty("respondBy").GetDateTimeOffset(), assigned.GetProperty("sla").GetProperty("respondBy").GetDateTimeOffset());
        var again = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/complaints/{id}/assign", $$"""{"stationCode":"{{far}}"}"""));
        Assert.Equal("already-assigned", again.GetProperty("code").GetString());
        Assert.DoesNotContain(id, await QueueIdsAsync(Http));

        // Now in its station's province (the first card and this one), passed on to the national totals.
        await Eventually.UntilAsync(() => CountersAsync(fixture, RollupScopes.Province(province)),
            p => p[CounterNames.OpenComplaints] == 2, TimeSpan.FromSeconds(10), "the assigned card in its province");
        await Eventually.UntilAsync(() => CountersAsync(fixture, RollupScopes.National),
            n => n.ByProvince!.TryGetValue(province, out var p) && p.GetValueOrDefault(CounterNames.OpenComplaints) == 2, TimeSpan.FromSeconds(10), "the province passed on");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(farStation, $"/api/complaints/{id}/respond"));
    }

    private static async Task<List<string>> QueueIdsAsync(HttpClient http)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, "/api/complaints/queue?limit=500" + (cursor is null ? "" : $"&cursor={cursor}")));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    [Fact]
    public async Task Intake_And_Steps_ValidateTheirFields_AndHonourIdempotencyKeys()
    {
        var (lat, lon) = NewArea();
        await StationAsync(Http, "CMP" + Token(), lat, lon);
        var bad = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", """{"customerName":"Li","severity":"minor","latitude":91}"""));
        Assert.True(bad.GetProperty("errors").TryGetProperty("severity", out _));
        bad = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", """{"customerName":"Li","latitude":91}"""));
        foreach (var field in new[] { "customerPhone", "category", "severity", "latitude", "longitude", "description", "channel" })
        {
            Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, "/api/complaints/CNOSUCH"));
        await ExpectAsync(HttpStatusCode.NotFound, PostAsync(Http, "/api/complaints/CNOSUCH/respond"));

        var key = "intake-" + Token();
        var first = await PostWithKeyAsync(Http, "/api/complaints", Body(lat, lon), key);
        var retry = await PostWithKeyAsync(Http, "/api/complaints", Body(lat, lon), key);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first.Body.ToString(), retry.Body.ToString());
        Assert.Equal(HttpStatusCode.Conflict, (await PostWithKeyAsync(Http, "/api/complaints", Body(lat, lon, severity: "major"), key)).Status);
        var id = first.Body.GetProperty("id").GetString()!;

        var respond = await PostWithKeyAsync(Http, $"/api/complaints/{id}/respond", "{}", "respond-1");
        var again = await PostWithKeyAsync(Http, $"/api/complaints/{id}/respond", "{}", "respond-1");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(respond.Body.ToString(), again.Body.ToString());
        await StepAsync(Http, id, "arrive");
        await StepAsync(Http, id, "plan", Plan());
        await StepAsync(Http, id, "resolve");
        var satisfaction = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/complaints/{id}/callback", """{"resolved":true,"satisfaction":6}"""));
        Assert.True(satisfaction.GetProperty("errors").TryGetProperty("satisfaction", out _));
        var missing = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/complaints/{id}/callback", """{"satisfaction":3}"""));
        Assert.True(missing.GetProperty("errors").TryGetProperty("resolved", out _));
        Assert.Equal(4, (await CardAsync(Http, id)).GetProperty("history").GetArrayLength() - 1);
    }
}
