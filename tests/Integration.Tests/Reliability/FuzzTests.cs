using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Thousands of malformed, oversized, wrongly typed and hostile requests at every route: no 5xx, every reply a
/// problem detail, and nothing stored changes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class FuzzTests(ClusterFixture fixture)
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
        "appraiser", "description", "recallCampaignId", "mainPartsReplaced", "repairItem", "mainParts", "wearParts",
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
            (HttpMethod.Post, "/api/vehicles/{vin}/odometer-corrections"),
            (HttpMethod.Post, "/api/vehicles/{vin}/ownership"),
            (HttpMethod.Post, "/api/vehicles/{vin}/lifecycle"),
            (HttpMethod.Post, "/api/vehicles/{vin}/visits"),
            (HttpMethod.Post, "/api/vehicles/{vin}/buyback-cases"),
            (HttpMethod.Post, "/api/vehicles/{vin}/erase-previous-owners"),
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

    /// <summary>
    /// Mutating routes that act without a body (state transitions, an optional reason or quantity): on a real
    /// target even a garbage body would be a legitimate request, so they get hostile targets only. Every other
    /// mutating route reads a JSON body, so on a real target a garbage body must be refused.
    /// </summary>
    private static readonly HashSet<string> ActWithoutABody = new(StringComparer.Ordinal)
    {
        "POST /api/stations/{code}/suspend", "POST /api/stations/{code}/reinstate", "POST /api/stations/{code}/revoke",
        "POST /api/stations/{code}/work-orders/{id}/start", "POST /api/stations/{code}/work-orders/{id}/wait-for-parts",
        "POST /api/stations/{code}/work-orders/{id}/complete", "POST /api/stations/{code}/work-orders/{id}/settle",
        "POST /api/stations/{code}/work-orders/{id}/cancel", "POST /api/depots/{code}/reservations/{id}/ship",
        "POST /api/depots/{code}/reservations/{id}/release", "POST /api/depots/{code}/reservations/{id}/arrived",
        "POST /api/stations/{code}/settlements/{month}/close", "POST /api/reports/stations/{month}/close",
        "POST /api/surveys/{id}/no-answer",
    };

    /// <summary>
    /// Every /api route outside /api/vehicles (the test above), taken from the host's endpoint table so a route added
    /// later is fuzzed too. Route values are real (a station, its work order, a depot and reservation, a stocked part,
    /// a complaint) or hostile; query parameters are the handler's own.
    /// </summary>
    [Fact]
    public async Task HostileRequestsAtEveryOtherRoute_NeverFailWith5xx_AlwaysAnswerProblemDetails_AndChangeNothing()
    {
        var http = fixture.Http;
        var vin = await TestFleet.DeliveredVehicleAsync(http);
        var (latitude, longitude) = (52.1, 80.3);
        var station = await Stations.Api.StationAsync(http, "Fuzz" + Stations.Api.Token(), latitude, longitude);
        var order = await Stations.Api.OpenAsync(http, station, vin, 20, kind: "maintenance");
        var depot = "D-FUZZ" + Stations.Api.Token();
        const string Part = "FUZZ-PART-1";
        await Stations.Api.ExpectAsync(HttpStatusCode.Created, Stations.Api.SendAsync(http, HttpMethod.Put, $"/api/depots/{depot}",
            System.Text.Json.JsonSerializer.Serialize(new { name = "Fuzz depot", province = "Fuzz", latitude, longitude })));
        await Stations.Api.ExpectAsync(HttpStatusCode.OK, Stations.Api.PostAsync(http, $"/api/depots/{depot}/receipts",
            System.Text.Json.JsonSerializer.Serialize(new { lines = new[] { new { partNo = Part, quantity = 5 } } })));
        var reservation = (await Stations.Api.ExpectAsync(HttpStatusCode.Created, Stations.Api.PostAsync(http, $"/api/depots/{depot}/reservations",
            System.Text.Json.JsonSerializer.Serialize(new { partNo = Part, quantity = 1, stationCode = station, workOrderId = order, warranty = false, urgent = false }))))
            .GetProperty("id").GetString()!;
        var complaint = (await Complaints.Complaints.RegisterAsync(http, latitude, longitude)).GetProperty("id").GetString()!;

        string? Known(string template, string parameter) => (parameter, template.Split('/')[2]) switch
        {
            ("vin", _) => vin,
            ("code", "stations") => station,
            ("id", "stations") => order,
            ("code", "depots") => depot,
            ("id", "depots") => reservation,
            ("id", "complaints") => complaint,
            ("partNo", _) => Part,
            ("month", _) => "2026-04",
            ("province", _) => "Fuzz",
            ("effectiveFrom", _) => "2000-01-01",
            _ => null,
        };

        var routes = ApiRoutes().Where(r => !r.Template.StartsWith("/api/vehicles", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count > 40, $"only {routes.Count} routes found");
        Assert.Empty(ActWithoutABody.Except(routes.Select(r => $"{r.Method} {r.Template}")));
        var before = await SnapshotAsync();
        var random = new Random(Seed + 1);
        var failures = new List<string>();
        foreach (var (method, template, query) in routes)
        {
            var mutating = method != HttpMethod.Get;
            var knownTargets = !mutating || !ActWithoutABody.Contains($"{method} {template}");
            for (var i = 0; i < RequestsPerRoute / 2; i++)
            {
                string Hostile() => Uri.EscapeDataString(Pick(random, HostileStrings).Replace("\u0000", "", StringComparison.Ordinal));
                var useKnown = knownTargets && random.Next(2) == 0;
                var path = RouteParameter().Replace(template, m => (useKnown ? Known(template, m.Groups[1].Value) : null) ?? Hostile());
                if (query.Count > 0)
                {
                    path += "?" + string.Join("&", query.Where(_ => random.Next(4) != 0).Select(q => $"{q}={Hostile()}"));
                }

                // On a real target only a body that can never be valid: not JSON, cut off, the wrong type, or not JSON at all.
                var pathWasReal = useKnown && template.Contains('{', StringComparison.Ordinal);
                using var request = HostileRequest(random, method, path, vin, garbageBodyOnly: mutating && pathWasReal);
                using var response = await http.SendAsync(request);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500 || (status >= 400 && mediaType != "application/problem+json") || (mutating && pathWasReal && status < 400))
                {
                    failures.Add($"{request.Method} {request.RequestUri} → {status} {mediaType}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>The host's /api routes: method, template, and the query parameters its handler reads.</summary>
    private List<(HttpMethod Method, string Template, IReadOnlyList<string> Query)> ApiRoutes() =>
        [.. fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e =>
            {
                var template = e.RoutePattern.RawText!.TrimEnd('/');
                var routeValues = e.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                IReadOnlyList<string> query = [.. (e.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [])
                    .Where(p => p.ParameterType == typeof(string) && p.Name is not null && !routeValues.Contains(p.Name))
                    .Select(p => p.Name!)];
                return (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (new HttpMethod(m), template, query));
            })
            .DistinctBy(r => (r.Item1, r.template))];

    [GeneratedRegex("{([^}:]+)[^}]*}")]
    private static partial Regex RouteParameter();

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

    private static HttpRequestMessage HostileRequest(Random random, HttpMethod method, string template, string knownVin, bool garbageBodyOnly = false)
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

        var (body, contentType) = random.Next(garbageBodyOnly ? 4 : 6) switch
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
