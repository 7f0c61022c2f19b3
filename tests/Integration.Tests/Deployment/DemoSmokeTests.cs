using System.Net;
using System.Text.Json;
using AfterSales.Demo;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// The demo generator (<c>./run.sh --demo</c>) at a tiny size against a cluster of its own on the real clock (its
/// vehicles' histories are dated from today): everything it sends is accepted, its network and its reports show up,
/// and a second run adds nothing.
/// </summary>
[Trait("Category", "Slow")] // left out of ./test.sh --fast: builds and runs whole processes for a minute
public sealed class DemoSmokeTests(RealTimeClusterFixture fixture) : IClassFixture<RealTimeClusterFixture>
{
    private static readonly DemoOptions Tiny = new("http://localhost", Stations: 40, Vehicles: 500, WorkOrders: 40, Complaints: 20, Depots: 4, Seed: 7);

    private HttpClient Http => fixture.Http;

    /// <summary>The demo's own typed client (its retries and keys), as an operator, over the in-memory API host.</summary>
    private AfterSales.Client.AfterSalesApi DemoClient =>
        DemoRun.Client(Http.BaseAddress!, _ => ValueTask.FromResult(ApiFactory.Token(AfterSales.Api.Security.Roles.Operator)), fixture.Api.Server.CreateHandler());

    [Fact]
    public async Task TinyDemo_IsAcceptedWhole_ShowsItsNetworkAndReports_AndARerunAddsNothing()
    {
        Assert.Equal(0, await DemoRun.RunAsync(DemoClient, Tiny));

        var summary = await JsonAsync("/api/network/summary");
        Assert.Equal(Tiny.Stations, summary.GetProperty("stations").GetInt32());
        Assert.Equal(Tiny.Depots, summary.GetProperty("depots").GetInt64());
        Assert.True(summary.GetProperty("openWorkOrders").GetInt32() > 0);
        Assert.True(summary.GetProperty("openComplaints").GetInt64() > 0);
        Assert.True(summary.GetProperty("recallCompletion").GetProperty("completed").GetInt64() > 0);
        Assert.True(summary.GetProperty("provinces").EnumerateObject().Count() > 5);
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((await JsonAsync($"/api/reports/quality/{month}")).GetProperty("repairs").GetInt64() > 0);
        Assert.NotEmpty((await JsonAsync($"/api/reports/stations/{month}")).GetProperty("stations").EnumerateArray());

        // Idempotency keys derived from the seed: the same run again is accepted and changes no total.
        Assert.Equal(0, await DemoRun.RunAsync(DemoClient, Tiny));
        var again = await JsonAsync("/api/network/summary");
        Assert.Equal(summary.GetRawText(), again.GetRawText());
    }

    private async Task<JsonElement> JsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
