using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// Issue 18, item 5 — overload: a cap on the requests in flight on a host (503 + Retry-After beyond it, health
/// still answering), a readiness check kept for a second and free of exception text, Orleans load shedding on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OverloadTests(ClusterFixture fixture)
{
    [Fact]
    public async Task BeyondTheConcurrencyCap_ARequestIs503WithRetryAfter_HealthStillAnswers_AndTheRestAreServed()
    {
        await using var capped = new ApiFactory(fixture.ConnectionString, fixture.ClusterId,
            settings: new Dictionary<string, string> { [SecurityExtensions.MaxConcurrentRequestsSetting] = "1" });
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var clients = Enumerable.Range(0, 40).Select(_ => capped.CreateClient(Roles.Reader)).ToList();

        // Forty callers at once, each within its own rate: with one place, those arriving while another is served
        // are turned away at once (each request waits on a grain call, so they overlap).
        var responses = await Task.WhenAll(clients.Select(c => c.GetAsync($"/api/vehicles/{vin}/warranty")));

        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("1", busy[0].Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", busy[0].Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemCodes.ServerBusy, Problem.CodeOf(await busy[0].Content.ReadAsStringAsync()));
        Assert.Contains("limit of 1 concurrent requests", await busy[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Health is not capped; once the burst is over a request is served again.
        var healthAndApi = await Task.WhenAll(clients.Take(10).Select(c => c.GetAsync("/health/live")));
        Assert.All(healthAndApi, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var served = await clients[0].GetAsync($"/api/vehicles/{vin}/warranty");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        foreach (var response in responses.Concat(healthAndApi))
        {
            response.Dispose();
        }

        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Readiness_IsCheckedAtMostOnceASecond()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var api = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, services => services.AddSingleton<TimeProvider>(clock));
        using var client = api.CreateClient();

        var first = await CheckedAtAsync(client);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var kept = await CheckedAtAsync(client);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var fresh = await CheckedAtAsync(client);

        Assert.Equal(first, kept);
        Assert.Equal(first.AddSeconds(1), fresh);
    }

    [Fact]
    public void TheSilo_ShedsLoad_AboveItsThresholds()
    {
        var options = fixture.Silo.Services.GetRequiredService<IOptions<LoadSheddingOptions>>().Value;
        Assert.Equal((true, 95, 90), (options.LoadSheddingEnabled, options.CpuThreshold, options.MemoryThreshold));
    }

    private static async Task<DateTimeOffset> CheckedAtAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var postgres = body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("checkedAt").GetDateTimeOffset();
        Assert.Equal(postgres, body.RootElement.GetProperty("checks").GetProperty("cluster").GetProperty("checkedAt").GetDateTimeOffset());
        return postgres;
    }
}
