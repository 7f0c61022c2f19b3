using System.Net;
using System.Text.Json.Nodes;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>POST /api/vehicles and GET /api/vehicles/{vin}: registration, reading back, and every way a request is refused.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RegistrationTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    public static TheoryData<string> InvalidVinKinds => ["wrongCheckDigit", "letterI", "letterO", "letterQ", "sixteenChars", "eighteenChars"];

    public static TheoryData<string> RequiredFields => ["vin", "model", "batch", "productionDate", "powertrain", "price"];

    [Fact]
    public async Task Register_ValidVehicle_Is201WithLocationAndTheVehicle()
    {
        var vin = TestVins.Next();
        var request = _api.Registration(vin, Powertrain.Hev);

        using var response = await _api.PostRegistrationAsync(request);

        var body = await VehicleClient.ReadAsync<VehicleView>(response, HttpStatusCode.Created);
        Assert.Equal($"/api/vehicles/{vin}", response.Headers.Location?.OriginalString);
        Assert.Equal(vin, body.Vin);
        Assert.Equal(request.Model, body.Model);
        Assert.Equal(request.Batch, body.Batch);
        Assert.Equal(request.ProductionDate, body.ProductionDate);
        Assert.Equal(Powertrain.Hev, body.Powertrain);
        Assert.Equal(request.Price, body.Price);
        Assert.Equal(VehicleLifecycle.Produced, body.State);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        // Its batch holds it (a row, not a VIN in the batch's document) and the vehicle owes nothing more.
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT coalesce(jsonb_array_length(payload->'outbox'), 0) FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
        Assert.Equal(request.Model, await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT body->>'model' FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = @batch AND kind = 'vin' AND row_key = @vin",
            ("batch", request.Batch!), ("vin", vin)));
    }

    [Fact]
    public async Task Get_RegisteredVehicle_ReturnsIdentityStateAndOdometer_WithEnumsAsCamelCaseStrings()
    {
        var vin = TestVins.Next();
        var request = _api.Registration(vin);
        await _api.RegisterAsync(request);

        var json = JsonNode.Parse(await _api.GetBodyAsync(VehicleClient.VehiclePath(vin)))!;

        Assert.Equal(vin, (string?)json["vin"]);
        Assert.Equal("EV5", (string?)json["model"]);
        Assert.Equal("B2025-11", (string?)json["batch"]);
        Assert.Equal(VehicleClient.Date(request.ProductionDate!.Value), (string?)json["productionDate"]);
        Assert.Equal("bev", (string?)json["powertrain"]);
        Assert.Equal("produced", (string?)json["state"]);
        Assert.Equal(0, (int?)json["odometerKm"]);
        Assert.Null(json["owner"]);
    }

    [Fact]
    public async Task Register_LowerCaseVin_IsStoredAndFoundUnderTheUpperCaseVin()
    {
        var vin = TestVins.Next();

        var created = await _api.RegisterAsync(_api.Registration(vin.ToLowerInvariant()));

        Assert.Equal(vin, created.Vin);
        Assert.Equal(vin, (await _api.GetVehicleAsync(vin.ToLowerInvariant())).Vin);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/warranty")]
    [InlineData("/history")]
    public async Task Get_UnknownValidVin_Is404Problem(string route)
    {
        var vin = TestVins.Next();

        using var response = await _api.GetAsync(VehicleClient.VehiclePath(vin) + route);

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("No vehicle with this VIN", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [MemberData(nameof(InvalidVinKinds))]
    public async Task Register_InvalidVin_Is400NamingVin_AndStoresNothing(string kind)
    {
        var vin = InvalidVin(kind);

        using var response = await _api.PostRegistrationAsync(_api.Registration(vin));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["vin"], problem.Errors.Keys);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [MemberData(nameof(InvalidVinKinds))]
    public async Task Get_InvalidVin_Is400NamingVin(string kind)
    {
        var vin = InvalidVin(kind);

        foreach (var route in new[] { "", "/warranty", "/history" })
        {
            using var response = await _api.GetAsync(VehicleClient.VehiclePath(vin) + route);

            var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(["vin"], problem.Errors.Keys);
        }

        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("wrongCheckDigit")]
    [InlineData("letterQ")]
    public async Task Commands_OnAnInvalidVin_Are400NamingVin_AndStoreNothing(string kind)
    {
        var vin = InvalidVin(kind);
        var today = _api.Today;
        var agreed = VehicleClient.At(today, 9);

        using var delivery = await _api.PostDeliveryAsync(vin, VehicleClient.Delivery(today, today));
        using var odometer = await _api.PostOdometerAsync(vin, new OdometerRequest(10, agreed));
        using var visit = await _api.PostVisitAsync(vin, VehicleClient.Visit("wo-1", agreed, null, 10));

        foreach (var response in new[] { delivery, odometer, visit })
        {
            Assert.Equal(["vin"], (await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task UnknownRouteOrVerb_IsAProblemWithADetail()
    {
        var vin = TestVins.Next();

        using var unknownRoute = await _api.GetAsync($"{VehicleClient.VehiclePath(vin)}/paint-colour");
        using var wrongVerb = await _api.Http.DeleteAsync(VehicleClient.VehiclePath(vin));

        Assert.Contains("paint-colour", (await VehicleClient.ReadProblemAsync(unknownRoute, HttpStatusCode.NotFound)).Detail, StringComparison.Ordinal);
        Assert.Contains("DELETE", (await VehicleClient.ReadProblemAsync(wrongVerb, HttpStatusCode.MethodNotAllowed)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WrongCheckDigit_SaysWhichCheckDigitWasExpected()
    {
        var vin = InvalidVin("wrongCheckDigit");

        using var response = await _api.PostRegistrationAsync(_api.Registration(vin));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("check digit", Assert.Single(problem.Errors["vin"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_SameVinAgain_Is409NamingTheCurrentState_AndChangesNothing()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        using (var whileProduced = await _api.PostRegistrationAsync(_api.Registration(vin)))
        {
            var problem = await VehicleClient.ReadProblemAsync(whileProduced, HttpStatusCode.Conflict);
            Assert.Contains("already registered (state: produced", problem.Detail, StringComparison.Ordinal);
        }

        await _api.DeliverAsync(vin, VehicleClient.Delivery(_api.Today.AddDays(-3), _api.Today.AddDays(-3)));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var response = await _api.PostRegistrationAsync(_api.Registration(vin) with { Model = "OTHER" });

        var conflict = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("already registered (state: delivered)", conflict.Detail, StringComparison.Ordinal);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal("EV5", (await _api.GetVehicleAsync(vin)).Model);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Register_MissingField_Is400NamingTheField(string field)
    {
        var vin = TestVins.Next();
        var body = RegistrationJson(vin);
        body.Remove(field);

        using var response = await _api.PostRawAsync("/api/vehicles", body.ToJsonString(), "application/json");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.Errors.Keys);
        Assert.Contains(field, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("price", "\"cheap\"")]
    [InlineData("price", "-5")]
    [InlineData("productionDate", "\"2026-13-45\"")]
    [InlineData("productionDate", "\"2099-01-01\"")]
    [InlineData("powertrain", "\"diesel\"")]
    [InlineData("powertrain", "2")]
    [InlineData("model", "42")]
    [InlineData("batch", "\"   \"")]
    // Model and batch are keys of the quality report, which joins them with '|'.
    [InlineData("model", "\"ID.4|B2\"")]
    [InlineData("batch", "\"B2026|01\"")]
    public async Task Register_IllTypedOrOutOfRangeField_Is400NamingTheField(string field, string jsonValue)
    {
        var vin = TestVins.Next();
        var body = RegistrationJson(vin);
        body[field] = JsonNode.Parse(jsonValue);

        using var response = await _api.PostRawAsync("/api/vehicles", body.ToJsonString(), "application/json");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.Errors.Keys);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("{\"vin\": ")]
    [InlineData("{\"vin\": \"1M8GDM9AXKP042788\",}")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Register_BrokenJson_Is400Problem(string body)
    {
        using var response = await _api.PostRawAsync("/api/vehicles", body, "application/json");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Register_WrongContentType_Is415Problem_AndStoresNothing(string contentType)
    {
        var vin = TestVins.Next();

        using var response = await _api.PostRawAsync("/api/vehicles", RegistrationJson(vin).ToJsonString(), contentType);

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Fact]
    public async Task Delivery_MissingAndIllTypedFields_Are400NamingEachField_AndChangeNothing()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        var missing = new JsonObject { ["ownerPhone"] = "13800000000", ["dealerCode"] = "D1", ["invoiceDate"] = "2026-05-01", ["deliveryDate"] = "2026-05-01" };

        using (var response = await _api.PostRawAsync($"{VehicleClient.VehiclePath(vin)}/delivery", missing.ToJsonString(), "application/json"))
        {
            var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(["odometerKm", "ownerName"], problem.Errors.Keys.Order());
        }

        missing["ownerName"] = "Li Lei";
        missing["odometerKm"] = "eight";
        using (var response = await _api.PostRawAsync($"{VehicleClient.VehiclePath(vin)}/delivery", missing.ToJsonString(), "application/json"))
        {
            var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(["odometerKm"], problem.Errors.Keys);
        }

        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(VehicleLifecycle.Produced, (await _api.GetVehicleAsync(vin)).State);
    }

    private JsonObject RegistrationJson(string vin) => new()
    {
        ["vin"] = vin,
        ["model"] = "EV5",
        ["batch"] = "B2025-11",
        ["productionDate"] = VehicleClient.Date(_api.Today.AddDays(-100)),
        ["powertrain"] = "bev",
        ["price"] = 250000,
    };

    private static string InvalidVin(string kind)
    {
        var valid = TestVins.Next();
        return kind switch
        {
            "wrongCheckDigit" => valid[..8] + (valid[8] == '1' ? '2' : '1') + valid[9..],
            "letterI" => valid[..3] + 'I' + valid[4..],
            "letterO" => valid[..3] + 'O' + valid[4..],
            "letterQ" => valid[..3] + 'Q' + valid[4..],
            "sixteenChars" => valid[..16],
            "eighteenChars" => valid + "7",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
