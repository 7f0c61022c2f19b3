using System.Net;
using System.Text.Json;
using AfterSales.Domain.Stations;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reports;

/// <summary>
/// GET /api/reports/stations/{yyyy-MM}: each station's inputs as events reported them (completed orders, comebacks
/// charged to the station whose repair did not hold, recall work), graded with the configured policy.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StationGradesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Grades_ShowEachStationsInputs_WithComebacksChargedToTheStationWhoseRepairDidNotHold()
    {
        var http = fixture.Http;
        var tag = Token();
        var province = $"Grades{tag}";
        var first = await StationAsync(http, province, 30.5, 114.3, bays: 5);
        var second = await StationAsync(http, province, 30.6, 114.2, bays: 5);

        // A brake repair at the first station that does not hold: the same fault again at the second is a comeback.
        var repaired = await DeliveredVehicleAsync(http);
        await CompleteAsync(first, repaired, 1_000, "repair");
        await CompleteAsync(second, repaired, 1_100, "repair");
        await CompleteAsync(first, await DeliveredVehicleAsync(http), 2_000, "maintenance");

        // Recall work at the second station.
        var recalled = await DeliveredVehicleAsync(http);
        var campaign = $"RG-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(http, "/api/recalls", JsonSerializer.Serialize(new
        {
            campaignId = campaign, description = "Seat belt anchor", models = Array.Empty<string>(), batches = Array.Empty<string>(), vins = new[] { recalled }, remedy = "Replace the anchor",
        })));
        var order = await ExpectAsync(HttpStatusCode.Created, PostAsync(http, $"/api/stations/{second}/work-orders", JsonSerializer.Serialize(new
        {
            vin = recalled, odometerKm = 3_000, kind = "recall", faultCode = "RCL-9", system = "body", description = "recall", recallCampaignId = campaign,
        })));
        var id = order.GetProperty("id").GetString()!;
        await MoveAsync(http, second, id, "start");
        await MoveAsync(http, second, id, "complete");

        var report = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, "/api/reports/stations/2026-06"));
        Assert.Equal(1.0, report.GetProperty("weights").EnumerateObject().Sum(w => w.Value.GetDouble()), 6);
        var rows = report.GetProperty("stations").EnumerateArray().Where(s => s.GetProperty("province").GetString() == province)
            .ToDictionary(s => s.GetProperty("code").GetString()!);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));

        var expected = new Dictionary<string, StationMonthInputs>
        {
            [first] = new(CompletedWorkOrders: 2, Comebacks: 1, Complaints: 0, SlaBreaches: 0, SatisfactionSum: 0, SatisfactionCount: 0, RecallsCompleted: 0),
            [second] = new(CompletedWorkOrders: 2, Comebacks: 0, Complaints: 0, SlaBreaches: 0, SatisfactionSum: 0, SatisfactionCount: 0, RecallsCompleted: 1),
        };
        foreach (var (code, inputs) in expected)
        {
            var row = rows[code];
            var shown = row.GetProperty("inputs");
            Assert.Equal(inputs.CompletedWorkOrders, shown.GetProperty("completedWorkOrders").GetInt64());
            Assert.Equal(inputs.Comebacks, shown.GetProperty("comebacks").GetInt64());
            Assert.Equal(inputs.RecallsCompleted, shown.GetProperty("recallsCompleted").GetInt64());
            var grade = StationGrades.Grade(inputs, new GradePolicy());
            Assert.Equal(grade.Grade, row.GetProperty("grade").GetString());
            Assert.Equal(grade.Score, row.GetProperty("score").GetDouble());
        }

        // Half the comeback limit is not enough: a 50 % comeback rate costs the first station its whole comeback score.
        Assert.Equal(0, rows[first].GetProperty("scores").GetProperty("comebacks").GetDouble());
        Assert.Equal(1, rows[second].GetProperty("scores").GetProperty("comebacks").GetDouble());
    }

    [Theory]
    [InlineData("2026-00")]
    [InlineData("26-06")]
    public async Task ABadMonth_Is400NamingIt(string month)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(fixture.Http, $"/api/reports/stations/{month}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("month", out _));
    }

    private async Task CompleteAsync(string station, string vin, int km, string kind)
    {
        var id = await OpenAsync(fixture.Http, station, vin, km, kind);
        await MoveAsync(fixture.Http, station, id, "start");
        await MoveAsync(fixture.Http, station, id, "complete");
    }
}
