using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// api.md: a GET of one entity returns an ETag (its version), If-None-Match answers 304, and a write with If-Match that
/// no longer matches answers 412 and changes nothing. The grain checks If-Match against the version it holds, inside
/// the command, so of two writers that read the same version exactly one wins.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ETagTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task VehicleGet_CarriesItsVersion_AndIfNoneMatchWithItIsA304WithoutBody()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var etag = await ETagOfAsync($"/api/vehicles/{vin}");
        Assert.Matches("^\"v[0-9]+\"$", etag);

        using var notModified = await GetAsync($"/api/vehicles/{vin}", ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag?.ToString());
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // A write answers with the version it made; the old tag then no longer matches.
        using var written = await OdometerAsync(vin, 90, ifMatch: null);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        var newer = written.Headers.ETag?.ToString();
        Assert.NotNull(newer);
        Assert.NotEqual(etag, newer);
        Assert.Equal(newer, await ETagOfAsync($"/api/vehicles/{vin}"));
        using var changed = await GetAsync($"/api/vehicles/{vin}", ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(90, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task WriteWithAStaleIfMatch_Is412AndChangesNothing_AndWithTheCurrentOneItApplies()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var stale = await ETagOfAsync($"/api/vehicles/{vin}");
        using (var first = await OdometerAsync(vin, 70, ifMatch: stale))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var current = await ETagOfAsync($"/api/vehicles/{vin}");
        using var refused = await OdometerAsync(vin, 80, ifMatch: stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Precondition failed", problem.GetProperty("title").GetString());
        Assert.Equal("precondition-failed", problem.GetProperty("code").GetString());
        Assert.Contains(current, problem.GetProperty("detail").GetString());

        // Nothing changed: the same version, the same reading.
        using var after = await GetAsync($"/api/vehicles/{vin}");
        Assert.Equal(current, after.Headers.ETag?.ToString());
        Assert.Equal(70, (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("odometerKm").GetInt32());

        using var applied = await OdometerAsync(vin, 80, ifMatch: current);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(80, (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task ConcurrentWritersWithTheSameIfMatch_ExactlyOneWins()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var read = await ETagOfAsync($"/api/vehicles/{vin}");
        var writers = Enumerable.Range(1, 8).Select(async i =>
        {
            using var response = await OdometerAsync(vin, 100 + i, ifMatch: read);
            return (Km: 100 + i, response.StatusCode);
        });
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        using var after = await GetAsync($"/api/vehicles/{vin}");
        Assert.Equal(winner.Km, (await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("odometerKm").GetInt32());
    }

    [Fact]
    public async Task StationAndWorkOrder_CarryTheStationsVersion_AndAStaleIfMatchLeavesTheStationActive()
    {
        var code = "E" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using (var put = await Http.PutAsJsonAsync($"/api/stations/{code}",
            new { name = "ETag station", province = "Heilongjiang", city = "Harbin", latitude = 45.75, longitude = 126.63, bays = 2, appraisers = new[] { "Wang" } }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(put.Headers.ETag?.ToString(), await ETagOfAsync($"/api/stations/{code}"));
        }

        var stale = await ETagOfAsync($"/api/stations/{code}");
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        using var opened = await Http.PostAsJsonAsync($"/api/stations/{code}/work-orders",
            new { vin, odometerKm = 100, kind = "maintenance", faultCode = "BRK-101", system = "brakes", description = "service" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var order = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var current = await ETagOfAsync($"/api/stations/{code}");
        Assert.NotEqual(stale, current);
        Assert.Equal(current, await ETagOfAsync($"/api/stations/{code}/work-orders/{order}"));

        using var suspend = new HttpRequestMessage(HttpMethod.Post, $"/api/stations/{code}/suspend") { Content = JsonContent.Create(new { reason = "audit" }) };
        suspend.Headers.TryAddWithoutValidation("If-Match", stale);
        using var refused = await Http.SendAsync(suspend);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);

        using var station = await GetAsync($"/api/stations/{code}");
        Assert.Equal(current, station.Headers.ETag?.ToString());
        Assert.Equal("active", (await station.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorisation").GetString());
    }

    private async Task<string> ETagOfAsync(string url)
    {
        using var response = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException($"GET {url} sent no ETag.");
    }

    private Task<HttpResponseMessage> GetAsync(string url, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> OdometerAsync(string vin, int km, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/odometer")
        {
            Content = JsonContent.Create(new { readingKm = km, readAt = fixture.Clock.GetUtcNow() }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return Http.SendAsync(request);
    }
}
