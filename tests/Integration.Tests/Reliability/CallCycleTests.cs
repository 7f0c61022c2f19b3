using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Grains never await a call into a grain that may be awaiting them: a delivery naming dealer S asks S for its
/// province while a work order opened at S for the same VIN asks the vehicle for its reading. Both non-reentrant
/// grains used to wait on each other until the call timeout (503 for both, and S blocked for everyone meanwhile).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CallCycleTests(ClusterFixture fixture)
{
    private const int Pairs = 200;

    [Fact]
    public async Task ADeliveryAtS_AndAWorkOrderAtS_ForTheSameVin_SentTogether_NeverDeadlock()
    {
        var http = fixture.Http;
        var station = await StationAsync(http, "Cycle" + Token(), 45.7, 126.6);
        var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var vins = new List<string>();
        for (var i = 0; i < Pairs; i++)
        {
            var vin = TestVins.Next();
            await ExpectAsync(HttpStatusCode.Created, PostAsync(http, "/api/vehicles",
                $$"""{"vin":"{{vin}}","model":"Q5","batch":"CY{{i % 50}}","productionDate":"{{today.AddMonths(-1):yyyy-MM-dd}}","powertrain":"ice","price":300000}"""));
            vins.Add(vin);
        }

        // Fresh vehicle grains each time (registered, never delivered: the delivery asks the dealer for its region),
        // the delivery and the work order of a pair released at the same instant, ten pairs in flight at once (the
        // station works through its work orders one at a time; this is about cycles, not one station's throughput).
        using var inFlight = new SemaphoreSlim(10);
        var results = await Task.WhenAll(vins.Select(async vin =>
        {
            await inFlight.WaitAsync();
            try
            {
                var delivery = PostAsync(http, $"/api/vehicles/{vin}/delivery",
                    $$"""{"ownerName":"Wang Fang","ownerPhone":"13900000000","dealerCode":"{{station}}","invoiceDate":"{{today:yyyy-MM-dd}}","deliveryDate":"{{today:yyyy-MM-dd}}","odometerKm":5}""");
                var workOrder = PostAsync(http, $"/api/stations/{station}/work-orders",
                    $$"""{"vin":"{{vin}}","odometerKm":12,"kind":"maintenance","faultCode":"","system":"other"}""");
                return (Vin: vin, Delivery: await delivery, WorkOrder: await workOrder);
            }
            finally
            {
                inFlight.Release();
            }
        }));

        Assert.All(results, r => Assert.True(r.Delivery.Status == HttpStatusCode.OK, $"{r.Vin} delivery: {r.Delivery.Status} {r.Delivery.Body}"));
        Assert.All(results, r => Assert.True(r.WorkOrder.Status is HttpStatusCode.Created or HttpStatusCode.Conflict,
            $"{r.Vin} work order: {r.WorkOrder.Status} {r.WorkOrder.Body}"));

        // Each outcome applied as answered: the delivery in S's name and province; a work order that opened (it came
        // after the delivery) moved the reading to 12 km, one that was refused (the car was not delivered yet) left
        // nothing at the station.
        var opened = results.Count(r => r.WorkOrder.Status == HttpStatusCode.Created);
        foreach (var (vin, _, workOrder) in results)
        {
            var vehicle = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/vehicles/{vin}"));
            Assert.Equal(station, vehicle.GetProperty("dealerCode").GetString());
            Assert.Equal(workOrder.Status == HttpStatusCode.Created ? 12 : 5, vehicle.GetProperty("odometerKm").GetInt32());
            if (workOrder.Status == HttpStatusCode.Conflict)
            {
                Assert.Contains("produced", workOrder.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        var stationView = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{station}"));
        Assert.Equal(opened, stationView.GetProperty("workOrders").GetInt32());
        Assert.Equal(JsonValueKind.Number, stationView.GetProperty("workOrders").ValueKind);
    }
}
