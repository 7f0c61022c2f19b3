using System.Net;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Security;

/// <summary>A station's token acts for that station only: it cannot open, move, appraise or read another's work orders.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StationBindingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Station_CannotTouchAnotherStationsWorkOrders_ButWorksOnItsOwn()
    {
        var own = await StationAsync(fixture.Http, "Heilongjiang", 45.75, 126.65);
        var other = await StationAsync(fixture.Http, "Heilongjiang", 45.80, 126.60);
        var vin = await DeliveredVehicleAsync(fixture.Http);
        var othersOrder = await OpenAsync(fixture.Http, other, vin, 50, kind: "maintenance");
        using var station = fixture.Api.CreateClient(Roles.Station, own);
        var openBody = $$"""{"vin":"{{vin}}","odometerKm":60,"kind":"maintenance"}""";

        var openElsewhere = await PostAsync(station, $"/api/stations/{other}/work-orders", openBody);
        var moveElsewhere = await PostAsync(station, $"/api/stations/{other}/work-orders/{othersOrder}/cancel");
        var appraiseElsewhere = await PostAsync(station, $"/api/stations/{other}/work-orders/{othersOrder}/appraisal", Appraisal());
        var readElsewhere = await GetAsync(station, $"/api/stations/{other}/work-orders/{othersOrder}");
        var openAtHome = await PostAsync(station, $"/api/stations/{own}/work-orders", openBody);
        var registerStation = await SendAsync(station, HttpMethod.Put, $"/api/stations/{own}",
            """{"name":"x","province":"Heilongjiang","city":"Harbin","latitude":45,"longitude":126,"bays":9,"appraisers":[]}""");

        Assert.Equal(HttpStatusCode.Forbidden, openElsewhere.Status);
        Assert.Equal(HttpStatusCode.Forbidden, moveElsewhere.Status);
        Assert.Equal(HttpStatusCode.Forbidden, appraiseElsewhere.Status);
        Assert.Equal(HttpStatusCode.Forbidden, readElsewhere.Status);
        Assert.Equal(HttpStatusCode.Created, openAtHome.Status);
        Assert.Equal(HttpStatusCode.Forbidden, registerStation.Status);
        // The other station's work order was not touched.
        var untouched = await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, $"/api/stations/{other}/work-orders/{othersOrder}"));
        Assert.Equal("open", untouched.GetProperty("state").GetString());
    }
}
