using System.Net;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Security;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// Business time through the station workflow, on the fake clock: stations record UTC instants, and every date rule
/// takes the instant's date in China Standard Time (UTC+08:00). Between 00:00 and 08:00 Beijing time the UTC date is
/// the day before; that must move no repair across a 三包 boundary.
/// </summary>
[Collection(TrustCollection.Name)]
public sealed class BusinessTimeTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ARepairAgreedAt0130OnDeliveryDay_IsOnDay0()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var deliveryDay = Today().AddDays(1);
        AdvanceTo(deliveryDay, 1, 30); // 17:30 UTC the day before
        var vin = await TestFleet.DeliveredVehicleAsync(Http, deliveryDay);
        var station = await StationAsync(Http, "Time" + Token(), 23.1, 113.3);

        var order = await OpenAsync(Http, station, vin, 10);
        await MoveAsync(Http, station, order, "start");
        await ApproveClaimAsync(Http, await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal",
            """{"warranty":true,"cause":"defect","parts":[{"partNo":"BRK-CAL-FL","quantity":1}],"seriousSafety":true,"safetyDefect":"brakeFailure","appraiser":"Wang"}""")));

        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        var art23 = warranty.GetProperty("entitlements").EnumerateArray().Single(e => e.GetProperty("article").GetString() == "Art. 23");
        Assert.Contains($"brake failure, repair {order} on day 0", art23.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 7, 59, true)] // 07:59 on day 7 in Beijing, 23:59 UTC on day 6: inside the 7 days
    [InlineData(8, 0, 30, false)] // 00:30 on day 8 in Beijing, 16:30 UTC on day 7: outside, though its UTC date is day 7
    public async Task Article22_TheSevenDaysEndOnTheBeijingDate(int day, int hour, int minute, bool entitled)
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var delivered = Today();
        var vin = await TestFleet.DeliveredVehicleAsync(Http, delivered);
        var station = await StationAsync(Http, "Time" + Token(), 23.1, 113.3);
        AdvanceTo(delivered.AddDays(day), hour, minute);

        var order = await OpenAsync(Http, station, vin, 400, fault: "P0300", system: "engine");
        await MoveAsync(Http, station, order, "start");
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal(part: "ENG-CRANK")));

        var articles = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"))).GetProperty("entitlements")
            .EnumerateArray().Select(e => e.GetProperty("article").GetString()).ToList();
        Assert.Equal(entitled, articles.Contains("Art. 22"));
        Assert.Contains("Art. 20", articles); // 60 days either way
    }

    private DateOnly Today() => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(Beijing).DateTime);

    private void AdvanceTo(DateOnly date, int hour, int minute)
    {
        var target = new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute)), Beijing);
        Assert.True(target > fixture.Clock.GetUtcNow(), $"the clock is past {target:O} already");
        fixture.Clock.SetUtcNow(target);
    }
}
