using System.Net;
using System.Text.Json.Nodes;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>POST /api/vehicles/{vin}/visits and GET …/history: the repair archive (客户维修档案).</summary>
[Collection(ClusterCollection.Name)]
public sealed class RepairArchiveTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Fact]
    public async Task Visit_Appended_IsReturnedAsRecorded_AndPutsTheVehicleInServiceAtItsMileage()
    {
        var deliveredOn = _api.Today.AddDays(-20);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var agreed = VehicleClient.At(deliveredOn.AddDays(3), 9, 30);
        var visit = VehicleClient.Visit("wo-0001", agreed, agreed.AddHours(26), 640);

        var record = await _api.AppendVisitAsync(vin, visit);

        Assert.Equal("wo-0001", record.Visit.VisitId);
        Assert.Equal("ST-BJ-001", record.Visit.StationCode);
        Assert.Equal(VisitKind.Repair, record.Visit.Kind);
        Assert.Equal(agreed, record.Visit.AgreedAt);
        Assert.Equal(agreed.AddHours(26), record.Visit.CompletedAt);
        Assert.Equal(640, record.Visit.MileageKm);
        Assert.Equal("P0A80", record.Visit.FaultCode);
        Assert.True(record.Visit.Warranty);
        Assert.Equal([new PartUsed("CN-2291", 1)], record.Visit.PartsUsed);
        Assert.Equal("Zhang Wei", record.Visit.Appraiser);
        Assert.Equal(2, record.RepairDays);
        Assert.Null(record.Comeback);
        Assert.Equal(_api.Now, record.RecordedAt);
        var vehicle = await _api.GetVehicleAsync(vin);
        Assert.Equal(VehicleLifecycle.InService, vehicle.State);
        Assert.Equal(640, vehicle.OdometerKm);
    }

    [Fact]
    public async Task History_ListsTheArchiveNewestFirst_EvenWhenAnOlderVisitIsRecordedLater()
    {
        var deliveredOn = _api.Today.AddDays(-90);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        await AppendAsync(vin, "wo-day10", deliveredOn.AddDays(10), 1_000, "P0001");
        await AppendAsync(vin, "wo-day50", deliveredOn.AddDays(50), 5_000, "P0002");
        await AppendAsync(vin, "wo-day70", deliveredOn.AddDays(70), 7_000, "P0003");
        // A paper record from day 30, entered after the others.
        await AppendAsync(vin, "wo-day30", deliveredOn.AddDays(30), 3_000, "P0004");

        var history = await _api.GetHistoryAsync(vin);

        Assert.Equal(["wo-day70", "wo-day50", "wo-day30", "wo-day10"], history.Select(r => r.Visit.VisitId));
    }

    [Fact]
    public async Task History_OfADeliveredVehicleWithoutVisits_IsEmpty()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-3));

        Assert.Empty(await _api.GetHistoryAsync(vin));
    }

    [Fact]
    public async Task Visit_SameFaultInsideTheRepairQualityGuarantee_IsFlaggedAsAComebackOfTheEarlierVisit()
    {
        var deliveredOn = _api.Today.AddDays(-60);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var first = await AppendAsync(vin, "wo-first", deliveredOn.AddDays(10), 1_000, "C1234", WorkGrade.Secondary);
        var unrelated = await AppendAsync(vin, "wo-other", deliveredOn.AddDays(20), 1_800, "B9999");

        var comeback = await AppendAsync(vin, "wo-again", deliveredOn.AddDays(25), 2_200, "c1234");

        Assert.Null(first.Comeback);
        Assert.Null(unrelated.Comeback);
        Assert.Equal(new ComebackView("wo-first", WorkGrade.Secondary, 15, 1_200, false), comeback.Comeback);
        var stored = (await _api.GetHistoryAsync(vin)).Single(r => r.Visit.VisitId == "wo-again");
        Assert.Equal(comeback.Comeback, stored.Comeback);
    }

    [Fact]
    public async Task Visit_SameFaultAfterTheGuarantee_IsNotAComeback()
    {
        var deliveredOn = _api.Today.AddDays(-60);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        await AppendAsync(vin, "wo-first", deliveredOn.AddDays(10), 1_000, "C1234", WorkGrade.Minor);

        var later = await AppendAsync(vin, "wo-later", deliveredOn.AddDays(21), 1_100, "C1234");

        Assert.Null(later.Comeback);
    }

    [Fact]
    public async Task Visit_SameVisitIdAndDetailsAgain_IsANoOpReturningTheFirstRecord()
    {
        var deliveredOn = _api.Today.AddDays(-20);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var agreed = VehicleClient.At(deliveredOn.AddDays(2), 10);
        var visit = VehicleClient.Visit("wo-dup", agreed, agreed.AddHours(4), 300);
        using var first = await _api.PostVisitAsync(vin, visit);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var again = await _api.PostVisitAsync(vin, visit);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Single(await _api.GetHistoryAsync(vin));
    }

    [Fact]
    public async Task Visit_SameVisitIdWithDifferentDetails_Is409AndChangesNothing()
    {
        var deliveredOn = _api.Today.AddDays(-20);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var agreed = VehicleClient.At(deliveredOn.AddDays(2), 10);
        var visit = VehicleClient.Visit("wo-dup", agreed, agreed.AddHours(4), 300);
        await _api.AppendVisitAsync(vin, visit);
        var history = await _api.GetBodyAsync($"{VehicleClient.VehiclePath(vin)}/history");
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);

        using var response = await _api.PostVisitAsync(vin, visit with { MileageKm = 350, WorkDone = "Something else" });

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("wo-dup", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(history, await _api.GetBodyAsync($"{VehicleClient.VehiclePath(vin)}/history"));
    }

    [Fact]
    public async Task Visit_WithAMileageBelowTheLatestReading_Is409AndChangesNothing()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-20));
        var before = await _api.RecordOdometerAsync(vin, new OdometerRequest(1_000, VehicleClient.At(_api.Today.AddDays(-3), 9)));
        var version = await VehicleRows.VersionAsync(fixture.ConnectionString, vin);
        var agreed = VehicleClient.At(_api.Today.AddDays(-1), 9);

        using var response = await _api.PostVisitAsync(vin, VehicleClient.Visit("wo-back", agreed, agreed.AddHours(1), 999));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("never go backwards", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(version, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
        Assert.Equal(before, await _api.GetVehicleAsync(vin));
        Assert.Empty(await _api.GetHistoryAsync(vin));
    }

    [Theory]
    [InlineData(null)]
    // Fault codes are keys of the quality report, which joins them with '|'.
    [InlineData("P0301|P0302")]
    public async Task Visit_RepairWithoutAUsableFaultCode_Is400NamingFaultCode(string? faultCode)
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-20));
        var agreed = VehicleClient.At(_api.Today.AddDays(-2), 10);

        using var response = await _api.PostVisitAsync(vin, VehicleClient.Visit("wo-nofault", agreed, agreed.AddHours(1), 100, faultCode: faultCode));

        Assert.Equal(["faultCode"], (await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest)).Errors.Keys);
        Assert.Empty(await _api.GetHistoryAsync(vin));
    }

    [Fact]
    public async Task Visit_IllTypedFields_Are400NamingTheField()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-20));
        var path = $"{VehicleClient.VehiclePath(vin)}/visits";
        var visit = new JsonObject
        {
            ["visitId"] = "wo-typed",
            ["stationCode"] = "ST-BJ-001",
            ["kind"] = "teleport",
            ["agreedAt"] = VehicleClient.At(_api.Today.AddDays(-2), 10).ToString("O"),
            ["mileageKm"] = 100,
        };

        using (var badKind = await _api.PostRawAsync(path, visit.ToJsonString(), "application/json"))
        {
            Assert.Equal(["kind"], (await VehicleClient.ReadProblemAsync(badKind, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        visit["kind"] = "maintenance";
        visit["partsUsed"] = new JsonArray(new JsonObject { ["partNo"] = "", ["quantity"] = 0 });
        using (var badPart = await _api.PostRawAsync(path, visit.ToJsonString(), "application/json"))
        {
            Assert.Equal(["partsUsed[0]"], (await VehicleClient.ReadProblemAsync(badPart, HttpStatusCode.BadRequest)).Errors.Keys);
        }

        Assert.Empty(await _api.GetHistoryAsync(vin));
    }

    [Fact]
    public async Task Visit_ForAProducedVehicle_Is409NamingTheState()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));
        var agreed = VehicleClient.At(_api.Today.AddDays(-1), 10);

        using var response = await _api.PostVisitAsync(vin, VehicleClient.Visit("wo-early", agreed, agreed.AddHours(1), 10));

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("produced (not delivered)", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(VehicleRows.AfterRegistration, await VehicleRows.VersionAsync(fixture.ConnectionString, vin));
    }

    private Task<RepairRecordView> AppendAsync(string vin, string visitId, DateOnly day, int mileageKm, string faultCode, WorkGrade grade = WorkGrade.Minor)
    {
        var agreed = VehicleClient.At(day, 9);
        return _api.AppendVisitAsync(vin, VehicleClient.Visit(visitId, agreed, agreed.AddHours(5), mileageKm, faultCode: faultCode, workGrade: grade));
    }
}
