using System.Net;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>
/// The clocks at their boundaries with the fake business clock: a step one second before the due instant meets the
/// clock, one second after it the breach is already recorded by the grain's own timer (nobody read the card).
/// </summary>
[Collection(ComplaintsCollection.Name)]
public sealed class SlaClockTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Respond_At29m59s_MeetsTheClock()
    {
        var (id, registeredAt) = await NewComplaintAsync(10);
        fixture.Clock.Advance(TimeSpan.FromMinutes(30) - Second);
        await StepAsync(Http, id, "respond");
        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        await StepAsync(Http, id, "arrive");

        // Both clocks of the first hours have ended; only the 24-hour resolve clock still runs.
        fixture.Clock.Advance(TimeSpan.FromHours(5));
        var card = await CardAsync(Http, id);
        Assert.Empty(Breaches(card));
        Assert.Equal(["met", "met", "running"], card.GetProperty("sla").GetProperty("clocks").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
        Assert.Equal(registeredAt.AddMinutes(30), card.GetProperty("sla").GetProperty("respondBy").GetDateTimeOffset());
    }

    [Fact]
    public async Task Respond_At30m01s_IsABreach_RecordedWhenItHappens()
    {
        var province = "CMP" + Token();
        var (id, registeredAt) = await NewComplaintAsync(10, province);
        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(Breaches(await CardAsync(Http, id)));
        fixture.Clock.Advance(Second);

        // The grain's timer records the breach and reports it to the roll-up; nobody read the card before.
        var card = await AwaitBreachesAsync(fixture.Logs, Http, id, 1);
        Assert.Equal(1, (await CountersAsync(fixture, RollupScopes.Province(province)))[CounterNames.SlaBreaches]);
        var breach = Assert.Single(card.GetProperty("sla").GetProperty("breaches").EnumerateArray());
        Assert.Equal("respond", breach.GetProperty("clock").GetString());
        Assert.Equal(registeredAt.AddMinutes(30), breach.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(registeredAt.AddMinutes(30) + Second, breach.GetProperty("breachedAt").GetDateTimeOffset());

        // Responding late is still allowed; the breach stays.
        var responded = await StepAsync(Http, id, "respond");
        Assert.Equal("responded", responded.GetProperty("state").GetString());
        Assert.Equal(["respond"], Breaches(responded));
    }

    [Theory]
    [InlineData(10.0, "arrive", 4 * 60, false)]
    [InlineData(10.0, "arrive", 4 * 60, true)]
    [InlineData(100.0 - 0.5, "arrive", 4 * 60, true)]
    [InlineData(150.0, "reply", 2 * 60, false)]
    [InlineData(150.0, "reply", 2 * 60, true)]
    public async Task SecondClock_MetOneSecondBefore_BreachedOneSecondAfter(double distanceKm, string clock, int dueMinutes, bool late)
    {
        var (id, registeredAt) = await NewComplaintAsync(distanceKm);
        var due = registeredAt.AddMinutes(dueMinutes);
        Assert.Equal(due, (await CardAsync(Http, id)).GetProperty("sla").GetProperty(clock + "By").GetDateTimeOffset());
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await StepAsync(Http, id, "respond");
        fixture.Clock.Advance(due - fixture.Clock.GetUtcNow() + (late ? Second : -Second));
        var body = clock == "reply" ? Reply(due.AddDays(1)) : null;
        if (late)
        {
            var breached = await AwaitBreachesAsync(fixture.Logs, Http, id, 1);
            var breach = Assert.Single(breached.GetProperty("sla").GetProperty("breaches").EnumerateArray());
            Assert.Equal(clock, breach.GetProperty("clock").GetString());
            Assert.Equal(due, breach.GetProperty("dueAt").GetDateTimeOffset());
            Assert.Equal(due + Second, breach.GetProperty("breachedAt").GetDateTimeOffset());
        }

        var stepped = await StepAsync(Http, id, clock, body);
        Assert.Equal(late ? [clock] : [], Breaches(stepped));
        Assert.Equal(clock == "reply" ? "replied" : "onSite", stepped.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resolve_MetOneSecondBefore24Hours_BreachedOneSecondAfter(bool late)
    {
        // Seed 004 §二.1: solve the customer's problem within 24 hours of the report.
        var (id, registeredAt) = await NewComplaintAsync(10);
        var due = registeredAt.AddHours(24);
        Assert.Equal(due, (await CardAsync(Http, id)).GetProperty("sla").GetProperty("resolveBy").GetDateTimeOffset());
        await StepAsync(Http, id, "respond");
        await StepAsync(Http, id, "arrive");
        await StepAsync(Http, id, "plan", Plan());
        fixture.Clock.Advance(due - fixture.Clock.GetUtcNow() + (late ? Second : -Second));
        if (late)
        {
            var breached = await AwaitBreachesAsync(fixture.Logs, Http, id, 1);
            Assert.Equal(["resolve"], Breaches(breached));
        }

        var resolved = await StepAsync(Http, id, "resolve");
        Assert.Equal(late ? ["resolve"] : [], Breaches(resolved));
        var clock = resolved.GetProperty("sla").GetProperty("clocks").EnumerateArray().Single(c => c.GetProperty("clock").GetString() == "resolve");
        Assert.Equal(late ? "breached" : "met", clock.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("arrive", false)]
    [InlineData("arrive", true)]
    [InlineData("resolve", false)]
    public async Task AgreedTime_OfAReply_IsAClockOfItsOwn_MetByArrivingOrResolvingByThen(string step, bool late)
    {
        // Seed 003 §服务文化 4: beyond 100 km, reply within 2 hours and agree a time with the customer; that time is kept too.
        var (id, _) = await NewComplaintAsync(150);
        await StepAsync(Http, id, "respond");
        var agreedAt = fixture.Clock.GetUtcNow().AddHours(6);
        var replied = await StepAsync(Http, id, "reply", Reply(agreedAt));
        Assert.Equal(agreedAt, replied.GetProperty("sla").GetProperty("agreedBy").GetDateTimeOffset());
        if (step == "resolve")
        {
            await StepAsync(Http, id, "plan", Plan());
        }

        fixture.Clock.Advance(agreedAt - fixture.Clock.GetUtcNow() + (late ? Second : -Second));
        if (late)
        {
            Assert.Equal(["agreed"], Breaches(await AwaitBreachesAsync(fixture.Logs, Http, id, 1)));
        }

        var done = await StepAsync(Http, id, step);
        var clock = done.GetProperty("sla").GetProperty("clocks").EnumerateArray().Single(c => c.GetProperty("clock").GetString() == "agreed");
        Assert.Equal(late ? "breached" : "met", clock.GetProperty("status").GetString());
    }

    [Fact]
    public async Task NamedPolicy_Seed002Control_AsksAReplyIn8HoursAndOnSiteIn8Hours_AtAnyDistance()
    {
        // Seed 002, 客户服务控制程序 §4.2.1–4.2.2: reply within 8 hours; what the phone cannot solve, on site within 8 hours.
        var (lat, lon) = NewArea();
        await StationAsync(Http, "CMP" + Token(), lat, lon);
        var (cLat, cLon) = North(lat, lon, 300);
        var body = System.Text.Json.Nodes.JsonNode.Parse(Body(cLat, cLon))!.AsObject();
        body["slaPolicy"] = "seed002-control";
        var card = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/complaints", body.ToJsonString()));
        var registeredAt = card.GetProperty("registeredAt").GetDateTimeOffset();
        var sla = card.GetProperty("sla");
        Assert.Equal("seed002-control", sla.GetProperty("policy").GetString());
        Assert.Equal(registeredAt.AddHours(8), sla.GetProperty("respondBy").GetDateTimeOffset());
        Assert.Equal(registeredAt.AddHours(8), sla.GetProperty("arriveBy").GetDateTimeOffset());
        Assert.False(sla.TryGetProperty("replyBy", out _), "this scheme has no reply clock");
        Assert.False(sla.TryGetProperty("resolveBy", out _), "this scheme names no resolution time");

        body["slaPolicy"] = "no-such-policy";
        var unknown = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/complaints", body.ToJsonString()));
        Assert.Contains("seed002-control", unknown.GetProperty("errors").GetProperty("slaPolicy")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SupplierNeeded_InsideTheRadius_RunsTheReplyClock()
    {
        var (lat, lon) = NewArea();
        await StationAsync(Http, "CMP" + Token(), lat, lon);
        var card = await RegisterAsync(Http, lat, lon, supplierNeeded: true);
        var sla = card.GetProperty("sla");
        Assert.False(sla.TryGetProperty("arriveBy", out _), "arriveBy is left out when that clock does not run");
        Assert.Equal(card.GetProperty("registeredAt").GetDateTimeOffset().AddHours(2), sla.GetProperty("replyBy").GetDateTimeOffset());
    }

    private async Task<(string Id, DateTimeOffset RegisteredAt)> NewComplaintAsync(double distanceKm, string? province = null)
    {
        var (lat, lon) = NewArea();
        await StationAsync(Http, province ?? "CMP" + Token(), lat, lon);
        var (cLat, cLon) = North(lat, lon, distanceKm);
        var card = await RegisterAsync(Http, cLat, cLon);
        Assert.Equal(distanceKm, card.GetProperty("distanceKm").GetDouble(), 1);
        return (card.GetProperty("id").GetString()!, card.GetProperty("registeredAt").GetDateTimeOffset());
    }
}
