using System.Net;
using System.Text.Json.Nodes;
using AfterSales.Api.Apis;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// GET /api/vehicles/{vin}/warranty over HTTP: coverage names and states at a few boundaries, 首保, and 三包
/// entitlements that arise from the repair archive. The rules themselves are table-tested in Domain.Tests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WarrantyTests(ClusterFixture fixture)
{
    private readonly VehicleClient _api = new(fixture.Http, fixture.Clock);

    [Theory]
    [InlineData(Powertrain.Bev, new[] { "warranty", "sanbao", "tractionBattery", "driveMotor" })]
    [InlineData(Powertrain.Hev, new[] { "warranty", "sanbao", "tractionBattery" })]
    [InlineData(Powertrain.Ice, new[] { "warranty", "sanbao" })]
    public async Task Warranty_NamesWarrantyAndSanbao_PlusTheComponentCoveragesOfThePowertrain(Powertrain powertrain, string[] names)
    {
        var deliveredOn = _api.Today.AddDays(-10);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn, powertrain);

        var warranty = await _api.GetWarrantyAsync(vin);

        Assert.Equal(names, warranty.Coverages.Select(c => c.Name));
        Assert.All(warranty.Coverages, c => Assert.Equal(CoverageState.Active, c.State));
        Assert.Equal((deliveredOn.AddMonths(36), 60_000), warranty.Coverages.Where(c => c.Name == "warranty").Select(c => (c.EndsOn, c.EndsAtKm)).Single());
        Assert.Equal((deliveredOn.AddMonths(24), 50_000), warranty.Coverages.Where(c => c.Name == "sanbao").Select(c => (c.EndsOn, c.EndsAtKm)).Single());
        Assert.All(warranty.Coverages.Skip(2), c => Assert.Equal((deliveredOn.AddMonths(96), 150_000), (c.EndsOn, c.EndsAtKm)));
        Assert.Empty(warranty.Entitlements);
        Assert.Empty(warranty.OpenRecalls);
    }

    [Fact]
    public async Task Warranty_WithoutAsOfOrMileage_IsAssessedTodayAtTheLatestReading()
    {
        var deliveredOn = _api.Today.AddDays(-50);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        await _api.RecordOdometerAsync(vin, new OdometerRequest(4_321, VehicleClient.At(_api.Today.AddDays(-1), 12)));

        var warranty = await _api.GetWarrantyAsync(vin);

        Assert.Equal(_api.Today, warranty.AsOf);
        Assert.Equal(4_321, warranty.MileageKm);
        Assert.Equal(VehicleLifecycle.InService, warranty.VehicleState);
        var coverage = warranty.Coverages.Single(c => c.Name == "warranty");
        Assert.Equal(60_000 - 4_321, coverage.RemainingKm);
        Assert.Equal(deliveredOn.AddMonths(36).DayNumber - _api.Today.DayNumber, coverage.RemainingDays);
    }

    [Fact]
    public async Task Warranty_AsOfYesterday_CountsOnlyReadingsDatedUpToYesterdayOnTheirOwnCalendar()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-10));
        await _api.RecordOdometerAsync(vin, new OdometerRequest(1_500, VehicleClient.At(_api.Today.AddDays(-1), 20)));
        // 01:00 in Beijing today is still yesterday in UTC; the reading belongs to today (Boundaries: an instant's
        // date is its date in its own offset).
        await _api.RecordOdometerAsync(vin, new OdometerRequest(3_000, VehicleClient.At(_api.Today, 1)));

        var yesterday = await _api.GetWarrantyAsync(vin, _api.Today.AddDays(-1));
        var today = await _api.GetWarrantyAsync(vin, _api.Today);

        Assert.Equal(1_500, yesterday.MileageKm);
        Assert.Equal(3_000, today.MileageKm);
    }

    /// <summary>Months and days after the coverage start, a mileage, and the state one coverage must be in.</summary>
    [Theory]
    [InlineData(24, 0, 49_999, "sanbao", "active", 0, 1)]
    [InlineData(24, 1, 10_000, "sanbao", "expiredByTime", 0, 0)]
    [InlineData(12, 0, 50_000, "sanbao", "expiredByMileage", 0, 0)]
    [InlineData(12, 0, 50_000, "warranty", "active", -1, 10_000)]
    [InlineData(36, 0, 59_999, "warranty", "active", 0, 1)]
    [InlineData(36, 1, 59_999, "warranty", "expiredByTime", 0, 0)]
    [InlineData(6, 0, 60_000, "warranty", "expiredByMileage", 0, 0)]
    [InlineData(96, 0, 149_999, "driveMotor", "active", 0, 1)]
    [InlineData(60, 0, 150_000, "tractionBattery", "expiredByMileage", 0, 0)]
    public async Task Warranty_AsOfDateAndMileage_GivesTheCoverageStateAtItsBoundary(
        int months, int days, int mileageKm, string coverage, string state, int remainingDays, int remainingKm)
    {
        var start = _api.Today.AddDays(-20);
        var vin = await _api.DeliveredVehicleAsync(start);
        var asOf = start.AddMonths(months).AddDays(days);

        var json = JsonNode.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin, asOf, mileageKm)))!;

        Assert.Equal(VehicleClient.Date(asOf), (string?)json["asOf"]);
        Assert.Equal(mileageKm, (int?)json["mileageKm"]);
        var found = json["coverages"]!.AsArray().Single(c => (string?)c!["name"] == coverage)!;
        Assert.Equal(state, (string?)found["state"]);
        if (remainingDays >= 0)
        {
            Assert.Equal(remainingDays, (int?)found["remainingDays"]);
        }

        Assert.Equal(remainingKm, (int?)found["remainingKm"]);
    }

    [Theory]
    [InlineData("asOf=2026-13-01", "asOf")]
    [InlineData("asOf=tomorrow", "asOf")]
    [InlineData("asOf=2026-6-1", "asOf")]
    [InlineData("asOf=01%2F06%2F2026", "asOf")]
    [InlineData("asOf=", "asOf")]
    [InlineData("mileageKm=-1", "mileageKm")]
    [InlineData("mileageKm=abc", "mileageKm")]
    [InlineData("mileageKm=1.5", "mileageKm")]
    [InlineData("mileageKm=10000001", "mileageKm")]
    [InlineData("mileageKm=", "mileageKm")]
    public async Task Warranty_BadAsOfOrMileage_Is400NamingTheField(string query, string field)
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-10));

        using var response = await _api.GetAsync($"{VehicleClient.VehiclePath(vin)}/warranty?{query}");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task Warranty_BothParametersBad_NamesBothFields()
    {
        var vin = await _api.DeliveredVehicleAsync(_api.Today.AddDays(-10));

        using var response = await _api.GetAsync($"{VehicleClient.VehiclePath(vin)}/warranty?asOf=never&mileageKm=far");

        var problem = await VehicleClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["asOf", "mileageKm"], problem.Errors.Keys.Order());
    }

    [Fact]
    public async Task Warranty_OfAProducedVehicle_HasNoCoverageYet()
    {
        var vin = TestVins.Next();
        await _api.RegisterAsync(_api.Registration(vin));

        var warranty = await _api.GetWarrantyAsync(vin);

        Assert.Null(warranty.CoverageStart);
        Assert.Empty(warranty.Coverages);
        Assert.Null(warranty.FirstMaintenance);
        Assert.Contains("Art. 18", warranty.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstMaintenance_IsDueAfterDelivery_MissedAfterTheWindow_AndDoneOnceAFirstMaintenanceVisitIsArchived()
    {
        var deliveredOn = _api.Today.AddDays(-40);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var dueBy = deliveredOn.AddMonths(6);

        var due = (await _api.GetWarrantyAsync(vin)).FirstMaintenance;
        var missedByTime = (await _api.GetWarrantyAsync(vin, dueBy.AddDays(1), 4_000)).FirstMaintenance;
        var missedByMileage = (await _api.GetWarrantyAsync(vin, _api.Today, 5_000)).FirstMaintenance;

        Assert.Equal(new FirstMaintenanceView(FirstMaintenanceState.Due, dueBy, 5_000), due);
        Assert.Equal(FirstMaintenanceState.Missed, missedByTime?.State);
        Assert.Equal(FirstMaintenanceState.Missed, missedByMileage?.State);

        var agreed = VehicleClient.At(deliveredOn.AddDays(30), 9);
        await _api.AppendVisitAsync(vin, VehicleClient.Visit("fm-1", agreed, agreed.AddHours(2), 1_500, VisitKind.FirstMaintenance, warranty: false));

        Assert.Equal(new FirstMaintenanceView(FirstMaintenanceState.Done, dueBy, 5_000), (await _api.GetWarrantyAsync(vin)).FirstMaintenance);
        Assert.Equal(FirstMaintenanceState.Done, (await _api.GetWarrantyAsync(vin, dueBy.AddDays(1), 4_000)).FirstMaintenance?.State);
        var json = JsonNode.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)))!;
        Assert.Equal("done", (string?)json["firstMaintenance"]!["state"]);
    }

    [Fact]
    public async Task Entitlement_FifthWarrantyRepairOfTheSameFault_GivesReplaceOrRefundUnderArt24_4()
    {
        var deliveredOn = _api.Today.AddDays(-100);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var ids = Enumerable.Range(1, 5).Select(i => $"wo-b1a2c-{i}").ToList();
        for (var i = 0; i < 4; i++)
        {
            await AppendRepairAsync(vin, ids[i], deliveredOn.AddDays(10 + (i * 12)), 500 + (i * 300));
        }

        // The 4th repair of one fault is the warranty department's early warning; Art. 24(4) needs more than 4.
        var afterFour = await _api.GetWarrantyAsync(vin);
        var warning = Assert.Single(afterFour.Entitlements);
        Assert.Equal(("Art. 24(4)", EntitlementStatus.Watch), (warning.Article, warning.Status));
        Assert.Equal(4, afterFour.Counters.RepairsByFault["B1A2C"]);

        await AppendRepairAsync(vin, ids[4], deliveredOn.AddDays(10 + (4 * 12)), 500 + (4 * 300));

        var json = JsonNode.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)))!;
        var entitlement = Assert.Single(json["entitlements"]!.AsArray())!;
        Assert.Equal("Art. 24(4)", (string?)entitlement["article"]);
        Assert.Equal("replaceOrRefund", (string?)entitlement["remedy"]);
        Assert.Equal("granted", (string?)entitlement["status"]);
        Assert.True((decimal?)entitlement["usageCompensation"] > 0); // Art. 27: a number, in CNY
        Assert.Contains("B1A2C", (string?)entitlement["reason"], StringComparison.Ordinal);
        Assert.Equal(ids, entitlement["visitIds"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(5, (int?)json["counters"]!["repairsByFault"]!["B1A2C"]);
        Assert.Equal(5, (int?)json["counters"]!["repairDays"]);
    }

    [Fact]
    public async Task Entitlement_RepairLastingSevenDays_GivesLoanerOrCompensationUnderArt21_ButFiveDaysDoesNot()
    {
        var deliveredOn = _api.Today.AddDays(-60);
        var vin = await _api.DeliveredVehicleAsync(deliveredOn);
        var fiveDays = VehicleClient.At(deliveredOn.AddDays(5), 9);
        await _api.AppendVisitAsync(vin, VehicleClient.Visit("wo-5d", fiveDays, fiveDays.AddDays(5), 300, faultCode: "U0100"));

        Assert.Empty((await _api.GetWarrantyAsync(vin)).Entitlements);

        var sevenDays = VehicleClient.At(deliveredOn.AddDays(20), 9);
        await _api.AppendVisitAsync(vin, VehicleClient.Visit("wo-7d", sevenDays, sevenDays.AddDays(7), 800, faultCode: "C0035"));

        var json = JsonNode.Parse(await _api.GetBodyAsync(VehicleClient.WarrantyPath(vin)))!;
        var entitlement = Assert.Single(json["entitlements"]!.AsArray())!;
        Assert.Equal("Art. 21", (string?)entitlement["article"]);
        Assert.Equal("loanerOrCompensation", (string?)entitlement["remedy"]);
        Assert.Equal(["wo-7d"], entitlement["visitIds"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("took 7 days", (string?)entitlement["reason"], StringComparison.Ordinal);
        Assert.Equal(12, (int?)json["counters"]!["repairDays"]);
    }

    private Task<RepairRecordView> AppendRepairAsync(string vin, string visitId, DateOnly day, int mileageKm)
    {
        var agreed = VehicleClient.At(day, 9);
        return _api.AppendVisitAsync(vin, VehicleClient.Visit(visitId, agreed, agreed.AddHours(3), mileageKm, faultCode: "B1A2C"));
    }
}
