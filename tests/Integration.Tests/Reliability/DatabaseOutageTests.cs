using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// PostgreSQL stops under load: writes fail fast with 503 + Retry-After (never a 2xx that was not stored),
/// reads of active vehicles keep working, and everything recovers by itself when the database returns.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private const int Vehicles = 24;
    // The API host gives a grain call 5 s (Cluster:ResponseTimeout) before answering 503; the rest is headroom for
    // a loaded CI machine. "Fast" means no hang, not a latency target.
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan OutageDuration = TimeSpan.FromSeconds(10);

    private PrivatePostgres _postgres = null!;
    private SiloHost _silo = null!;
    private ApiFactory _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PrivatePostgres.StartAsync();
        await new DatabaseMigrator(_postgres.ConnectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var clusterId = $"outage-{Guid.NewGuid():N}"[..20];
        _silo = await SiloHost.StartAsync(_postgres.ConnectionString, clusterId, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ClusterFixture.Start));
        // The load loop below sends thousands of requests a second as one caller; the rate limit has its own test.
        _api = new ApiFactory(_postgres.ConnectionString, clusterId, settings: new Dictionary<string, string> { ["Auth:PermitsPerSecond"] = "1000000" });
        _http = _api.CreateClient(AfterSales.Api.Security.Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        await _silo.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    [Trait("Category", "Slow")] // about ten seconds of brute-force or outage work: left out of ./test.sh --fast
    public async Task DatabaseDown_WritesAre503Fast_ReadsOfActiveVehiclesWork_AndWritesRecoverWhenItReturns()
    {
        var vins = new List<string>();
        for (var i = 0; i < Vehicles; i++)
        {
            vins.Add(await TestFleet.DeliveredVehicleAsync(_http));
        }

        var readers = vins.Take(Vehicles / 2).ToList();
        var writers = vins.Skip(Vehicles / 2).ToList();

        // The readers are active and have answered before (so has the recall registry they consult).
        foreach (var vin in readers)
        {
            using var warm = await _http.GetAsync($"/api/vehicles/{vin}/warranty");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await _postgres.StopServerAsync();

        // For the whole outage, keep the load on: every write is refused quickly with 503 and Retry-After
        // (none acknowledged), every read of an active vehicle is served from memory.
        var outage = Stopwatch.StartNew();
        var writes = new List<(string Vin, HttpStatusCode Status, bool RetryAfter, TimeSpan Elapsed)>();
        var reads = new List<(string Vin, HttpStatusCode Status)>();
        while (outage.Elapsed < OutageDuration)
        {
            writes.AddRange(await Task.WhenAll(writers.Select(async vin =>
            {
                var clock = Stopwatch.StartNew();
                using var response = await PostReadingAsync(vin, 1_000);
                return (vin, response.StatusCode, response.Headers.RetryAfter is not null, clock.Elapsed);
            })));
            reads.AddRange(await Task.WhenAll(readers.Select(async vin =>
            {
                using var response = await _http.GetAsync($"/api/vehicles/{vin}/warranty");
                return (vin, response.StatusCode);
            })));
        }

        Assert.NotEmpty(writes);
        Assert.All(writes, w =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, w.Status);
            Assert.True(w.RetryAfter, "503 without Retry-After");
            Assert.True(w.Elapsed < FailFast, $"{w.Vin}: took {w.Elapsed}");
        });
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.Status));

        using (var ready = await _http.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            // It names what failed, never the exception's text (host names, ports, connection details).
            var text = await ready.Content.ReadAsStringAsync();
            Assert.Contains("PostgreSQL did not answer", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        }

        await _postgres.StartServerAsync();

        // Back again: each write succeeds within a few client retries (the connection pool drops dead
        // connections on first use), and what was acknowledged is exactly what is stored.
        foreach (var vin in writers)
        {
            var status = HttpStatusCode.ServiceUnavailable;
            for (var attempt = 0; attempt < 10 && status == HttpStatusCode.ServiceUnavailable; attempt++)
            {
                using var response = await PostReadingAsync(vin, 2_000);
                status = response.StatusCode;
            }

            Assert.Equal(HttpStatusCode.OK, status);
            var stored = await TestDatabase.ScalarAsync<string>(_postgres.ConnectionString,
                "SELECT payload->>'odometerKm' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin));
            Assert.Equal("2000", stored);
        }

        using var vehicle = JsonDocument.Parse(await _http.GetStringAsync($"/api/vehicles/{writers[0]}"));
        Assert.Equal(2_000, vehicle.RootElement.GetProperty("odometerKm").GetInt32());
    }

    private Task<HttpResponseMessage> PostReadingAsync(string vin, int km) =>
        _http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = km, readAt = ClusterFixture.Start.AddHours(-1) });
}
