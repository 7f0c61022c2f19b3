using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Domain.Stations;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Reports;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Grades;

/// <summary>
/// The grade tests get a cluster of their own: closing a month moves the business clock past it, and a closed month
/// is frozen for everyone.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GradesCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "grades";
}

/// <summary>
/// Satisfaction surveys after completed work orders (seed 000 §5.6, seed 001 §5.2.4) and frozen monthly grade sheets
/// with their rewards, penalties and suspensions (seed 000 §5.4.5 服务商分级考核表), over HTTP with the fake clock.
/// </summary>
[Collection(GradesCollection.Name)]
public sealed class SurveysAndFrozenGradesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ACompletedWorkOrder_OwesOneSurvey_TheCallCentreRecordsItOnce_AndTheReportCountsIt()
    {
        var http = fixture.Http;
        using var callCentre = fixture.Api.CreateClient(Roles.CallCentre);
        var station = await StationAsync(http, $"Survey{Token()}", 31.2, 121.5, bays: 5);
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);
        var month = BusinessMonth();
        var first = await CompleteAsync(station, await DeliveredVehicleAsync(http), "maintenance");
        var second = await CompleteAsync(station, await DeliveredVehicleAsync(http), "maintenance");
        var third = await CompleteAsync(station, await DeliveredVehicleAsync(http), "maintenance");

        // Due, oldest first, one per completed order.
        var due = (await AllDueAsync(callCentre)).Where(s => s.GetProperty("stationCode").GetString() == station).ToList();
        Assert.Equal(new[] { first, second, third }, due.Select(s => s.GetProperty("id").GetString()));
        Assert.All(due, s => Assert.Equal("due", s.GetProperty("state").GetString()));
        Assert.Equal(month, due[0].GetProperty("month").GetString());

        // The station surveyed may neither list nor answer (403); a reader neither.
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(stationClient, "/api/surveys/due"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stationClient, $"/api/surveys/{first}/responses", """{"score":5}"""));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(stationClient, $"/api/surveys/{first}/no-answer"));

        // Outside 1–5, or no score: 400 naming score, nothing recorded.
        foreach (var bad in new[] { """{"score":0}""", """{"score":6}""", """{"comment":"fine"}""" })
        {
            var problem = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(callCentre, $"/api/surveys/{first}/responses", bad));
            Assert.True(problem.GetProperty("errors").TryGetProperty("score", out _), bad);
        }

        Assert.Equal("due", (await ExpectAsync(HttpStatusCode.OK, GetAsync(callCentre, $"/api/surveys/{first}"))).GetProperty("state").GetString());

        // Answered with a key: a retry with it answers the same; anything else recorded again is 409 survey-recorded.
        var answered = await ExpectAsync(HttpStatusCode.OK, Keyed(callCentre, $"/api/surveys/{first}/responses", "s-1", """{"score":4,"comment":"Quick and clean"}"""));
        Assert.Equal(4, answered.GetProperty("score").GetInt32());
        Assert.Equal("answered", answered.GetProperty("state").GetString());
        Assert.Equal(answered.ToString(), (await ExpectAsync(HttpStatusCode.OK, Keyed(callCentre, $"/api/surveys/{first}/responses", "s-1", """{"score":4,"comment":"Quick and clean"}"""))).ToString());
        Assert.Equal("survey-recorded", (await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/surveys/{first}/responses", """{"score":2}"""))).GetProperty("code").GetString());
        Assert.Equal("survey-recorded", (await ExpectAsync(HttpStatusCode.Conflict, PostAsync(callCentre, $"/api/surveys/{first}/no-answer"))).GetProperty("code").GetString());

        await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/surveys/{second}/no-answer"));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(callCentre, $"/api/surveys/{station}-999"));

        // Only the third is still due.
        Assert.Equal(new[] { third }, (await AllDueAsync(callCentre)).Where(s => s.GetProperty("stationCode").GetString() == station).Select(s => s.GetProperty("id").GetString()));

        var row = await GradeRowAsync(month, station);
        var inputs = row.GetProperty("inputs");
        Assert.Equal(3, inputs.GetProperty("surveysDue").GetInt64());
        Assert.Equal(1, inputs.GetProperty("surveysAnswered").GetInt64());
        Assert.Equal(1, inputs.GetProperty("surveysNoAnswer").GetInt64());
        Assert.Equal(4, inputs.GetProperty("surveyScoreSum").GetInt64());
        var grade = StationGrades.Grade(new StationMonthInputs(3, 0, 0, 0, 0, 0, 0, 3, 1, 4), new GradePolicy());
        Assert.Equal(grade.SurveyScore, row.GetProperty("scores").GetProperty("surveyScore").GetDouble());
        Assert.Equal(grade.SurveyResponse, row.GetProperty("scores").GetProperty("surveyResponse").GetDouble());
        Assert.Equal(grade.Score, row.GetProperty("score").GetDouble());
        Assert.False(row.TryGetProperty("consequence", out _));
    }

    /// <summary>Random completions at five stations, each survey answered (random score), closed unanswered or left due; the report against a direct count.</summary>
    [Fact]
    public async Task RandomSurveys_CountsInTheReport_MatchADirectCount()
    {
        var http = fixture.Http;
        using var callCentre = fixture.Api.CreateClient(Roles.CallCentre);
        var random = new Random(21);
        var province = $"SurveyR{Token()}";
        var stations = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            stations.Add(await StationAsync(http, province, 22.0 + i, 110.0 + i, bays: 50));
        }

        var month = BusinessMonth();
        var expected = stations.ToDictionary(s => s, _ => (Due: 0L, Answered: 0L, NoAnswer: 0L, Sum: 0L));
        for (var i = 0; i < 40; i++)
        {
            var station = stations[random.Next(stations.Count)];
            var id = await CompleteAsync(station, await DeliveredVehicleAsync(http), "maintenance");
            var (due, answered, noAnswer, sum) = expected[station];
            switch (random.Next(3))
            {
                case 0:
                    var score = random.Next(1, 6);
                    await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/surveys/{id}/responses", JsonSerializer.Serialize(new { score })));
                    expected[station] = (due + 1, answered + 1, noAnswer, sum + score);
                    break;
                case 1:
                    await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/surveys/{id}/no-answer"));
                    expected[station] = (due + 1, answered, noAnswer + 1, sum);
                    break;
                default:
                    expected[station] = (due + 1, answered, noAnswer, sum);
                    break;
            }
        }

        var rows = await RowsAsync(month, stations);
        foreach (var station in stations)
        {
            var inputs = rows[station].GetProperty("inputs");
            var actual = (inputs.GetProperty("surveysDue").GetInt64(), inputs.GetProperty("surveysAnswered").GetInt64(),
                inputs.GetProperty("surveysNoAnswer").GetInt64(), inputs.GetProperty("surveyScoreSum").GetInt64());
            Assert.Equal(expected[station], actual);
        }

        // And the call centre's list holds exactly the ones left due.
        var stillDue = (await AllDueAsync(callCentre)).Count(s => stations.Contains(s.GetProperty("stationCode").GetString()!));
        Assert.Equal(expected.Values.Sum(e => e.Due - e.Answered - e.NoAnswer), stillDue);
    }

    /// <summary>
    /// Seed 000 §5.4.5: closing a month freezes its grade sheet and applies each grade's reward or penalty once; a station
    /// graded D in two consecutive months (the default policy) is suspended with the months as its reason, one graded D
    /// then better is not.
    /// </summary>
    [Fact]
    public async Task ClosingMonths_FreezesTheSheet_RecordsConsequences_AndSuspendsAfterTwoConsecutiveD()
    {
        var http = fixture.Http;
        using var callCentre = fixture.Api.CreateClient(Roles.CallCentre);
        var province = $"Frozen{Token()}";
        var poor = await StationAsync(http, province, 40.0, 116.3, bays: 5);
        var recovering = await StationAsync(http, province, 40.1, 116.4, bays: 5);
        using var poorClient = fixture.Api.CreateClient(Roles.Station, poor);

        // Month one: both stations repair the same fault on one vehicle twice (a comeback on themselves) and the
        // customers score both visits 1 — a D (0.465 under the default weights).
        var first = BusinessMonth();
        await PoorMonthAsync(callCentre, poor);
        await PoorMonthAsync(callCentre, recovering);

        // Not over yet: 409 month-not-over; a station or the call centre may not close (403).
        Assert.Equal("month-not-over", (await ExpectAsync(HttpStatusCode.Conflict, PostAsync(http, $"/api/reports/stations/{first}/close"))).GetProperty("code").GetString());
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(poorClient, $"/api/reports/stations/{first}/close"));
        await ExpectAsync(HttpStatusCode.Forbidden, PostAsync(callCentre, $"/api/reports/stations/{first}/close"));
        Assert.False((await ReportAsync(first)).GetProperty("frozen").GetBoolean());

        // Month two: the poor station again; the other does nothing (graded on volume alone it is not a D).
        await MoveToNextMonthAsync();
        var second = BusinessMonth();
        await PoorMonthAsync(callCentre, poor);
        var live = await RowsAsync(first, [poor, recovering]);
        Assert.All(live.Values, r => Assert.Equal("D", r.GetProperty("grade").GetString()));
        await RowsAsync(second, [poor, recovering]);

        var closed = await ExpectAsync(HttpStatusCode.OK, Keyed(http, $"/api/reports/stations/{first}/close", "close-1"));
        Assert.True(closed.GetProperty("frozen").GetBoolean());
        var frozenAt = closed.GetProperty("frozenAt").GetDateTimeOffset();
        Assert.Equal(fixture.Clock.GetUtcNow(), frozenAt);

        // A retry with the key answers the same; another close is 409 and changes nothing.
        Assert.Equal(frozenAt, (await ExpectAsync(HttpStatusCode.OK, Keyed(http, $"/api/reports/stations/{first}/close", "close-1"))).GetProperty("frozenAt").GetDateTimeOffset());
        Assert.Equal("illegal-transition", (await ExpectAsync(HttpStatusCode.Conflict, PostAsync(http, $"/api/reports/stations/{first}/close"))).GetProperty("code").GetString());

        // Each station of the sheet carries what its grade earned.
        var before = await GradeRowAsync(first, poor);
        Assert.Equal("penalty", before.GetProperty("consequence").GetProperty("kind").GetString());
        Assert.Equal(3000m, before.GetProperty("consequence").GetProperty("amountCny").GetDecimal());
        Assert.False(before.GetProperty("consequence").TryGetProperty("suspendedFor", out _));
        Assert.True((await ReportAsync(first)).GetProperty("frozen").GetBoolean());

        // One D is not a run: both stations are still active, each with its month-one record.
        foreach (var code in new[] { poor, recovering })
        {
            var station = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{code}"));
            Assert.Equal("active", station.GetProperty("authorisation").GetString());
            var grades = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{code}/grades"));
            Assert.Equal(first, Assert.Single(grades.EnumerateArray()).GetProperty("month").GetString());
        }

        // Month two closes in month three: D, D suspends the poor station (reason naming both months); D then better does not.
        await MoveToNextMonthAsync();
        await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/reports/stations/{second}/close"));
        var suspended = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{poor}"));
        Assert.Equal("suspended", suspended.GetProperty("authorisation").GetString());
        var reason = suspended.GetProperty("authorisationReason").GetString()!;
        Assert.Contains($"{first}, {second}", reason, StringComparison.Ordinal);
        Assert.Equal("active", (await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{recovering}"))).GetProperty("authorisation").GetString());

        // The station reads its own consequences, newest first; another station may not (403).
        var records = (await ExpectAsync(HttpStatusCode.OK, GetAsync(poorClient, $"/api/stations/{poor}/grades"))).EnumerateArray().ToList();
        Assert.Equal(new[] { second, first }, records.Select(r => r.GetProperty("month").GetString()));
        Assert.Equal(new[] { first, second }, records[0].GetProperty("suspendedFor").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("D", records[1].GetProperty("grade").GetString());
        await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(poorClient, $"/api/stations/{recovering}/grades"));
        Assert.Equal(new[] { first, second }, (await GradeRowAsync(second, poor)).GetProperty("consequence").GetProperty("suspendedFor").EnumerateArray().Select(m => m.GetString()));

        // Reinstated by an operator, the same months do not suspend it again: the sheet's outbox delivered once.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/stations/{poor}/reinstate"));
        Assert.Equal(2, (await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{poor}/grades"))).GetArrayLength());
        Assert.Equal("active", (await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{poor}"))).GetProperty("authorisation").GetString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("June")]
    public async Task CloseABadMonth_Is400NamingIt(string month)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(fixture.Http, $"/api/reports/stations/{month}/close"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("month", out _));
    }

    [Fact]
    public async Task SurveysDue_BadLimitOrCursor_Is400()
    {
        using var callCentre = fixture.Api.CreateClient(Roles.CallCentre);
        Assert.True((await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(callCentre, "/api/surveys/due?limit=501"))).GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True((await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(callCentre, "/api/surveys/due?cursor=nonsense"))).GetProperty("errors").TryGetProperty("cursor", out _));
    }

    private async Task PoorMonthAsync(HttpClient callCentre, string station)
    {
        var vin = await DeliveredVehicleAsync(fixture.Http);
        foreach (var km in new[] { 1_000, 1_010 })
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            var id = await OpenAsync(fixture.Http, station, vin, km);
            await MoveAsync(fixture.Http, station, id, "start");
            await MoveAsync(fixture.Http, station, id, "complete");
            await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, $"/api/surveys/{id}/responses", """{"score":1,"comment":"Same fault again"}"""));
        }
    }

    /// <summary>To 10:00 Beijing time on the first day of the next business month.</summary>
    private Task MoveToNextMonthAsync()
    {
        var now = fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var next = new DateTimeOffset(now.Year, now.Month, 1, 10, 0, 0, TimeSpan.FromHours(8)).AddMonths(1);
        fixture.Clock.Advance(next - now);
        return Task.CompletedTask;
    }

    private async Task<string> CompleteAsync(string station, string vin, string kind)
    {
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var id = await OpenAsync(fixture.Http, station, vin, 1_000, kind);
        await MoveAsync(fixture.Http, station, id, "start");
        await MoveAsync(fixture.Http, station, id, "complete");
        return id;
    }

    private static async Task<List<JsonElement>> AllDueAsync(HttpClient client)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(client, "/api/surveys/due?limit=7" + (cursor is null ? "" : "&cursor=" + cursor)));
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    private async Task<JsonElement> ReportAsync(string month) =>
        await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, $"/api/reports/stations/{month}?limit=1"));

    private async Task<JsonElement> GradeRowAsync(string month, string station) =>
        (await RowsAsync(month, [station]))[station];

    /// <summary>The stations' rows of the month's report; a new station reaches it with its province's next push to the national roll-up: waited for.</summary>
    private async Task<Dictionary<string, JsonElement>> RowsAsync(string month, IReadOnlyCollection<string> stations)
    {
        var (_, all) = await Eventually.UntilAsync(() => StationGradesPagingTests.WalkAsync(fixture.Http, month, 500),
            w => stations.All(c => w.Rows.Any(r => r.GetProperty("code").GetString() == c)), TimeSpan.FromSeconds(30), "the stations in the report");
        return all.Where(r => stations.Contains(r.GetProperty("code").GetString()!)).ToDictionary(r => r.GetProperty("code").GetString()!);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Keyed(HttpClient http, string url, string key, string json = "{}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private string BusinessMonth() => fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
