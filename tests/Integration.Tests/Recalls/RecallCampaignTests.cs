using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>
/// Recall campaigns: covered vehicles (registered before or after the campaign) show it, a recall work order
/// completes it on the vehicle, and the campaign's progress is live — all checked against a count kept by the test.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RecallCampaignTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Campaign_CoversModelsBatchesAndListedVins_BeforeAndAfterOpening_AndCompletionsAreLive()
    {
        var tag = Token();
        var (recalledModel, otherModel) = ($"M-{tag}", $"N-{tag}");
        var (b1, b2, recalledBatch, otherBatch, laterBatch) = ($"{tag}-B1", $"{tag}-B2", $"{tag}-B3", $"{tag}-B4", $"{tag}-B5");
        var covered = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            covered.Add(await VehicleAsync(recalledModel, b1));
        }

        for (var i = 0; i < 2; i++)
        {
            covered.Add(await VehicleAsync(recalledModel, b2));
            covered.Add(await VehicleAsync(otherModel, recalledBatch));
        }

        var listed = await VehicleAsync(otherModel, otherBatch);
        covered.Add(listed);
        var notCovered = await VehicleAsync(otherModel, otherBatch);

        var campaign = $"RC-{tag}";
        var opened = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", Definition(campaign, [recalledModel], [recalledBatch], [listed])));
        Assert.Equal(covered.Count, opened.GetProperty("affected").GetInt64());
        Assert.Equal(0, opened.GetProperty("completed").GetInt64());

        foreach (var vin in covered)
        {
            Assert.Contains(campaign, await OpenRecallsAsync(vin));
        }

        Assert.DoesNotContain(campaign, await OpenRecallsAsync(notCovered));

        // Registered after opening: a new batch of the recalled model, the recalled batch, and an uncovered one.
        covered.Add(await VehicleAsync(recalledModel, laterBatch));
        covered.Add(await VehicleAsync(otherModel, recalledBatch));
        var stillNotCovered = await VehicleAsync(otherModel, otherBatch);
        Assert.Contains(campaign, await OpenRecallsAsync(covered[^1]));
        Assert.Contains(campaign, await OpenRecallsAsync(covered[^2]));
        Assert.Contains(campaign, await OpenRecallsAsync(covered[^3]));
        Assert.DoesNotContain(campaign, await OpenRecallsAsync(stillNotCovered));

        // A retried registration (same Idempotency-Key) adds the vehicle to its batch again: no count changes.
        var retried = TestVins.Next();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/vehicles")
            {
                Content = new StringContent(Registration(retried, recalledModel, laterBatch), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", $"register-{retried}");
            using var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        covered.Add(retried);
        var progress = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(covered.Count, progress.GetProperty("affected").GetInt64());

        // Recall work at two stations in two provinces completes the campaign on three vehicles.
        var (north, south) = ($"North{tag}", $"South{tag}");
        var harbin = await StationAsync(Http, north, 45.75, 126.63, bays: 4);
        var guangzhou = await StationAsync(Http, south, 23.13, 113.26, bays: 4);
        await RecallWork.CompleteAsync(Http, harbin, covered[0], campaign);
        await RecallWork.CompleteAsync(Http, harbin, covered[^2], campaign);
        await RecallWork.CompleteAsync(Http, guangzhou, listed, campaign);

        Assert.DoesNotContain(campaign, await OpenRecallsAsync(covered[0]));
        Assert.Contains(campaign, await OpenRecallsAsync(covered[1]));

        // The same recall cannot be done twice on a vehicle, nor on a vehicle the campaign does not cover.
        var again = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{harbin}/work-orders", RecallWork.Order(covered[0], campaign)));
        Assert.Contains("no open recall", again.GetProperty("detail").GetString());
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{harbin}/work-orders", RecallWork.Order(notCovered, campaign)));

        Assert.Equal(0, await fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<IRecallCampaignGrain>(campaign).ResolveListedRegionsAsync());
        progress = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/recalls/{campaign}"));
        Assert.Equal(covered.Count, progress.GetProperty("affected").GetInt64());
        Assert.Equal(3, progress.GetProperty("completed").GetInt64());
        Assert.Equal(Math.Round(3.0 / covered.Count, 4), progress.GetProperty("completionRate").GetDouble());
        // These vehicles were sold by dealer D1, which is no registered station: they have no region. The stations'
        // provinces do not count: progress by region is by where the vehicle was sold (RecallRegionTests).
        var unassigned = progress.GetProperty("byProvince").GetProperty("unassigned");
        Assert.Equal(covered.Count, unassigned.GetProperty("affected").GetInt64());
        Assert.Equal(3, unassigned.GetProperty("completed").GetInt64());
        Assert.False(progress.GetProperty("byProvince").TryGetProperty(north, out _));
        Assert.Equal(0, progress.GetProperty("regionsPending").GetInt32());

        var national = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/network/summary"));
        Assert.True(national.GetProperty("recallCompletion").GetProperty("affected").GetInt64() >= covered.Count);
        Assert.True(national.GetProperty("recallCompletion").GetProperty("completed").GetInt64() >= 3);
    }

    [Fact]
    public async Task Opening_IsIdempotentByCampaignId_ADifferentDefinitionIs409_AndBadInputNamesTheField()
    {
        var tag = Token();
        var campaign = $"RC-{tag}";
        var definition = Definition(campaign, [$"M-{tag}"], [], []);
        var first = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", definition));
        var again = await ExpectAsync(HttpStatusCode.Created, PostAsync(Http, "/api/recalls", definition));
        Assert.Equal(first.GetProperty("openedAt").GetString(), again.GetProperty("openedAt").GetString());

        var conflict = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, "/api/recalls", Definition(campaign, [$"Other-{tag}"], [], [])));
        Assert.Contains("different definition", conflict.GetProperty("detail").GetString());

        var badVin = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/recalls", Definition($"RC2-{tag}", [], [], ["LSVAU218XN2183295"])));
        Assert.True(badVin.GetProperty("errors").TryGetProperty("vins[0]", out _));
        var empty = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/recalls", Definition($"RC3-{tag}", [], [], [])));
        Assert.True(empty.GetProperty("errors").TryGetProperty("models", out _));
        var badId = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, "/api/recalls", Definition("bad id/x", ["M"], [], [])));
        Assert.True(badId.GetProperty("errors").TryGetProperty("campaignId", out _));

        // Refused requests opened nothing.
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/recalls/RC2-{tag}"));
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/recalls/RC3-{tag}"));
    }

    [Fact]
    public async Task OpeningARecall_NeedsTheWarrantyDepartmentOrAnOperator()
    {
        using var station = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Station, "S1");
        using var forbidden = await station.PostAsync("/api/recalls",
            new StringContent(Definition($"RC-{Token()}", ["M"], [], []), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var warranty = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.Warranty);
        using var allowed = await warranty.PostAsync("/api/recalls",
            new StringContent(Definition($"RC-{Token()}", [$"M-{Token()}"], [], []), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    private async Task<string> VehicleAsync(string model, string batch) =>
        await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 1), model, batch);

    private async Task<IReadOnlyList<string>> OpenRecallsAsync(string vin)
    {
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        return [.. warranty.GetProperty("openRecalls").EnumerateArray().Select(e => e.GetString()!)];
    }

    private static string Registration(string vin, string model, string batch) =>
        JsonSerializer.Serialize(new { vin, model, batch, productionDate = "2026-02-01", powertrain = "ice", price = 300000 });

    private static string Definition(string campaignId, string[] models, string[] batches, string[] vins) =>
        JsonSerializer.Serialize(new { campaignId, description = "Brake hose may chafe", models, batches, vins, remedy = "Replace the front brake hoses" });
}
