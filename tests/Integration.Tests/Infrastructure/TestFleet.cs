using AfterSales.Client;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>Vehicles for tests that need one that exists: registered and delivered through the API.</summary>
public static class TestFleet
{
    /// <summary>
    /// Registers and delivers a fresh vehicle (delivered on <paramref name="deliveredOn"/>, default 2026-02-01, at 5 km, by <paramref name="dealerCode"/>: a registered station's code puts the vehicle in its province),
    /// through the typed client generated from the OpenAPI document.
    /// </summary>
    public static async Task<string> DeliveredVehicleAsync(HttpClient operatorClient, DateOnly? deliveredOn = null, string model = "Q5", string batch = "B9", string dealerCode = "D1")
    {
        var api = new AfterSalesApi(operatorClient);
        var vin = TestVins.Next();
        var delivery = deliveredOn ?? new DateOnly(2026, 2, 1);
        var created = await api.RegisterVehicleAsync(null, new RegisterVehicleRequest
        {
            Vin = vin, Model = model, Batch = batch, ProductionDate = delivery.AddMonths(-1), Powertrain = Powertrain.Ice, Price = 300000,
        });
        var delivered = await api.DeliverVehicleAsync(vin, null, null, new DeliveryRequest
        {
            OwnerName = "Wang Fang", OwnerPhone = "13900000000", DealerCode = dealerCode, InvoiceDate = delivery, DeliveryDate = delivery, OdometerKm = 5,
        });
        Assert.Equal(vin, created.Vin);
        Assert.Equal(VehicleLifecycle.Delivered, delivered.State);
        return vin;
    }
}
