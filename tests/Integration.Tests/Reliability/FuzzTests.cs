using System.Net;
using System.Net.Http.Json;
using System.Text;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Thousands of malformed, oversized, wrongly typed and hostile requests at every route: no 5xx, every reply a
/// problem detail, and nothing stored changes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FuzzTests(ClusterFixture fixture)
{
    private const int Seed = 20261123;
    private const int RequestsPerRoute = 250;

    private static readonly string[] HostileStrings =
    [
        "", " ", "null", "'; DROP TABLE grain_state; --", "<script>alert(1)</script>", "../../etc/passwd", "\u0000",
        "\u202Eevil", "%2F%2E%2E", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ＬＳＶＡＵ２１８ＸＮ２１８３２９４", new string('A', 5000), "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888",
        "IOQ11111111111111", "{{}}", "\\\"", "😀😀😀", "NaN", "-1", "9999999999999999999999",
    ];

    private static readonly string[] HostileJsonValues =
    [
        "null", "true", "-1", "0", "-99999999999", "1e309", "99999999999999999999999999", "1.5", "\"\"", "\"x\"", "[]", "{}",
        "\"2026-13-45\"", "\"0000-00-00\"", "\"2026-02-30\"", "\"9999-12-31T99:99:99Z\"", "\"<script>\"", "\"'; DROP TABLE x;--\"",
        "\"" + new string('z', 3000) + "\"", "[1,2,3]", "{\"a\":{\"b\":{\"c\":[]}}}", "\"\\u0000\"", "\"ice\"", "\"ICE\"", "\"rocket\"",
    ];

    private static readonly string[] Fields =
    [
        "vin", "model", "batch", "productionDate", "powertrain", "price", "ownerName", "ownerPhone", "dealerCode", "invoiceDate",
        "deliveryDate", "odometerKm", "readingKm", "readAt", "transferDate", "state", "effectiveDate", "visitId", "stationCode",
        "kind", "agreedAt", "completedAt", "mileageKm", "faultCode", "system", "partsUsed", "excludedHours", "vehicles", "unknownField",
        "name", "province", "city", "latitude", "longitude", "bays", "appraisers", "reason", "warranty", "cause", "parts", "seriousSafety",
        "appraiser", "description", "recallCampaignId",
    ];

    [Fact]
    public async Task HostileRequestsAtEveryVehicleRoute_NeverFailWith5xx_AlwaysAnswerProblemDetails_AndChangeNothing()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var before = await SnapshotAsync();
        var random = new Random(Seed);
        var routes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/api/vehicles"),
            (HttpMethod.Post, "/api/vehicles/bulk"),
            (HttpMethod.Post, "/api/vehicles/{vin}/delivery"),
            (HttpMethod.Post, "/api/vehicles/{vin}/odometer"),
            (HttpMethod.Post, "/api/vehicles/{vin}/ownership"),
            (HttpMethod.Post, "/api/vehicles/{vin}/lifecycle"),
            (HttpMethod.Post, "/api/vehicles/{vin}/visits"),
            (HttpMethod.Get, "/api/vehicles/{vin}"),
            (HttpMethod.Get, "/api/vehicles/{vin}/warranty"),
            (HttpMethod.Get, "/api/vehicles/{vin}/history"),
        };

        var failures = new List<string>();
        foreach (var (method, template) in routes)
        {
            for (var i = 0; i < RequestsPerRoute; i++)
            {
                using var request = HostileRequest(random, method, template, vin);
                var description = $"{request.Method} {request.RequestUri}";
                using var response = await fixture.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500 || (status >= 400 && mediaType != "application/problem+json"))
                {
                    failures.Add($"{description} → {status} {mediaType}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task HostileRequestsAtEveryStationClaimAndNetworkRoute_NeverFailWith5xx_AlwaysAnswerProblemDetails_AndChangeNothing()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var station = await Stations.Api.StationAsync(fixture.Http, "Jilin", 43.88, 125.32);
        var order = await Stations.Api.OpenAsync(fixture.Http, station, vin, 20, kind: "maintenance");
        var before = await SnapshotAsync();
        var random = new Random(Seed + 1);
        // Routes that would legitimately act on an empty or partial body (transitions, suspend, reinstate) get
        // hostile codes and ids only; the rest also get the real station and work order.
        var routes = new (HttpMethod Method, string Path, bool KnownTarget)[]
        {
            (HttpMethod.Put, "/api/stations/{code}", true),
            (HttpMethod.Post, "/api/stations/{code}/work-orders", true),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/appraisal", true),
            (HttpMethod.Get, "/api/stations/{code}", true),
            (HttpMethod.Get, "/api/stations/{code}/load", true),
            (HttpMethod.Get, "/api/stations/{code}/work-orders/{id}", true),
            (HttpMethod.Post, "/api/stations/{code}/suspend", false),
            (HttpMethod.Post, "/api/stations/{code}/reinstate", false),
            (HttpMethod.Post, "/api/stations/{code}/revoke", false),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/start", false),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/wait-for-parts", false),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/complete", false),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/settle", false),
            (HttpMethod.Post, "/api/stations/{code}/work-orders/{id}/cancel", false),
            (HttpMethod.Get, "/api/claims/{id}", true),
            (HttpMethod.Get, "/api/stations/nearby?latitude={q}&longitude={q}&radiusKm={q}&available={q}&limit={q}", true),
            (HttpMethod.Get, "/api/network/summary", true),
            (HttpMethod.Get, "/api/network/provinces/{code}", true),
            (HttpMethod.Put, "/api/depots/{code}", false),
            (HttpMethod.Post, "/api/depots/{code}/receipts", false),
            (HttpMethod.Post, "/api/depots/{code}/orders", false),
            (HttpMethod.Post, "/api/depots/{code}/reservations", false),
            (HttpMethod.Post, "/api/depots/{code}/reservations/{id}/ship", false),
            (HttpMethod.Post, "/api/depots/{code}/reservations/{id}/release", false),
            (HttpMethod.Post, "/api/depots/{code}/reservations/{id}/arrived", false),
            (HttpMethod.Get, "/api/depots/{code}/stock/{id}", false),
            (HttpMethod.Get, "/api/parts/{code}/availability?latitude={q}&longitude={q}", false),
            (HttpMethod.Put, "/api/stations/{code}/parts-plans/{id}", false),
            (HttpMethod.Get, "/api/parts-plans/{code}", false),
            (HttpMethod.Post, "/api/recalls", false),
            (HttpMethod.Get, "/api/recalls/{code}", false),
            (HttpMethod.Get, "/api/reports/quality/{code}", false),
            (HttpMethod.Get, "/api/reports/stations/{code}", false),
            (HttpMethod.Post, "/api/complaints", false),
            (HttpMethod.Get, "/api/complaints/{id}", false),
            (HttpMethod.Post, "/api/complaints/{id}/respond", false),
            (HttpMethod.Post, "/api/complaints/{id}/reply", false),
            (HttpMethod.Post, "/api/complaints/{id}/plan", false),
            (HttpMethod.Post, "/api/complaints/{id}/callback", false),
        };

        var failures = new List<string>();
        foreach (var (method, template, knownTarget) in routes)
        {
            for (var i = 0; i < RequestsPerRoute / 2; i++)
            {
                string Hostile() => Uri.EscapeDataString(Pick(random, HostileStrings).Replace("\u0000", "", StringComparison.Ordinal));
                var useKnown = knownTarget && random.Next(2) == 0;
                var path = template
                    .Replace("{code}", useKnown ? station : Hostile(), StringComparison.Ordinal)
                    .Replace("{id}", useKnown ? order : Hostile(), StringComparison.Ordinal)
                    .Replace("{q}", Hostile(), StringComparison.Ordinal);
                using var request = HostileRequest(random, method, path, vin);
                using var response = await fixture.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500 || (status >= 400 && mediaType != "application/problem+json"))
                {
                    failures.Add($"{request.Method} {request.RequestUri} → {status} {mediaType}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task OversizedBody_Is413ProblemDetails_AndChangesNothing()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var before = await SnapshotAsync();
        var huge = "{\"ownerName\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";

        using var response = await fixture.Http.PostAsync($"/api/vehicles/{vin}/ownership", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await SnapshotAsync());
    }

    private static HttpRequestMessage HostileRequest(Random random, HttpMethod method, string template, string knownVin)
    {
        var vinSegment = random.Next(4) switch
        {
            0 => knownVin,
            // NUL in a path is refused by Kestrel before any middleware runs (and the in-memory test server throws).
        1 => Uri.EscapeDataString(Pick(random, HostileStrings).Replace("\u0000", "", StringComparison.Ordinal)),
            2 => knownVin.ToLowerInvariant(),
            _ => TestVins.Next(),
        };
        var path = template.Replace("{vin}", vinSegment, StringComparison.Ordinal);
        if (method == HttpMethod.Get && !path.Contains('?', StringComparison.Ordinal) && random.Next(2) == 0)
        {
            path += $"?asOf={Uri.EscapeDataString(Pick(random, HostileStrings))}&mileageKm={Uri.EscapeDataString(Pick(random, HostileStrings))}";
        }

        var request = new HttpRequestMessage(method, path);
        if (random.Next(5) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Pick(random, HostileStrings));
        }

        if (method == HttpMethod.Get)
        {
            return request;
        }

        var (body, contentType) = random.Next(6) switch
        {
            0 => (Pick(random, HostileStrings), "application/json"),                       // not JSON at all
            1 => ("{\"" + Pick(random, Fields) + "\":", "application/json"),               // truncated
            2 => (RandomObject(random), Pick(random, ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"])),
            3 => ("[" + RandomObject(random) + "]", "application/json"),                   // wrong top-level type
            _ => (RandomObject(random), "application/json"),                               // right shape, hostile values
        };
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return request;
    }

    // Objects with a random subset of the contract's fields (and unknown ones), each with a hostile value.
    // Known valid combinations are avoided by always including at least one hostile value in a required field.
    private static string RandomObject(Random random)
    {
        var fields = Enumerable.Range(0, random.Next(1, 8)).Select(_ => Pick(random, Fields)).Distinct()
            .Select(f => $"\"{f}\":{Pick(random, HostileJsonValues)}");
        return "{" + string.Join(",", fields) + "}";
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    // Every stored row's key and version: any accepted change would bump a version or add a row.
    private Task<string?> SnapshotAsync() => TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
        "SELECT coalesce(string_agg(state_name || '/' || grain_key || ':' || version, ',' ORDER BY state_name, grain_key), '') FROM grain_state");
}
