using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>
/// Recall scope as criteria (召回条例 Art. 3: a defect common to a batch, model or category): each criterion the
/// vehicles of its model AND batch AND production-date range, the union of criteria plus listed VINs — honoured by the
/// affected count, the vehicles' openRecalls and the vehicles registered later; owner notifications; closing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RecallCriteriaTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ACriterion_IsTheIntersectionOfModelBatchAndDateRange_InclusiveAtBothEnds_BeforeAndAfterOpening()
    {
        var tag = Token();
        var (model, other, batch, otherBatch) = ($"M-{tag}", $"N-{tag}", $"{tag}-B1", $"{tag}-B2");
        var dayBefore = await ProducedAsync(model, batch, new DateOnly(2026, 2, 28));
        var first = await ProducedAsync(model, batch, new DateOnly(2026, 3, 1));
        var last = await ProducedAsync(model, batch, new DateOnly(2026, 3, 28));
        var dayAfter = await ProducedAsync(model, batch, new DateOnly(2026, 3, 29));
        var wrongBatch = await ProducedAsync(model, otherBatch, new DateOnly(2026, 3, 15));
        var wrongModel = await ProducedAsync(other, batch, new DateOnly(2026, 3, 15));

        var campaign = $"RC-{tag}";
        var opened = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign,
            [new { model, batch, producedFrom = "2026-03-01", producedTo = "2026-03-28" }])));
        Assert.Equal(2, opened.GetProperty("affected").GetInt64());
        Assert.Equal(1, opened.GetProperty("criteria").GetArrayLength());

        foreach (var vin in new[] { first, last })
        {
            Assert.Contains(campaign, await OpenRecallsAsync(vin));
        }

        foreach (var vin in new[] { dayBefore, dayAfter, wrongBatch, wrongModel })
        {
            Assert.DoesNotContain(campaign, await OpenRecallsAsync(vin));
        }

        // Registered after opening: in the range, outside it.
        var later = await ProducedAsync(model, batch, new DateOnly(2026, 3, 20));
        var laterOut = await ProducedAsync(model, batch, new DateOnly(2026, 4, 20));
        Assert.Contains(campaign, await OpenRecallsAsync(later));
        Assert.DoesNotContain(campaign, await OpenRecallsAsync(laterOut));
        var progress = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(3, progress.GetProperty("affected").GetInt64());

        // A recall work order needs the campaign open on the vehicle: out of the range is 409.
        var station = await StationAsync(Http, $"P{tag}", 30.5, 114.3, bays: 4);
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/work-orders", RecallWork.Order(dayAfter, campaign)));
    }

    [Fact]
    public async Task Criteria_AreValidated_AndTheOldFormStillWorks()
    {
        var tag = Token();
        var inverted = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/recalls", Definition($"RC-{tag}",
            [new { model = "M", producedFrom = "2026-03-02", producedTo = "2026-03-01" }])));
        Assert.True(inverted.GetProperty("errors").TryGetProperty("criteria[0].producedTo", out _));
        var nothing = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/recalls", Definition($"RC-{tag}",
            [new { producedFrom = "2026-03-01" }])));
        Assert.True(nothing.GetProperty("errors").TryGetProperty("criteria[0]", out _));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/recalls/RC-{tag}"));
    }

    /// <summary>
    /// A random fleet (3 models × 3 batches × production dates over 20 days), half registered before the opening and half
    /// after, and random criteria: the campaign's affected count equals a direct count over the fleet, and each vehicle's
    /// openRecalls says the same as the direct evaluation.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    public async Task Affected_EqualsADirectCountOverARandomFleet(int seed)
    {
        var random = new Random(seed);
        var tag = Token();
        string[] models = [$"X-{tag}", $"Y-{tag}", $"Z-{tag}"];
        string[] batches = [$"{tag}-1", $"{tag}-2", $"{tag}-3"];
        var start = new DateOnly(2026, 3, 1);
        var fleet = new List<(string Vin, string Model, string Batch, DateOnly Produced)>();

        async Task AddAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (m, b, delivered) = (models[random.Next(3)], batches[random.Next(3)], start.AddDays(random.Next(20)));
                fleet.Add((await VehicleAsync(m, b, delivered), m, b, delivered.AddMonths(-1)));
            }
        }

        await AddAsync(12);
        var criteria = Enumerable.Range(0, 1 + random.Next(3)).Select(_ =>
        {
            var from = start.AddMonths(-1).AddDays(random.Next(20));
            return new Criterion(
                random.Next(3) > 0 ? models[random.Next(3)] : null,
                random.Next(2) == 0 || random.Next(3) == 0 ? batches[random.Next(3)] : null,
                random.Next(3) > 0 ? from : null,
                random.Next(3) > 0 ? from.AddDays(random.Next(8)) : null);
        }).Select(c => c.Model is null && c.Batch is null ? c with { Model = models[0] } : c).ToList();
        var campaign = $"RC-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign,
            [.. criteria.Select(c => new { model = c.Model, batch = c.Batch, producedFrom = c.From?.ToString("yyyy-MM-dd"), producedTo = c.To?.ToString("yyyy-MM-dd") })])));
        await AddAsync(12);

        bool Covered((string Vin, string Model, string Batch, DateOnly Produced) v) => criteria.Any(c =>
            (c.Model is null || c.Model == v.Model) && (c.Batch is null || c.Batch == v.Batch) && (c.From is null || v.Produced >= c.From) && (c.To is null || v.Produced <= c.To));

        var progress = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(fleet.Count(Covered), progress.GetProperty("affected").GetInt64());
        foreach (var vehicle in fleet)
        {
            Assert.Equal(Covered(vehicle), (await OpenRecallsAsync(vehicle.Vin)).Contains(campaign));
        }
    }

    [Fact]
    public async Task OwnerNotifications_AreRecordedPerVehicle_Idempotent_OutOfScopeIs409_ByCallCentreOrOperator()
    {
        var tag = Token();
        var (model, batch) = ($"M-{tag}", $"{tag}-B1");
        var covered = await VehicleAsync(model, batch, new DateOnly(2026, 3, 10));
        var outside = await VehicleAsync($"N-{tag}", batch, new DateOnly(2026, 3, 10));
        var campaign = $"RC-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign, [new { model }])));

        var url = $"/api/recalls/{campaign}/notifications";
        using var callCentre = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.CallCentre);
        var first = await ExpectAsync(HttpStatusCode.Created, PostAsync(callCentre, url, Notice(covered, "sms", "2026-04-01")));
        Assert.Equal(1, first.GetProperty("notified").GetInt64());
        await ExpectAsync(HttpStatusCode.OK, PostAsync(callCentre, url, Notice(covered, "sms", "2026-04-01")));
        var second = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, url, Notice(covered, "letter", "2026-04-03")));
        Assert.Equal(1, second.GetProperty("notified").GetInt64()); // the same vehicle, another notification

        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, url, Notice(outside, "phone", "2026-04-01")));
        Assert.Equal("vehicle-not-in-recall", refused.GetProperty("code").GetString());
        var badChannel = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, url, Notice(covered, "pigeon", "2026-04-01")));
        Assert.Contains("letter", badChannel.GetProperty("detail").GetString());
        await ExpectAsync(HttpStatusCode.NotFound, PostAsync(Http, $"/api/recalls/RC-none-{tag}/notifications", Notice(covered, "sms", "2026-04-01")));

        using var station = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, "S1");
        var (forbidden, _) = await PostAsync(station, url, Notice(covered, "sms", "2026-04-02"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);

        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(1, view.GetProperty("notified").GetInt64());
        Assert.Equal(1, view.GetProperty("notifiedByProvince").GetProperty("unassigned").GetInt64());
    }

    [Fact]
    public async Task AnOperatorClosesACampaign_ItLeavesTheLiveViews_TheRecordStays_AStationMayNot()
    {
        var tag = Token();
        var (model, batch) = ($"M-{tag}", $"{tag}-B1");
        var vin = await VehicleAsync(model, batch, new DateOnly(2026, 3, 10));
        await VehicleAsync(model, batch, new DateOnly(2026, 3, 11));
        var campaign = $"RC-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign, [new { model }])));
        Assert.Contains(campaign, await OpenRecallsAsync(vin));

        using var station = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, "S1");
        var (forbidden, _) = await PostAsync(station, $"/api/recalls/{campaign}/close", """{"reason":"done"}""");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        var noReason = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/recalls/{campaign}/close", "{}"));
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));

        var closed = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/recalls/{campaign}/close", """{"reason":"Remedy superseded by campaign RC-2"}"""));
        Assert.True(closed.GetProperty("closed").GetBoolean());
        Assert.Equal("Remedy superseded by campaign RC-2", closed.GetProperty("closeReason").GetString());
        Assert.StartsWith("operator:", closed.GetProperty("closedBy").GetString());
        Assert.Equal(2, closed.GetProperty("affected").GetInt64());

        Assert.DoesNotContain(campaign, await OpenRecallsAsync(vin));
        // A vehicle registered after the closing is not covered either.
        Assert.DoesNotContain(campaign, await OpenRecallsAsync(await VehicleAsync(model, $"{tag}-B2", new DateOnly(2026, 3, 12))));
        var again = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/recalls/{campaign}/close", """{"reason":"again"}"""));
        Assert.Equal("recall-closed", again.GetProperty("code").GetString());
        var record = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.True(record.GetProperty("closed").GetBoolean());
        Assert.Equal(2, record.GetProperty("affected").GetInt64());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/recalls/{campaign}/notifications", Notice(vin, "sms", "2026-04-01")));
        await ExpectAsync(HttpStatusCode.NotFound, PostAsync(Http, $"/api/recalls/RC-none-{tag}/close", """{"reason":"x"}"""));
    }

    [Fact]
    public async Task ACampaign_ClosesByItselfAt100PercentCompletion()
    {
        var tag = Token();
        var (model, batch) = ($"M-{tag}", $"{tag}-B1");
        // Sold by the station that will do the recall work, so the vehicles (and their completions) are in its province.
        var station = await StationAsync(Http, $"P{tag}", 30.5, 114.3, bays: 4);
        var vins = new[]
        {
            await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 10), model, batch, station),
            await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 11), model, batch, station),
        };
        var campaign = $"RC-{tag}";
        await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign, [new { model }])));

        await RecallWork.CompleteAsync(Http, station, vins[0], campaign);
        var half = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.False(half.GetProperty("closed").GetBoolean());
        // The completing station's province counts the completion while the campaign is live.
        await Eventually.UntilAsync(() => ProvinceCompletedAsync($"P{tag}"), c => c == 1, TimeSpan.FromSeconds(10), "the completion in the station's province");
        Assert.Equal(2, await ProvinceAffectedAsync($"P{tag}"));

        // At 100 % it settles first (Policies:Recalls:CloseWhenCompleteAfter, 10 minutes): a vehicle whose fleet-index
        // entry is still on its way would be counted in that time and keep it open (RecallLateCompletionTests).
        await RecallWork.CompleteAsync(Http, station, vins[1], campaign);
        var complete = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.False(complete.GetProperty("closed").GetBoolean());
        Assert.Equal(1.0, complete.GetProperty("completionRate").GetDouble());
        fixture.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.False((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"))).GetProperty("closed").GetBoolean());
        fixture.Clock.Advance(TimeSpan.FromSeconds(2)); // the check runs a tick after the settling time is over
        var done = await Eventually.UntilAsync(() => ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}")),
            view => view.GetProperty("closed").GetBoolean(), TimeSpan.FromSeconds(10), "the campaign closed once settled at 100 %");
        Assert.Equal("system", done.GetProperty("closedBy").GetString());
        Assert.Equal(1.0, done.GetProperty("completionRate").GetDouble());

        // A closed campaign leaves the live views: its completions are taken back out of the province (and so the nation).
        await Eventually.UntilAsync(() => ProvinceCompletedAsync($"P{tag}"), c => c == 0, TimeSpan.FromSeconds(10), "the closed campaign out of the province's recall completion");
        await Eventually.UntilAsync(() => ProvinceAffectedAsync($"P{tag}"), a => a == 0, TimeSpan.FromSeconds(10), "the closed campaign's vehicles out of the province's affected");
    }

    private async Task<long> ProvinceAffectedAsync(string province)
    {
        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
        return view.GetProperty("recallCompletion").GetProperty("affected").GetInt64();
    }

    private async Task<long> ProvinceCompletedAsync(string province)
    {
        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
        return view.GetProperty("recallCompletion").GetProperty("completed").GetInt64();
    }

    private sealed record Criterion(string? Model, string? Batch, DateOnly? From, DateOnly? To);

    /// <summary>A vehicle produced on <paramref name="produced"/> (TestFleet produces one month before delivery; days up to 28).</summary>
    private Task<string> ProducedAsync(string model, string batch, DateOnly produced) => VehicleAsync(model, batch, produced.AddMonths(1));

    private async Task<string> VehicleAsync(string model, string batch, DateOnly delivered) =>
        await TestFleet.DeliveredVehicleAsync(Http, delivered, model, batch);

    private async Task<IReadOnlyList<string>> OpenRecallsAsync(string vin)
    {
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        return [.. warranty.GetProperty("openRecalls").EnumerateArray().Select(e => e.GetString()!)];
    }

    private static string Notice(string vin, string channel, string notifiedOn) => JsonSerializer.Serialize(new { vin, channel, notifiedOn });

    private static string Definition(string campaignId, object[] criteria) =>
        JsonSerializer.Serialize(new { campaignId, description = "Brake hose may chafe", models = Array.Empty<string>(), batches = Array.Empty<string>(), vins = Array.Empty<string>(), criteria, remedy = "Replace the front brake hoses" });
}
