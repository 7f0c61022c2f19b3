using System.Net;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>The Idempotency-Key header: a retry returns the first outcome and applies nothing twice.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdempotencyTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Fact]
    public async Task Register_RetriedWithTheSameKey_Returns201AndTheSameBody_AndChangesNothing()
    {
        var vin = TestVins.Next();
        var key = $"reg-{Guid.NewGuid():N}";
        using var first = await _api.PostRegistrationAsync(_api.Registration(vin), key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var retry = await _api.PostRegistrationAsync(_api.Registration(vin), key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal(VehicleRows.AfterRegistration, version);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Register_RepeatedWithoutAKey_Is409()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));

        using var repeat = await _api.PostRegistrationAsync(_api.Registration(vin));

        var problem = await VehicleClient.ReadProblemAsync(repeat, HttpStatusCode.Conflict);
        Assert.Contains("already registered", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Delivery_RetriedWithTheSameKey_ReturnsTheFirstOutcome_EvenAfterTheVehicleMovedOn()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        var delivery = VehicleClient.Delivery(_api.Today.AddDays(-8), _api.Today.AddDays(-8));
        var key = $"dlv-{Guid.NewGuid():N}";
        using var first = await _api.PostDeliveryAsync(vin, delivery, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await _api.RecordOdometerAsync(vin, new OdometerRequest(700, VehicleClient.At(_api.Today.AddDays(-1), 9)));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        // Without the key the same delivery would now be a 409 (the vehicle is in service).
        using var retry = await _api.PostDeliveryAsync(vin, delivery, key);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(VehicleLifecycle.InService, (await _api.GetVehicleAsync(vin)).State);
    }

    [Fact]
    public async Task Visit_RetriedWithTheSameKey_IsRecordedOnce()
    {
        var deliveredOn = _api.Today.AddDays(-20);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var agreed = VehicleClient.At(deliveredOn.AddDays(1), 9);
        var visit = VehicleClient.Visit("wo-key", agreed, agreed.AddHours(2), 200);
        var key = $"vis-{Guid.NewGuid():N}";
        using var first = await _api.PostVisitAsync(vin, visit, key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var retry = await _api.PostVisitAsync(vin, visit, key);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Single(await _api.GetHistoryAsync(vin));
    }

    [Fact]
    public async Task SameKeyWithADifferentBody_Is409AndChangesNothing()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-4));
        var key = $"odo-{Guid.NewGuid():N}";
        await ReadOkAsync(await _api.PostOdometerAsync(vin, new OdometerRequest(500, VehicleClient.At(_api.Today.AddDays(-1), 9)), key));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var different = await _api.PostOdometerAsync(vin, new OdometerRequest(900, VehicleClient.At(_api.Today.AddDays(-1), 10)), key);

        var problem = await VehicleClient.ReadProblemAsync(different, HttpStatusCode.Conflict);
        Assert.Contains("Idempotency-Key", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(500, (await _api.GetVehicleAsync(vin)).OdometerKm);
    }

    [Fact]
    public async Task SameKeyOnRegistrationWithADifferentBody_Is409AndKeepsTheFirstVehicle()
    {
        var vin = TestVins.Next();
        var key = $"reg-{Guid.NewGuid():N}";
        await ReadCreatedAsync(await _api.PostRegistrationAsync(_api.Registration(vin), key));

        using var different = await _api.PostRegistrationAsync(_api.Registration(vin) with { Model = "EV7", Price = 199_000m }, key);

        var problem = await VehicleClient.ReadProblemAsync(different, HttpStatusCode.Conflict);
        Assert.Contains("different request", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal("EV5", (await _api.GetVehicleAsync(vin)).Model);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(129)]
    public async Task MalformedKey_TooLong_Is400NamingIdempotencyKey_AndStoresNothing(int length)
    {
        var vin = TestVins.Next();

        using var response = await _api.PostRegistrationAsync(_api.Registration(vin), new string('k', length));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["Idempotency-Key"], problem.Errors.Keys);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("nicht-ascii-ü")]
    public async Task MalformedKey_WithCharactersOutsideVisibleAscii_Is400NamingIdempotencyKey_AndChangesNothing(string key)
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-4));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var response = await _api.PostOdometerAsync(vin, new OdometerRequest(500, VehicleClient.At(_api.Today.AddDays(-1), 9)), key);

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["Idempotency-Key"], problem.Errors.Keys);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Key_IsAccepted_At128VisibleAsciiCharacters()
    {
        var vin = TestVins.Next();

        using var response = await _api.PostRegistrationAsync(_api.Registration(vin), new string('~', 64) + new string('!', 64));

        await ReadCreatedAsync(response);
    }

    private static async Task ReadOkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await VehicleClient.ReadAsync<VehicleView>(response, HttpStatusCode.OK);
        }
    }

    private static async Task ReadCreatedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await VehicleClient.ReadAsync<VehicleView>(response, HttpStatusCode.Created);
        }
    }
}
