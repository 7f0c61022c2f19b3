using System.Net;
using System.Text.Json;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>Produced → Delivered → InService → Replaced | Refunded | Scrapped, through the HTTP routes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LifecycleTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Fact]
    public async Task Deliver_ProducedVehicle_IsDeliveredWithOwnerDealerAndOdometer()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        var day = _api.Today.AddDays(-10);

        var delivered = await _api.DeliverAsync(vin, VehicleClient.Delivery(day, day, odometerKm: 12));

        var read = await _api.GetVehicleAsync(vin);
        foreach (var view in new[] { delivered, read })
        {
            Assert.Equal(VehicleLifecycle.Delivered, view.State);
            Assert.Equal(new OwnerView("Li Lei", "13800000000", day), view.Owner);
            Assert.Equal("DLR-021", view.DealerCode);
            Assert.Equal(day, view.InvoiceDate);
            Assert.Equal(day, view.DeliveryDate);
            Assert.Equal(day, view.CoverageStart);
            Assert.Equal(12, view.OdometerKm);
        }
    }

    [Fact]
    public async Task Deliver_OnAnotherDayThanTheInvoice_StartsCoverageOnTheDeliveryDate_Art18()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        var invoiced = _api.Today.AddDays(-20);
        var delivered = _api.Today.AddDays(-15);

        var view = await _api.DeliverAsync(vin, VehicleClient.Delivery(invoiced, delivered));

        Assert.Equal(delivered, view.CoverageStart);
        var warranty = await _api.GetWarrantyAsync(vin);
        Assert.Equal(delivered, warranty.CoverageStart);
        Assert.Equal(delivered.AddMonths(36), warranty.Coverages.Single(c => c.Name == "warranty").EndsOn);
        Assert.Equal(delivered.AddMonths(24), warranty.Coverages.Single(c => c.Name == "sanbao").EndsOn);
    }

    [Fact]
    public async Task Deliver_AlreadyDeliveredVehicle_Is409NamingTheState_AndChangesNothing()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-5));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);
        var again = VehicleClient.Delivery(_api.Today, _api.Today) with { OwnerName = "Han Meimei" };

        using var response = await _api.PostDeliveryAsync(vin, again);

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("is delivered", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal("Li Lei", (await _api.GetVehicleAsync(vin)).Owner?.Name);
    }

    [Fact]
    public async Task Deliver_UnknownVin_Is404()
    {
        var vin = TestVins.Next();

        using var response = await _api.PostDeliveryAsync(vin, VehicleClient.Delivery(_api.Today, _api.Today));

        await VehicleClient.ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Odometer_HigherReading_PutsTheVehicleInService()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-30));
        var readAt = VehicleClient.At(_api.Today.AddDays(-1), 17);

        var view = await _api.RecordOdometerAsync(vin, new OdometerRequest(1_234, readAt));

        Assert.Equal(VehicleLifecycle.InService, view.State);
        Assert.Equal(1_234, view.OdometerKm);
        Assert.Equal(readAt, view.OdometerReadAt);
        Assert.Equal(view, await _api.GetVehicleAsync(vin));
        Assert.Equal("1234", await VehicleRows.PayloadFieldAsync(fixture.ConnectionString, vin, "odometerKm"));
    }

    [Fact]
    public async Task Odometer_LowerReading_Is409AndChangesNothing()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-30));
        var before = await _api.RecordOdometerAsync(vin, new OdometerRequest(2_000, VehicleClient.At(_api.Today.AddDays(-2), 9)));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var response = await _api.PostOdometerAsync(vin, new OdometerRequest(1_999, VehicleClient.At(_api.Today.AddDays(-1), 9)));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("never go backwards", problem.Detail, StringComparison.Ordinal);
        var after = await _api.GetVehicleAsync(vin);
        Assert.Equal(2_000, after.OdometerKm);
        Assert.Equal(before, after);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Odometer_MissingOrIllTypedReading_Is400NamingTheField()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-30));
        var path = $"{VehicleClient.VehiclePath(vin)}/odometer";

        using (var missing = await _api.PostRawAsync(path, "{\"readAt\":\"2026-05-30T10:00:00+08:00\"}", "application/json"))
        {
            Assert.Equal(["readingKm"], (await VehicleClient.ReadProblemAsync(missing, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        using (var illTyped = await _api.PostRawAsync(path, "{\"readingKm\":100,\"readAt\":\"yesterday\"}", "application/json"))
        {
            Assert.Equal(["readAt"], (await VehicleClient.ReadProblemAsync(illTyped, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        using (var negative = await _api.PostOdometerAsync(vin, new OdometerRequest(-1, VehicleClient.At(_api.Today, 9))))
        {
            Assert.Equal(["readingKm"], (await VehicleClient.ReadProblemAsync(negative, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        Assert.Equal(VehicleLifecycle.Delivered, (await _api.GetVehicleAsync(vin)).State);
    }

    [Fact]
    public async Task Odometer_OnAProducedVehicle_Is409NamingTheState()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));

        using var response = await _api.PostOdometerAsync(vin, new OdometerRequest(10, VehicleClient.At(_api.Today, 9)));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("produced (not delivered)", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task OwnershipTransfer_ChangesTheOwner_AndKeepsEntitlementsAndCounters_Art30()
    {
        var deliveredOn = _api.Today.AddDays(-60);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        // A repair of 7 days gives an Art. 21 entitlement, so there is something to keep.
        var agreed = VehicleClient.At(deliveredOn.AddDays(10), 9);
        await _api.AppendVisitAsync(vin, VehicleClient.Visit("wo-long", agreed, agreed.AddDays(7), 900));
        using var before = JsonDocument.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)));
        var transferredOn = _api.Today.AddDays(-1);

        var view = await _api.TransferOwnershipAsync(vin, new OwnershipRequest("Han Meimei", "13911112222", transferredOn));

        Assert.Equal(new OwnerView("Han Meimei", "13911112222", transferredOn), view.Owner);
        Assert.Equal(1, view.PreviousOwners);
        Assert.Equal(view, await _api.GetVehicleAsync(vin));
        using var after = JsonDocument.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)));
        var entitlements = before.RootElement.GetProperty("entitlements");
        Assert.Equal("Art. 21", Assert.Single(entitlements.EnumerateArray()).GetProperty("article").GetString());
        Assert.True(JsonElement.DeepEquals(entitlements, after.RootElement.GetProperty("entitlements")), after.RootElement.GetRawText());
        Assert.True(JsonElement.DeepEquals(before.RootElement.GetProperty("counters"), after.RootElement.GetProperty("counters")));
        Assert.True(JsonElement.DeepEquals(before.RootElement.GetProperty("coverages"), after.RootElement.GetProperty("coverages")));
    }

    [Fact]
    public async Task OwnershipTransfer_BeforeTheCurrentOwnersStart_Is400NamingTransferDate()
    {
        var deliveredOn = _api.Today.AddDays(-10);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var response = await _api.PostOwnershipAsync(vin, new OwnershipRequest("Han Meimei", "13911112222", deliveredOn.AddDays(-1)));

        Assert.Equal(["transferDate"], (await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest)).Errors.Keys);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData(VehicleLifecycle.Replaced, "replaced")]
    [InlineData(VehicleLifecycle.Refunded, "refunded")]
    [InlineData(VehicleLifecycle.Scrapped, "scrapped")]
    public async Task EndOfLife_EndsTheVehicle_AndLaterOdometerOrDeliveryIs409NamingTheState(VehicleLifecycle outcome, string named)
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-40));
        await _api.RecordOdometerAsync(vin, new OdometerRequest(3_000, VehicleClient.At(_api.Today.AddDays(-2), 9)));
        var replacement = outcome == VehicleLifecycle.Replaced ? TestVins.Next() : null;

        var ended = await _api.EndLifeAsync(vin, new LifecycleRequest(outcome, _api.Today, 3_100, replacement, "三包 case 17"));

        Assert.Equal(outcome, ended.State);
        Assert.Equal(_api.Today, ended.EndedOn);
        Assert.Equal(3_100, ended.OdometerKm);
        Assert.Equal(replacement, ended.ReplacedByVin);
        Assert.Equal(ended, await _api.GetVehicleAsync(vin));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using (var odometer = await _api.PostOdometerAsync(vin, new OdometerRequest(3_200, VehicleClient.At(_api.Today, 9))))
        {
            var problem = await VehicleClient.ReadProblemAsync(odometer, HttpStatusCode.Conflict);
            Assert.Contains($"it is {named}", problem.Detail, StringComparison.Ordinal);
        }

        using (var delivery = await _api.PostDeliveryAsync(vin, VehicleClient.Delivery(_api.Today, _api.Today)))
        {
            var problem = await VehicleClient.ReadProblemAsync(delivery, HttpStatusCode.Conflict);
            Assert.Contains($"is {named}", problem.Detail, StringComparison.Ordinal);
        }

        using (var again = await _api.PostLifecycleAsync(vin, new LifecycleRequest(VehicleLifecycle.Scrapped, _api.Today, null, null, null)))
        {
            var problem = await VehicleClient.ReadProblemAsync(again, HttpStatusCode.Conflict);
            Assert.Contains($"it is {named}", problem.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(ended, await _api.GetVehicleAsync(vin));
    }

    [Theory]
    [InlineData("\"delivered\"")]
    [InlineData("\"inService\"")]
    [InlineData("\"sold\"")]
    public async Task EndOfLife_WithAStateThatIsNotAnEnd_Is400NamingState(string state)
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-40));

        using var response = await _api.PostRawAsync($"{VehicleClient.VehiclePath(vin)}/lifecycle",
            $"{{\"state\":{state},\"effectiveDate\":\"{VehicleClient.Date(_api.Today)}\"}}", "application/json");

        Assert.Equal(["state"], (await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest)).Errors.Keys);
        Assert.Equal(VehicleLifecycle.Delivered, (await _api.GetVehicleAsync(vin)).State);
    }
}
