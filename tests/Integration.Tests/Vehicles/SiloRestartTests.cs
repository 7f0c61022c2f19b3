using System.Net;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;
using Xunit.Abstractions;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>A vehicle's state lives in PostgreSQL, not in the silo: a restarted silo answers exactly as before.</summary>
public sealed class SiloRestartTests(RestartableClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RestartableClusterFixture>
{
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(30);

    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Fact]
    public async Task Vehicle_SurvivesASiloRestart_WithTheSameVehicleWarrantyAndHistory()
    {
        var deliveredOn = _api.Today.AddDays(-45);
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        await _api.DeliverAsync(vin, VehicleClient.Delivery(deliveredOn.AddDays(-1), deliveredOn));
        var agreed = VehicleClient.At(deliveredOn.AddDays(5), 9);
        var longRepair = VehicleClient.Visit("wo-before-restart", agreed, agreed.AddDays(7), 850, faultCode: "P0A1F");
        await _api.AppendVisitAsync(vin, longRepair);
        var firstMaintenance = VehicleClient.At(deliveredOn.AddDays(30), 14);
        await _api.AppendVisitAsync(vin, VehicleClient.Visit("fm-before-restart", firstMaintenance, firstMaintenance.AddHours(1), 2_100, VisitKind.FirstMaintenance));
        var vehicle = await _api.GetBodyAsync(VehicleClient.VehiclePath(vin));
        var warranty = await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin));
        var history = await _api.GetBodyAsync($"{VehicleClient.VehiclePath(vin)}/history");
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);
        Assert.Contains("\"Art. 21\"", warranty, StringComparison.Ordinal);

        // Awaited signals, no sleeps: the client's observer hears the connection go and come back, then the
        // client's cluster manifest names the new silo (see RestartableClusterFixture for why both are needed).
        await fixture.RestartSiloAsync(ReconnectTimeout);
        output.WriteLine(string.Join(Environment.NewLine, fixture.Gateways.Events));

        Assert.Equal(vehicle, await _api.GetBodyAsync(VehicleClient.VehiclePath(vin)));
        Assert.Equal(warranty, await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)));
        Assert.Equal(history, await _api.GetBodyAsync($"{VehicleClient.VehiclePath(vin)}/history"));

        // The reloaded state carries on: the same visit again is still a no-op, a new reading is stored once.
        await _api.AppendVisitAsync(vin, longRepair);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        var read = await _api.RecordOdometerAsync(vin, new OdometerRequest(2_500, VehicleClient.At(_api.Today.AddDays(-1), 9)));
        Assert.Equal(2_500, read.OdometerKm);
        Assert.Equal(version + 1, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        using var again = await _api.PostRegistrationAsync(_api.Registration(vin));
        await VehicleClient.ReadProblemAsync(again, HttpStatusCode.Conflict);
    }
}
