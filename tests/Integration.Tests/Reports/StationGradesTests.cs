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
            vin = recalled, odometerKm = 1_500, kind = "recall", faultCode = "RCL-9", system = "body", description = "recall", recallCampaignId = campaign,
        })));
        var id = order.GetProperty("id").GetString()!;
        await MoveAsync(http, second, id, "start");
        await MoveAsync(http, second, id, "complete");

        // Every page of the report: the cluster's other tests have stations of their own.
        var (pages, all) = await StationGradesPagingTests.WalkAsync(http, BusinessMonth(), 500);
        Assert.Equal(1.0, pages[0].GetProperty("weights").EnumerateObject().Sum(w => w.Value.GetDouble()), 6);
        var rows = all.Where(s => s.GetProperty("province").GetString() == province).ToDictionary(s => s.GetProperty("code").GetString()!);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));

        var expected = new Dictionary<string, StationMonthInputs>
        {
            // Every completed order owes a satisfaction survey (seed 000 §5.6); none answered here.
            [first] = new(CompletedWorkOrders: 2, Comebacks: 1, Complaints: 0, SlaBreaches: 0, SatisfactionSum: 0, SatisfactionCount: 0, RecallsCompleted: 0, SurveysDue: 2),
            [second] = new(CompletedWorkOrders: 2, Comebacks: 0, Complaints: 0, SlaBreaches: 0, SatisfactionSum: 0, SatisfactionCount: 0, RecallsCompleted: 1, SurveysDue: 2),
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

    /// <summary>
    /// A random month of work, recall work and complaints (some answered too late) at six stations, then each
    /// station's inputs against a brute-force count over the same generated events (comebacks: the same fault or the same
    /// repair item again on the same vehicle, seed 002's 同一故障或维修项目 — here every maintenance is the same primary
    /// maintenance — charged to the station of the latest earlier work on it; all of it inside the guarantee).
    /// </summary>
    [Fact]
    public async Task RandomMonth_InputsOfEveryStation_MatchABruteForceCountOverTheGeneratedEvents()
    {
        var http = fixture.Http;
        var random = new Random(5);
        var tag = Token();
        var province = $"GradesR{tag}";
        var stations = new List<(string Code, double Lat, double Lon)>();
        for (var i = 0; i < 6; i++)
        {
            var (lat, lon) = (24.0 + i, 100.0 + i);
            stations.Add((await StationAsync(http, province, lat, lon, bays: 50), lat, lon));
        }

        var vehicles = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            vehicles.Add(await DeliveredVehicleAsync(http));
        }

        var completed = new Dictionary<string, long>();
        var comebacks = new Dictionary<string, long>();
        var lastWork = new Dictionary<(string Vin, string FaultOrItem), string>();
        var km = 1_000;
        for (var i = 0; i < 30; i++)
        {
            var station = stations[random.Next(stations.Count)].Code;
            var vin = vehicles[random.Next(vehicles.Count)];
            var repair = random.Next(3) > 0;
            var fault = repair ? (random.Next(2) == 0 ? "BRK-101" : "EL-7") : "";
            // A minute between orders, so "the latest earlier repair" is unambiguous (the day stays the same).
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            var id = await OpenAsync(http, station, vin, km += 10, repair ? "repair" : "maintenance", fault, repair ? "brakes" : "other");
            await MoveAsync(http, station, id, "start");
            await MoveAsync(http, station, id, "complete");
            completed[station] = completed.GetValueOrDefault(station) + 1;
            var work = (vin, repair ? fault : "maintenance:primary");
            if (lastWork.TryGetValue(work, out var responsible))
            {
                comebacks[responsible] = comebacks.GetValueOrDefault(responsible) + 1;
            }

            lastWork[work] = station;
        }

        // Recall work at random stations on vehicles a campaign lists (each vehicle once).
        var campaign = $"RGR-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(http, "/api/recalls", JsonSerializer.Serialize(new
        {
            campaignId = campaign, description = "Wiper motor", models = Array.Empty<string>(), batches = Array.Empty<string>(), vins = vehicles, remedy = "Replace the motor",
        })));
        var recalls = new Dictionary<string, long>();
        foreach (var vin in vehicles.Where(_ => random.Next(4) != 0).ToList())
        {
            var station = stations[random.Next(stations.Count)].Code;
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            var recall = await ExpectAsync(HttpStatusCode.Created, PostAsync(http, $"/api/stations/{station}/work-orders", JsonSerializer.Serialize(new
            {
                vin, odometerKm = km += 10, kind = "recall", faultCode = "RCL-1", system = "other", description = "recall remedy", recallCampaignId = campaign,
            })));
            var recallOrder = recall.GetProperty("id").GetString()!;
            await MoveAsync(http, station, recallOrder, "start");
            await MoveAsync(http, station, recallOrder, "complete");
            completed[station] = completed.GetValueOrDefault(station) + 1;
            recalls[station] = recalls.GetValueOrDefault(station) + 1;
        }

        var month = BusinessMonth();
        var complaints = new Dictionary<string, long>();
        var serviceRequests = new Dictionary<string, long>();
        var untouched = new List<(string Id, string Station, bool Complaint)>();
        var satisfaction = new Dictionary<string, (long Sum, long Count)>();
        for (var i = 0; i < 12; i++)
        {
            // A service request goes to the station nearest the caller; a complaint to the station it is about, wherever the caller is.
            var (code, lat, lon) = stations[random.Next(stations.Count)];
            var isComplaint = random.Next(2) == 0;
            var about = isComplaint ? stations[random.Next(stations.Count)].Code : null;
            var card = await ExpectAsync(HttpStatusCode.Created, PostAsync(http, "/api/complaints", JsonSerializer.Serialize(new
            {
                customerName = "Zhou Min", customerPhone = "13700000000", category = "service", severity = "general",
                latitude = lat, longitude = lon, description = "Waited too long", channel = "callCentre",
                kind = isComplaint ? "complaint" : "serviceRequest", aboutStation = about,
            })));
            code = about ?? code;
            Assert.Equal(code, card.GetProperty("stationCode").GetString());
            var counted = isComplaint ? complaints : serviceRequests;
            counted[code] = counted.GetValueOrDefault(code) + 1;
            var id = card.GetProperty("id").GetString()!;
            if (random.Next(2) == 0)
            {
                untouched.Add((id, code, isComplaint));
                continue;
            }

            foreach (var step in new[] { "respond", "arrive" })
            {
                await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/{step}", """{"note":"on it"}"""));
            }

            await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/plan", """{"note":"apologise and re-train","handling":"station"}"""));
            await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/resolve", """{"note":"done"}"""));
            var score = random.Next(1, 6);
            await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/callback", JsonSerializer.Serialize(new { resolved = true, satisfaction = score, note = "ok" })));
            var (sum, count) = satisfaction.GetValueOrDefault(code);
            satisfaction[code] = (sum + score, count + 1);
        }

        // The cards nobody answered run out of time: past the 30-minute response and (a service request's) 4-hour on-site
        // clock, a late response records the breaches (charged to the month the card was registered in). A complaint
        // has no on-site clock; neither kind reaches its 24-hour resolve clock here.
        fixture.Clock.Advance(TimeSpan.FromHours(5));
        var breaches = new Dictionary<string, long>();
        foreach (var (id, code, isComplaint) in untouched)
        {
            await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/respond", """{"note":"sorry, late"}"""));
            breaches[code] = breaches.GetValueOrDefault(code) + (isComplaint ? 1 : 2);
        }

        var (_, all) = await StationGradesPagingTests.WalkAsync(http, month, 500);
        var rows = all.Where(s => s.GetProperty("province").GetString() == province).ToDictionary(s => s.GetProperty("code").GetString()!);
        Assert.Equal(stations.Select(s => s.Code).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (code, _, _) in stations)
        {
            var inputs = rows[code].GetProperty("inputs");
            var expected = new StationMonthInputs(completed.GetValueOrDefault(code), comebacks.GetValueOrDefault(code), complaints.GetValueOrDefault(code),
                breaches.GetValueOrDefault(code), satisfaction.GetValueOrDefault(code).Sum, satisfaction.GetValueOrDefault(code).Count, recalls.GetValueOrDefault(code),
                SurveysDue: completed.GetValueOrDefault(code))
            {
                ServiceRequests = serviceRequests.GetValueOrDefault(code),
            };
            var actual = new StationMonthInputs(
                inputs.GetProperty("completedWorkOrders").GetInt64(),
                inputs.GetProperty("comebacks").GetInt64(),
                inputs.GetProperty("complaints").GetInt64(),
                inputs.GetProperty("slaBreaches").GetInt64(),
                inputs.GetProperty("satisfactionSum").GetInt64(),
                inputs.GetProperty("satisfactionCount").GetInt64(),
                inputs.GetProperty("recallsCompleted").GetInt64(),
                inputs.GetProperty("surveysDue").GetInt64(),
                inputs.GetProperty("surveysAnswered").GetInt64(),
                inputs.GetProperty("surveyScoreSum").GetInt64())
            {
                ServiceRequests = inputs.GetProperty("serviceRequests").GetInt64(),
            };
            Assert.Equal(expected, actual);
            Assert.Equal(StationGrades.Grade(expected, new GradePolicy()).Grade, rows[code].GetProperty("grade").GetString());
        }

        Assert.True(comebacks.Values.Sum() > 0, "the random month had no comeback to check");
        Assert.True(breaches.Values.Sum() > 0 && recalls.Values.Sum() > 0, "the random month had no SLA breach or no recall work to check");
    }

    // The month the fixture's business clock is in (UTC+8): other tests of the collection may have moved it.
    private string BusinessMonth() => fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

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
