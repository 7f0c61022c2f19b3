using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>
/// The two kinds of card (domain §4): a service request is dispatched to the nearest station; a complaint about a station
/// or product is charged to the station responsible (the one named, else the vehicle's last servicing station), and
/// counts in its grade. Corrective/preventive actions (seed 002 §6.2.3, §6.4) are tracked to a verified closure.
/// </summary>
[Collection(ComplaintsCollection.Name)]
public sealed class ComplaintKindsAndActionsTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Complaint_IsChargedToTheStationItIsAbout_NotTheNearest_AndCountsInItsGradeNotTheNearestOnes()
    {
        var (lat, lon) = NewArea();
        var near = await StationAsync(Http, "CMP" + Token(), lat, lon);
        var about = await StationAsync(Http, "CMP" + Token(), North(lat, lon, 300).Latitude, lon);

        var card = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon, about: about)));
        Assert.Equal("complaint", card.GetProperty("kind").GetString());
        Assert.Equal(about, card.GetProperty("responsibleStation").GetString());
        Assert.Equal(JsonValueKind.Null, card.GetProperty("assignedStation").ValueKind);
        Assert.Equal("aboutStation", card.GetProperty("attribution").GetString());
        // A complaint has no site visit to clock: respond, and resolve within 24 h (seed 004).
        Assert.Equal(["respond", "resolve"], card.GetProperty("sla").GetProperty("clocks").EnumerateArray().Select(c => c.GetProperty("clock").GetString()));

        var now = fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        await Eventually.UntilAsync(() => CountersAsync(fixture, RollupScopes.StationMonth(about, now.Year, now.Month)),
            m => m[CounterNames.Complaints] == 1, TimeSpan.FromSeconds(10), "the complaint in the station's month");
        Assert.Equal(0, (await CountersAsync(fixture, RollupScopes.StationMonth(near, now.Year, now.Month)))[CounterNames.Complaints]);
    }

    [Fact]
    public async Task Complaint_WithoutAStationNamed_GoesToTheVehiclesLastServicingStation_ElseToTheQueue()
    {
        var (lat, lon) = NewArea();
        var serviced = await StationAsync(Http, "CMP" + Token(), North(lat, lon, 250).Latitude, lon);
        await StationAsync(Http, "CMP" + Token(), lat, lon);
        var vin = await DeliveredVehicleAsync(Http);
        var order = await OpenAsync(Http, serviced, vin, 1200, "maintenance", "", "other");
        await MoveAsync(Http, serviced, order, "start");
        await MoveAsync(Http, serviced, order, "complete");
        await Eventually.UntilAsync(() => ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history")),
            h => h.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(10), "the visit in the vehicle's archive");

        var card = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon, vin: vin)));
        Assert.Equal(serviced, card.GetProperty("responsibleStation").GetString());
        Assert.Equal("lastServicingStation", card.GetProperty("attribution").GetString());

        // No station named and no vehicle: the call centre's queue, never a refusal.
        var queued = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon)));
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("responsibleStation").ValueKind);
        Assert.Equal("callCentreQueue", queued.GetProperty("attribution").GetString());
    }

    [Fact]
    public async Task Intake_RefusesWhatTheCallerMayNotAssert_AndBadAttributions_ChangingNothing()
    {
        var (lat, lon) = NewArea();
        var mine = await StationAsync(Http, "CMP" + Token(), lat, lon);
        var other = await StationAsync(Http, "CMP" + Token(), North(lat, lon, 200).Latitude, lon);
        using var station = StationClient(fixture, mine);

        // A station does not charge a complaint to another station, nor choose the clocks it is measured by.
        var charged = await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(station, "/api/complaints", ComplaintBody(lat, lon, about: other)));
        Assert.Equal("forbidden-station", charged.GetProperty("code").GetString());
        var policy = JsonNode.Parse(Body(lat, lon))!.AsObject();
        policy["slaPolicy"] = "seed001";
        Assert.Equal("assertion-not-allowed",
            (await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(station, "/api/complaints", policy.ToJsonString()))).GetProperty("code").GetString());
        // It may record a complaint about itself.
        Assert.Equal(mine, (await ExpectAsync(HttpStatusCode.Created, PostAsync(station, "/api/complaints", ComplaintBody(lat, lon, about: mine))))
            .GetProperty("responsibleStation").GetString());

        var unknown = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon, about: "NOSUCH-STATION")));
        Assert.True(unknown.GetProperty("errors").TryGetProperty("aboutStation", out _));
        var serviceRequest = JsonNode.Parse(Body(lat, lon))!.AsObject();
        serviceRequest["aboutStation"] = other;
        var dispatched = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", serviceRequest.ToJsonString()));
        Assert.True(dispatched.GetProperty("errors").TryGetProperty("aboutStation", out _));
        var badKind = JsonNode.Parse(Body(lat, lon))!.AsObject();
        badKind["kind"] = "grievance";
        Assert.Contains("serviceRequest", (await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", badKind.ToJsonString()))).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorrectiveAction_OpenedCompletedVerified_TheCardClosesOnlyOnceEveryActionIsVerifiedOrWaived()
    {
        var (lat, lon) = NewArea();
        var code = await StationAsync(Http, "CMP" + Token(), lat, lon);
        using var station = StationClient(fixture, code);
        using var callCentre = CallCentreClient(fixture);
        var id = (await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon, about: code)))).GetProperty("id").GetString()!;
        await StepAsync(Http, id, "respond");
        await StepAsync(Http, id, "plan", Plan(systemic: true));

        var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var bad = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(station, $"/api/complaints/{id}/corrective-actions", Action("Service manager", today.AddDays(-1))));
        Assert.True(bad.GetProperty("errors").TryGetProperty("dueOn", out _));
        var first = await ExpectAsync(HttpStatusCode.Created, PostAsync(station, $"/api/complaints/{id}/corrective-actions", Action("Service manager", today.AddDays(14))));
        var second = await ExpectAsync(HttpStatusCode.Created, PostAsync(callCentre, $"/api/complaints/{id}/corrective-actions", Action("Quality department", today.AddDays(30))));
        var firstId = first.GetProperty("id").GetString()!;
        var secondId = second.GetProperty("id").GetString()!;
        Assert.Equal($"{id}-A1", firstId);
        Assert.Equal("open", first.GetProperty("state").GetString());
        Assert.Equal(code, first.GetProperty("stationCode").GetString());

        // Another station neither opens nor completes actions on this card.
        using var stranger = StationClient(fixture, await StationAsync(Http, "CMP" + Token(), North(lat, lon, 120).Latitude, lon));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stranger, $"/api/complaints/{id}/corrective-actions", Action("Me", today)));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stranger, $"/api/corrective-actions/{firstId}/complete"));
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(stranger, $"/api/corrective-actions/{firstId}"));

        await StepAsync(Http, id, "resolve");
        var blocked = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/complaints/{id}/callback", Callback(true, 4)));
        Assert.Equal("corrective-actions-open", blocked.GetProperty("code").GetString());
        Assert.Contains(firstId, blocked.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("resolved", (await CardAsync(Http, id)).GetProperty("state").GetString());

        // The station completes its action, but it never verifies it; verifying needs a completed action.
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/corrective-actions/{firstId}/verify"));
        var completed = await ExpectAsync(HttpStatusCode.OK, PostAsync(station, $"/api/corrective-actions/{firstId}/complete", """{"note":"Re-trained the desk."}"""));
        Assert.Equal("completed", completed.GetProperty("state").GetString());
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(station, $"/api/corrective-actions/{firstId}/verify"));
        var verified = await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/corrective-actions/{firstId}/verify", """{"note":"Mystery call passed."}"""));
        Assert.Equal("verified", verified.GetProperty("state").GetString());
        Assert.StartsWith("callCentre:", verified.GetProperty("closedBy").GetString(), StringComparison.Ordinal);

        // Waiving takes a reason.
        var noReason = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(callCentre, $"/api/corrective-actions/{secondId}/waive", "{}"));
        Assert.True(noReason.GetProperty("errors").TryGetProperty("note", out _));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/corrective-actions/{secondId}/waive", """{"note":"Covered by the national campaign."}"""));

        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(station, $"/api/stations/{code}/corrective-actions"));
        Assert.Equal([secondId, firstId], list.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.Empty((await ExpectAsync(HttpStatusCode.OK, GetAsync(station, $"/api/stations/{code}/corrective-actions?open=true"))).GetProperty("items").EnumerateArray());
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(stranger, $"/api/stations/{code}/corrective-actions"));

        var closed = await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/complaints/{id}/callback", Callback(true, 4)));
        Assert.Equal("closed", closed.GetProperty("state").GetString());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/complaints/{id}/corrective-actions", Action("Late", today.AddDays(1))));
    }

    [Fact]
    public async Task CorrectiveAction_PastItsDueDay_IsRecordedOverdueByTheCardsOwnClock()
    {
        var (lat, lon) = NewArea();
        var code = await StationAsync(Http, "CMP" + Token(), lat, lon);
        var id = (await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon, about: code)))).GetProperty("id").GetString()!;
        var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var key = "capa-" + Token();
        var action = await ExpectAsync(HttpStatusCode.Created, PostWithKeyAsync(Http, $"/api/complaints/{id}/corrective-actions", Action("Service manager", today.AddDays(1)), key));
        var retried = await ExpectAsync(HttpStatusCode.Created, PostWithKeyAsync(Http, $"/api/complaints/{id}/corrective-actions", Action("Service manager", today.AddDays(1)), key));
        Assert.Equal(action.GetProperty("id").GetString(), retried.GetProperty("id").GetString());
        Assert.Single((await CardAsync(Http, id)).GetProperty("correctiveActions").EnumerateArray());

        // The last instant of the due day (business time, +08:00) is in time; the card's own timer records the next one.
        var endOfDueDay = new DateTimeOffset(today.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        fixture.Clock.Advance(endOfDueDay - fixture.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.False((await CardAsync(Http, id)).GetProperty("correctiveActions")[0].GetProperty("overdue").GetBoolean());
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await fixture.Logs.WaitForAsync(e => e.EventId == AfterSales.Grains.Complaints.ComplaintGrain.ActionOverdueEventId && e.Message.Contains(id, StringComparison.Ordinal),
            1, TimeSpan.FromSeconds(30), $"complaint {id}'s action overdue");
        var overdue = (await CardAsync(Http, id)).GetProperty("correctiveActions")[0];
        Assert.True(overdue.GetProperty("overdue").GetBoolean());
        Assert.Equal("open", overdue.GetProperty("state").GetString());
    }

    [Fact]
    public async Task CallCentreQueue_ListsOpenCardsWithNoStation_LongestWaitingFirst_PageByPage()
    {
        var (lat, lon) = NewArea();
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            mine.Add((await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", ComplaintBody(lat, lon)))).GetProperty("id").GetString()!);
        }

        // Closing one takes it off the queue.
        await StepAsync(Http, mine[1], "respond");
        await StepAsync(Http, mine[1], "plan", Plan());
        await StepAsync(Http, mine[1], "resolve");
        await StepAsync(Http, mine[1], "callback", Callback(true, 5));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/complaints/queue?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")));
            Assert.InRange(page.GetProperty("items").GetArrayLength(), 0, 2);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([mine[0], mine[2]], seen.Where(mine.Contains));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var masked = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/complaints/queue?limit=500"))).GetProperty("items").EnumerateArray()
            .First(i => i.GetProperty("id").GetString() == mine[0]);
        Assert.NotEqual("13800000000", masked.GetProperty("intake").GetProperty("customerPhone").GetString());
    }

    private static string ComplaintBody(double latitude, double longitude, string? about = null, string? vin = null)
    {
        var body = JsonNode.Parse(Body(latitude, longitude, category: "service"))!.AsObject();
        body["kind"] = "complaint";
        body.Remove("vin");
        if (vin is not null)
        {
            body["vin"] = vin;
        }

        if (about is not null)
        {
            body["aboutStation"] = about;
        }

        return body.ToJsonString();
    }

    private static string Action(string owner, DateOnly dueOn) =>
        JsonSerializer.Serialize(new { owner, dueOn, description = "Re-train the reception desk on appointment promises." });
}
