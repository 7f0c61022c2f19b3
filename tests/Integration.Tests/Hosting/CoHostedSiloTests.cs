using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Hosting;

/// <summary>
/// The default deployment end to end: a silo process that serves the HTTP API itself (co-hosted), run as operators
/// run it (Production environment, configured by environment variables), with no API host anywhere. The separate
/// API host is what every other HTTP test in this suite goes through (<see cref="ApiFactory"/>).
/// </summary>
public sealed class CoHostedSiloTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private string _connectionString = "";
    private ExternalProcess _silo = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("cohosted");
        var clusterId = $"cohost-{Guid.NewGuid():N}"[..20];
        var httpPort = FreePorts.Next();
        _silo = ExternalProcess.Start("dotnet", [Repository.SiloDll], new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = _connectionString,
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__ServiceId"] = clusterId,
            ["Cluster__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = ApiFactory.SigningKey,
            ["Auth__PermitsPerSecond"] = "5",
        });
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        await _silo.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), StartTimeout);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task ASiloServesTheApiWithItsAuthProblemDetailsAndOperatorTools()
    {
        // Ready once its own grains answer: no gateway, no API host.
        using var ready = await _http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        using var anonymous = await _http.GetAsync("/api/vehicles/LSVAU218XN2183294/warranty");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        var vin = TestVins.Next();
        using var readerPost = Send(HttpMethod.Post, "/api/vehicles", Roles.Reader, Registration(vin));
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(readerPost)).StatusCode);

        using var register = Send(HttpMethod.Post, "/api/vehicles", Roles.Operator, Registration(vin));
        register.Headers.Add("Idempotency-Key", "cohosted-reg-1");
        using var registered = await _http.SendAsync(register);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var stored = await TestDatabase.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin));
        Assert.Equal(1, stored); // a 201 means the registration is in PostgreSQL

        using var warranty = await _http.SendAsync(Send(HttpMethod.Get, $"/api/vehicles/{vin}/warranty", Roles.Reader));
        Assert.Equal(HttpStatusCode.OK, warranty.StatusCode);
        using var answer = JsonDocument.Parse(await warranty.Content.ReadAsStringAsync());
        Assert.Equal(vin, answer.RootElement.GetProperty("vin").GetString());

        using var badVin = await _http.SendAsync(Send(HttpMethod.Get, "/api/vehicles/NOT-A-VIN/warranty", Roles.Reader));
        Assert.Equal(HttpStatusCode.BadRequest, badVin.StatusCode);
        Assert.Equal("application/problem+json", badVin.Content.Headers.ContentType?.MediaType);

        // Outside Development the docs and the dashboard are the operator's, as on the API host.
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync("/openapi/v1.json")).StatusCode);
        using var openApi = await _http.SendAsync(Send(HttpMethod.Get, "/openapi/v1.json", Roles.Operator));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/vehicles/{vin}/warranty", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var dashboard = await _http.SendAsync(Send(HttpMethod.Get, "/dashboard/DashboardCounters", Roles.Operator));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        // The dashboard's data comes from this silo's own collection (its first sample may still be empty).
        Assert.Contains("\"hosts\"", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiloServesPrometheusMetrics_WithOrleansHttpRuntimeAndBusinessSeries()
    {
        // Issue 19, item 1: every process that serves HTTP, silos included, answers GET /metrics (Prometheus text).
        var vin = TestVins.Next();
        using (var register = await _http.SendAsync(Send(HttpMethod.Post, "/api/vehicles", Roles.Operator, Registration(vin))))
        {
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        }

        using (var warranty = await _http.SendAsync(Send(HttpMethod.Get, $"/api/vehicles/{vin}/warranty", Roles.Reader)))
        {
            Assert.Equal(HttpStatusCode.OK, warranty.StatusCode);
        }

        using var metrics = await _http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var names = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(names, n => n.StartsWith("orleans_", StringComparison.Ordinal));            // Orleans' own meter
        Assert.Contains(names, n => n.StartsWith("http_server_request_duration", StringComparison.Ordinal)); // ASP.NET Core
        Assert.Contains(names, n => n.StartsWith("dotnet_", StringComparison.Ordinal) || n.StartsWith("process_runtime_dotnet", StringComparison.Ordinal)); // the runtime
        Assert.Contains("aftersales_warranty_answers_total", names);                              // the project's own
        Assert.Contains(names, n => n.StartsWith("aftersales_storage_write_batch_size", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASiloEnforcesTheCallersRateLimit()
    {
        // Five per second, bursts to ten: the eleventh request at once is refused with Retry-After.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await _http.SendAsync(Send(HttpMethod.Get, "/api/system/constant", Roles.Reader));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
    }

    private static HttpRequestMessage Send(HttpMethod method, string path, string role, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.Token(role));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private static object Registration(string vin) => new
    {
        vin,
        model = "ID.4",
        batch = "COHOST-B1",
        productionDate = "2026-01-10",
        powertrain = "bev",
        price = 199900,
    };
}
