using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Stations;

/// <summary>
/// The station tests get a cluster of their own: they move the business clock forward, which no other collection
/// should see.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StationsCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "stations";
}

/// <summary>HTTP helpers for the station tests.</summary>
internal static class Api
{
    public static string Token() => Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpMethod method, string url, string? json = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string url, string? json = null) =>
        SendAsync(http, HttpMethod.Post, url, json ?? "{}");

    /// <summary>A POST with an <c>Idempotency-Key</c> (none when <paramref name="idempotencyKey"/> is null).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> PostWithKeyAsync(HttpClient http, string url, string json, string? idempotencyKey) =>
        SendAsync(http, HttpMethod.Post, url, json, idempotencyKey);

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient http, string url) => SendAsync(http, HttpMethod.Get, url);

    public static async Task<JsonElement> ExpectAsync(HttpStatusCode expected, Task<(HttpStatusCode Status, JsonElement Body)> call)
    {
        var (status, body) = await call;
        Assert.True(expected == status, $"expected {expected}, got {status}: {body}");
        return body;
    }

    public static Task<string> DeliveredVehicleAsync(HttpClient http) => TestFleet.DeliveredVehicleAsync(http, new DateOnly(2026, 6, 1));

    public static async Task<string> StationAsync(HttpClient http, string province, double latitude, double longitude, int bays = 2)
    {
        var code = "S" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(http, HttpMethod.Put, $"/api/stations/{code}",
            JsonSerializer.Serialize(new { name = $"Station {code}", province, city = "Harbin", latitude, longitude, bays, appraisers = new[] { "Wang", "Zhao" } })));

        // Both appraisers hold appraiser certificates for as long as any test's clock runs (seed 001 §5.3.1: 持证上岗).
        await CertifyAsync(http, code, "W1", "Wang", ("appraiser", new DateOnly(2000, 1, 1), new DateOnly(2099, 12, 31)));
        await CertifyAsync(http, code, "Z1", "Zhao", ("appraiser", new DateOnly(2000, 1, 1), new DateOnly(2099, 12, 31)));
        return code;
    }

    /// <summary>The after-sales side records one of the station's people with these certificates (numbered from the person id).</summary>
    public static Task<JsonElement> CertifyAsync(HttpClient http, string station, string personId, string name, params (string Kind, DateOnly ValidFrom, DateOnly ValidUntil)[] certificates) =>
        ExpectAsync(HttpStatusCode.OK, SendAsync(http, HttpMethod.Put, $"/api/stations/{station}/people/{personId}", JsonSerializer.Serialize(new
        {
            name,
            certificates = certificates.Select((c, i) => new { kind = c.Kind, number = $"{station}-{personId}-{i + 1}", validFrom = c.ValidFrom, validUntil = c.ValidUntil }),
        })));

    public static async Task<string> OpenAsync(HttpClient http, string station, string vin, int km, string kind = "repair", string fault = "BRK-101", string system = "brakes")
    {
        var body = await ExpectAsync(HttpStatusCode.Created, PostAsync(http, $"/api/stations/{station}/work-orders",
            $$"""{"vin":"{{vin}}","odometerKm":{{km}},"kind":"{{kind}}","faultCode":"{{fault}}","system":"{{system}}","description":"check"}"""));
        return body.GetProperty("id").GetString()!;
    }

    public static Task<JsonElement> MoveAsync(HttpClient http, string station, string id, string action) =>
        ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/stations/{station}/work-orders/{id}/{action}"));

    public static async Task<JsonElement> LoadAsync(HttpClient http, string station) =>
        await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{station}/load"));

    /// <summary>
    /// The warranty department approves the claim an appraisal filed for review (a serious safety fault, a unit
    /// replacement, an unclear case or a large total); <paramref name="http"/> must carry the warranty or operator role.
    /// </summary>
    public static async Task<JsonElement> ApproveClaimAsync(HttpClient http, JsonElement appraised)
    {
        var claim = appraised.GetProperty("claim");
        Assert.Equal("submitted", claim.GetProperty("state").GetString());
        return await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/claims/{claim.GetProperty("id").GetString()}/approve", """{"note":"Checked against the warranty manual."}"""));
    }

    public static string Appraisal(string cause = "defect", string part = "BRK-CAL-FL", bool seriousSafety = false, string appraiser = "Wang") =>
        $$"""{"warranty":true,"cause":"{{cause}}","parts":[{"partNo":"{{part}}","quantity":1}],"seriousSafety":{{(seriousSafety ? "true" : "false")}},"appraiser":"{{appraiser}}"}""";
}
