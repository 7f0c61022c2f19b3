using System.Net;
using System.Net.Http.Json;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// PostgreSQL answers, but with an error (here: the state table has gone; in the field: "too many clients", a
/// permission or a cancelled statement). Behind a grain activation that is a PostgresException, which Orleans does
/// not carry to the client unless told to; it must still reach the caller as 503 + Retry-After, never as a 500.
/// </summary>
public sealed class DatabaseErrorTests : IAsyncLifetime
{
    private string _connectionString = "";
    private SiloHost _silo = null!;
    private ApiFactory _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("dberror");
        var clusterId = $"dberror-{Guid.NewGuid():N}"[..20];
        _silo = await SiloHost.StartAsync(_connectionString, clusterId, new FakeTimeProvider(ClusterFixture.Start));
        _api = new ApiFactory(_connectionString, clusterId);
        _http = _api.CreateClient(AfterSales.ApiHost.Security.Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task ServerErrorWhileAGrainLoadsItsState_Is503WithRetryAfter_AndTheGrainLoadsOnceTheDatabaseIsWhole()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(_http);
        var inactive = TestVins.Next();
        await TestDatabase.ScalarAsync<object>(_connectionString, "ALTER TABLE grain_state RENAME TO grain_state_away");
        try
        {
            // A vehicle no silo holds must read its row first: the read fails inside the activation.
            using var read = await _http.GetAsync($"/api/vehicles/{inactive}/warranty");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.NotNull(read.Headers.RetryAfter);
            Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);

            // A write to an active vehicle fails in its state write: refused the same way, nothing applied.
            using var write = await _http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 900, readAt = ClusterFixture.Start.AddHours(-1) });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(_connectionString, "ALTER TABLE grain_state_away RENAME TO grain_state");
        }

        // The failed activation left nothing behind: the vehicle that was never registered is now simply unknown,
        // and the refused reading was never stored.
        using var unknown = await _http.GetAsync($"/api/vehicles/{inactive}/warranty");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("5", await TestDatabase.ScalarAsync<string>(_connectionString,
            "SELECT payload->>'odometerKm' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
    }
}
