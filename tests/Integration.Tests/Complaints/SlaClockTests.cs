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

        // Every clock has ended, so nothing can breach any more, however far time moves.
        fixture.Clock.Advance(TimeSpan.FromHours(5));
        var card = await CardAsync(Http, id);
        Assert.Empty(Breaches(card));
        Assert.Equal(["met", "met"], card.GetProperty("sla").GetProperty("clocks").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
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
