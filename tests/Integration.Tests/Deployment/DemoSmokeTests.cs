using System.Net;
using System.Text.Json;
using AfterSales.Demo;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// The demo generator (<c>./run.sh --demo</c>) at a tiny size against a cluster of its own on the real clock (its
/// vehicles' histories are dated from today), each call with its role's token: everything it sends is accepted, its
/// network and its reports show up, each kind of record issue 21 added is produced and reads back as the demo left it
/// (a queued card assigned, a corrective action verified, a survey answered, a shipment inspected, an urgent order, a
/// recall closed), and a second run adds nothing.
/// </summary>
[Trait("Category", "Slow")] // left out of ./test.sh --fast: builds and runs whole processes for a minute
public sealed class DemoSmokeTests(RealTimeClusterFixture fixture) : IClassFixture<RealTimeClusterFixture>
{
    private static readonly DemoOptions Tiny = new("http://localhost", Stations: 40, Vehicles: 500, WorkOrders: 40, Complaints: 120, Depots: 4, Seed: 7);

    private HttpClient Http => fixture.Http;

    /// <summary>The demo's own typed clients (its retries and keys), each role with the token the demo signs itself (as with ./run.sh's key), over the in-memory API host.</summary>
    private DemoCallers Callers => DemoRun.Callers(Http.BaseAddress!,
        (role, station) => DemoTokens.Issue(ApiFactory.SigningKey, ApiFactory.Auth.Issuer, ApiFactory.Auth.Audience, role, station, TimeSpan.FromHours(1)),
        fixture.Api.Server.CreateHandler());

    [Fact]
    public async Task TinyDemo_IsAcceptedWhole_ShowsItsNetworkAndReports_AndARerunAddsNothing()
    {
        var first = await DemoRun.RunAsync(Callers, Tiny);
        Assert.Equal(0, first.ExitCode);

        // The totals are roll-ups that each source's outbox delivers after its reply: wait until they have arrived
        // (bounded), then until two reads agree, so that the rerun below is compared with settled totals.
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var summary = await Eventually.UntilAsync(() => JsonAsync("/api/network/summary"), s => MissingFrom(s) is null,
            TimeSpan.FromSeconds(30), "the demo's network in the national summary");
        summary = await SettledSummaryAsync(summary);
        Assert.Null(MissingFrom(summary));
        await Eventually.UntilAsync(async () => (await JsonAsync($"/api/reports/quality/{month}")).GetProperty("repairs").GetInt64(),
            repairs => repairs > 0, TimeSpan.FromSeconds(30), $"repairs in the quality report of {month}");
        Assert.NotEmpty((await JsonAsync($"/api/reports/stations/{month}")).GetProperty("stations").EnumerateArray());

        // Issue 21's records, each produced and read back as the demo left it.
        foreach (var kind in new[] { DemoCounts.QueueAssigned, DemoCounts.ActionVerified, DemoCounts.SurveyAnswered, DemoCounts.ShipmentInspected, DemoCounts.UrgentOrder })
        {
            Assert.True(first.Counts.GetValueOrDefault(kind) > 0, $"the demo produced no '{kind}'");
        }

        var assigned = await JsonAsync($"/api/complaints/{first.Samples[DemoCounts.QueueAssigned]}");
        Assert.Equal("assigned", assigned.GetProperty("attribution").GetString());
        Assert.Equal("verified", (await JsonAsync($"/api/corrective-actions/{first.Samples[DemoCounts.ActionVerified]}")).GetProperty("state").GetString());
        Assert.Equal("answered", (await JsonAsync($"/api/surveys/{first.Samples[DemoCounts.SurveyAnswered]}")).GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Object, (await JsonAsync($"/api/shipments/{first.Samples[DemoCounts.ShipmentInspected]}")).GetProperty("inspection").ValueKind);
        Assert.False(string.IsNullOrEmpty((await JsonAsync($"/api/urgent-orders/{first.Samples[DemoCounts.UrgentOrder]}")).GetProperty("route").GetString()));
        // The demo's recall stays open, completed on some of its vehicles (the network view shows its progress).
        var recall = await JsonAsync($"/api/recalls/DEMO-RC-{Tiny.Seed}");
        var (completed, affected) = (recall.GetProperty("completed").GetInt64(), recall.GetProperty("affected").GetInt64());
        Assert.True(!recall.GetProperty("closed").GetBoolean() && completed > 0 && completed < affected, $"the demo's recall: {recall}");
        Assert.True((await JsonAsync($"/api/recalls/DEMO-RC-{Tiny.Seed}-X")).GetProperty("closed").GetBoolean());
        Assert.True(first.Counts.GetValueOrDefault("cards: kind complaint") > 0 && first.Counts.GetValueOrDefault("cards: under a named SLA policy") > 0);

        // Idempotency keys derived from the seed: the same run again is accepted and changes no total.
        Assert.Equal(0, (await DemoRun.RunAsync(Callers, Tiny)).ExitCode);
        var again = await SettledSummaryAsync(await JsonAsync("/api/network/summary"));
        Assert.Equal(summary.GetRawText(), again.GetRawText());
    }

    /// <summary>What the national summary still lacks of the tiny demo's network, or null when it shows all of it.</summary>
    private static string? MissingFrom(JsonElement summary) =>
        summary.GetProperty("stations").GetInt32() != Tiny.Stations ? $"stations {summary.GetProperty("stations")} of {Tiny.Stations}"
        : summary.GetProperty("depots").GetInt64() != Tiny.Depots ? $"depots {summary.GetProperty("depots")} of {Tiny.Depots}"
        : summary.GetProperty("openWorkOrders").GetInt32() <= 0 ? "no open work orders"
        : summary.GetProperty("openComplaints").GetInt64() <= 0 ? "no open complaints"
        : summary.GetProperty("recallCompletion").GetProperty("completed").GetInt64() <= 0 ? "no completed recall repairs"
        : summary.GetProperty("provinces").EnumerateObject().Count() <= 5 ? $"only {summary.GetProperty("provinces").EnumerateObject().Count()} provinces"
        : null;

    /// <summary>Reads the summary until two reads in a row agree: roll-up deliveries still in flight change it.</summary>
    private async Task<JsonElement> SettledSummaryAsync(JsonElement seen)
    {
        var previous = seen.GetRawText();
        var (settledSummary, _) = await Eventually.UntilAsync(async () =>
        {
            var now = await JsonAsync("/api/network/summary");
            var settled = now.GetRawText() == previous;
            previous = now.GetRawText();
            return (now, settled);
        }, read => read.settled, TimeSpan.FromSeconds(30), "the national summary to settle");
        return settledSummary;
    }

    private async Task<JsonElement> JsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
