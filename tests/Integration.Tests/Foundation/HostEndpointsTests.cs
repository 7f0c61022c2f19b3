using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>What operators and API consumers reach besides the domain routes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HostEndpointsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task HealthReady_Is200_WhenPostgresAndAGrainCallAnswer()
    {
        using var response = await fixture.Http.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthLive_Is200()
    {
        using var response = await fixture.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheVehicleRoutes()
    {
        using var response = await fixture.Http.GetAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(paths.TryGetProperty("/api/vehicles/{vin}/warranty", out _));
        Assert.True(paths.TryGetProperty("/api/vehicles", out _));
    }

    [Fact]
    public async Task InteractiveDocs_AreServedAtScalar()
    {
        using var response = await fixture.Http.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_IsServedOnTheApiHostAddress_WithDataFromTheSilo()
    {
        using var page = await fixture.Http.GetAsync("/dashboard/");
        using var stats = await fixture.Http.GetAsync("/dashboard/ClusterStats");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_IsAProblemDetails404()
    {
        using var response = await fixture.Http.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StoredState_IsPlainJsonAnOperatorCanQuery_WithoutDotNetTypeNames()
    {
        var vin = TestVins.Next();
        using var created = await fixture.Http.PostAsync("/api/vehicles", new StringContent(
            $$"""{"vin":"{{vin}}","model":"H9","batch":"B77","productionDate":"2026-03-01","powertrain":"hev","price":199000}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var model = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload->'identity'->>'model' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin));
        var payload = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload::text FROM grain_state WHERE grain_key = @vin", ("vin", vin));

        Assert.Equal("H9", model);
        Assert.DoesNotContain("$type", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("AfterSales", payload, StringComparison.Ordinal);
    }
}
