using System.Net;
using System.Net.Http.Json;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>POST /api/vehicles/bulk: many vehicles, each with delivery, reading and past visits, each accepted or refused on its own.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BulkImportTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Fact]
    public async Task Bulk_ValidAndInvalidVehicles_CountsEach_NamesTheRefusedIndexes_AndTheValidOnesAreReadable()
    {
        var full = TestVins.Next();
        var bare = TestVins.Next();
        var noReading = TestVins.Next();
        var badCheckDigit = WithWrongCheckDigit(TestVins.Next());
        var missingModel = TestVins.Next();
        var existing = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(existing));
        var deliveredOn = _api.Today.AddDays(-120);
        var delivery = VehicleClient.Delivery(deliveredOn.AddDays(-2), deliveredOn);
        var visits = new[]
        {
            VehicleClient.Visit("imp-2", VehicleClient.At(deliveredOn.AddDays(60), 9), VehicleClient.At(deliveredOn.AddDays(60), 15), 6_100, faultCode: "P0300"),
            VehicleClient.Visit("imp-1", VehicleClient.At(deliveredOn.AddDays(30), 9), VehicleClient.At(deliveredOn.AddDays(30), 12), 3_050, VisitKind.FirstMaintenance),
        };
        var request = new BulkVehiclesRequest(
        [
            new BulkVehicle(_api.Registration(full), delivery, new OdometerRequest(7_400, VehicleClient.At(_api.Today.AddDays(-1), 18)), visits),
            new BulkVehicle(_api.Registration(bare, Powertrain.Ice), null, null, null),
            new BulkVehicle(_api.Registration(badCheckDigit), delivery, null, null),
            new BulkVehicle(_api.Registration(noReading, Powertrain.Hev), delivery, null, [visits[1]]),
            new BulkVehicle(_api.Registration(missingModel) with { Model = null }, null, null, null),
            new BulkVehicle(_api.Registration(existing), null, null, null),
        ]);

        using var response = await _api.PostBulkAsync(request);

        var result = await VehicleClient.ReadAsync<BulkVehiclesResult>(response, HttpStatusCode.OK);
        Assert.Equal(3, result.Accepted);
        Assert.Equal(3, result.Refused);
        Assert.Equal([2, 4, 5], result.Refusals.Select(r => r.Index));
        Assert.Equal((badCheckDigit, 400), (result.Refusals[0].Vin, result.Refusals[0].Status));
        Assert.Contains("check digit", result.Refusals[0].Error, StringComparison.Ordinal);
        Assert.Equal((missingModel, 400), (result.Refusals[1].Vin, result.Refusals[1].Status));
        Assert.Contains("vehicle.model", result.Refusals[1].Error, StringComparison.Ordinal);
        Assert.Equal((existing, 409), (result.Refusals[2].Vin, result.Refusals[2].Status));
        Assert.Contains("already registered", result.Refusals[2].Error, StringComparison.Ordinal);
        Assert.Equal(["validation-failed", "validation-failed", "already-exists"], result.Refusals.Select(r => r.Code));

        var fullVehicle = await _api.GetVehicleAsync(full);
        Assert.Equal(VehicleLifecycle.InService, fullVehicle.State);
        Assert.Equal(7_400, fullVehicle.OdometerKm);
        Assert.Equal(deliveredOn, fullVehicle.CoverageStart);
        Assert.Equal("Li Lei", fullVehicle.Owner?.Name);
        Assert.Equal(["imp-2", "imp-1"], (await _api.GetHistoryAsync(full)).Select(r => r.Visit.VisitId));
        Assert.Equal(FirstMaintenanceState.Done, (await _api.GetWarrantyAsync(full)).FirstMaintenance?.State);

        Assert.Equal(VehicleLifecycle.Produced, (await _api.GetVehicleAsync(bare)).State);
        Assert.Equal(Powertrain.Ice, (await _api.GetVehicleAsync(bare)).Powertrain);
        var hev = await _api.GetVehicleAsync(noReading);
        Assert.Equal((VehicleLifecycle.InService, 3_050), (hev.State, hev.OdometerKm));

        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, badCheckDigit));
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, missingModel));
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, existing));
        using var missing = await _api.GetAsync(VehicleClient.VehiclePath(missingModel));
        await VehicleClient.ReadProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bulk_VehicleWhoseVisitIsRefused_IsNotImportedAtAll()
    {
        var vin = TestVins.Next();
        var deliveredOn = _api.Today.AddDays(-30);
        // A visit agreed before the delivery cannot be in the archive: the whole vehicle is refused.
        var early = VehicleClient.Visit("imp-early", VehicleClient.At(deliveredOn.AddDays(-3), 9), null, 0);
        var request = new BulkVehiclesRequest([new BulkVehicle(_api.Registration(vin), VehicleClient.Delivery(deliveredOn, deliveredOn), null, [early])]);

        using var response = await _api.PostBulkAsync(request);

        var result = await VehicleClient.ReadAsync<BulkVehiclesResult>(response, HttpStatusCode.OK);
        Assert.Equal((0, 1), (result.Accepted, result.Refused));
        var refusal = Assert.Single(result.Refusals);
        Assert.Equal((0, vin, 400), (refusal.Index, refusal.Vin, refusal.Status));
        Assert.Contains("imp-early", refusal.Error, StringComparison.Ordinal);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    /// <summary>
    /// A bulk request retried with its Idempotency-Key answers as the first did and imports nothing twice. The key's row
    /// keeps each vehicle's outcome, not its view: the bulk reply carries only statuses, and the view would copy the
    /// owner's name and phone into the row.
    /// </summary>
    [Fact]
    public async Task Bulk_RetriedWithItsKey_AnswersTheSame_ImportsOnce_AndKeepsNoOwnerInTheKeyRow()
    {
        var (first, second) = (TestVins.Next(), TestVins.Next());
        var deliveredOn = _api.Today.AddDays(-40);
        var visit = VehicleClient.Visit("imp-k1", VehicleClient.At(deliveredOn.AddDays(20), 9), VehicleClient.At(deliveredOn.AddDays(20), 12), 2_000);
        var request = new BulkVehiclesRequest(
        [
            new BulkVehicle(_api.Registration(first), VehicleClient.Delivery(deliveredOn, deliveredOn), null, [visit]),
            new BulkVehicle(_api.Registration(second), null, null, null),
        ]);
        var key = "bulk-" + first;

        using var response = await _api.PostAsync("/api/vehicles/bulk", request, key);
        var firstResult = await VehicleClient.ReadAsync<BulkVehiclesResult>(response, HttpStatusCode.OK);
        using var retried = await _api.PostAsync("/api/vehicles/bulk", request, key);
        var retriedResult = await VehicleClient.ReadAsync<BulkVehiclesResult>(retried, HttpStatusCode.OK);

        Assert.Equal((2, 0), (firstResult.Accepted, firstResult.Refused));
        Assert.Equal((2, 0), (retriedResult.Accepted, retriedResult.Refused));
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, second));
        Assert.Equal(["imp-k1"], (await _api.GetHistoryAsync(first)).Select(r => r.Visit.VisitId));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'fleetBatch' AND kind = 'vin' AND row_key = @vin", ("vin", first)));
        var keyRow = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT body::text FROM grain_rows WHERE state_name = 'vehicle' AND grain_key = @vin AND kind = 'key'", ("vin", first));
        Assert.Contains(key + "#0", keyRow, StringComparison.Ordinal);
        Assert.DoesNotContain("Li Lei", keyRow, StringComparison.Ordinal);
        Assert.DoesNotContain("\"vehicle\"", keyRow, StringComparison.Ordinal);
    }

    /// <summary>
    /// Only an operator imports history: a bulk item states delivery, readings and past visits (warranty repairs among
    /// them) that for any other caller are facts only an approved claim or the owning station establishes.
    /// </summary>
    [Theory]
    [InlineData(AfterSales.Api.Security.Roles.Station, "S001")]
    [InlineData(AfterSales.Api.Security.Roles.CallCentre, null)]
    [InlineData(AfterSales.Api.Security.Roles.Warranty, null)]
    [InlineData(AfterSales.Api.Security.Roles.Parts, null)]
    [InlineData(AfterSales.Api.Security.Roles.Reader, null)]
    public async Task Bulk_ByAnyoneButAnOperator_Is403_AndImportsNothing(string role, string? station)
    {
        var vin = TestVins.Next();
        var deliveredOn = _api.Today.AddDays(-10);
        var request = new BulkVehiclesRequest([new BulkVehicle(_api.Registration(vin), VehicleClient.Delivery(deliveredOn, deliveredOn), null, null)]);
        using var caller = fixture.Api.CreateClient(role, station);

        using var response = await caller.PostAsJsonAsync("/api/vehicles/bulk", request, VehicleClient.Json);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await VehicleRows.CountAsync(fixture.ConnectionString, vin));
    }

    [Theory]
    [InlineData("{\"vehicles\":[]}")]
    [InlineData("{}")]
    [InlineData("{\"vehicles\":null}")]
    public async Task Bulk_WithoutVehicles_Is400NamingVehicles(string body)
    {
        using var response = await _api.PostRawAsync("/api/vehicles/bulk", body, "application/json");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["vehicles"], problem.Errors.Keys);
    }

    private static string WithWrongCheckDigit(string vin) => vin[..8] + (vin[8] == '3' ? '4' : '3') + vin[9..];
}
