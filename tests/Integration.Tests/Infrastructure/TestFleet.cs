using System.Net;
using System.Net.Http.Json;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>Vehicles for tests that need one that exists: registered and delivered through the API.</summary>
public static class TestFleet
{
    /// <summary>Registers and delivers a fresh vehicle (delivered on <paramref name="deliveredOn"/>, default 2026-02-01, at 5 km).</summary>
    public static async Task<string> DeliveredVehicleAsync(HttpClient operatorClient, DateOnly? deliveredOn = null, string model = "Q5", string batch = "B9")
    {
        var vin = TestVins.Next();
        var delivery = deliveredOn ?? new DateOnly(2026, 2, 1);
        using var created = await operatorClient.PostAsJsonAsync("/api/vehicles",
            new { vin, model, batch, productionDate = delivery.AddMonths(-1), powertrain = "ice", price = 300000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var delivered = await operatorClient.PostAsJsonAsync($"/api/vehicles/{vin}/delivery",
            new { ownerName = "Wang Fang", ownerPhone = "13900000000", dealerCode = "D1", invoiceDate = delivery, deliveryDate = delivery, odometerKm = 5 });
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        return vin;
    }
}
