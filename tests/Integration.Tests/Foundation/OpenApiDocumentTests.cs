using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AfterSales.Api.Hosting;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The OpenAPI document is what integrators generate clients from (issue 20): the committed <c>docs/openapi.json</c> is
/// the served one, it declares what the handlers really do (required fields, roles, responses), and any role may read it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OpenApiDocumentTests(ClusterFixture fixture)
{
    private static readonly string CommittedPath = Path.Combine(Repository.Root, "docs", "openapi.json");

    [Fact]
    public async Task ServedDocument_IsTheCommittedOne()
    {
        var served = ApiDocument.Normalize(await fixture.Http.GetStringAsync("/openapi/v1.json"));
        var committed = await File.ReadAllTextAsync(CommittedPath);

        // On a developer's machine the build rewrites docs/openapi.json; CI (CI=true) builds without rewriting it, so
        // a change to the API that was built but not committed with its document fails here.
        Assert.True(served == committed,
            $"The served document differs from docs/openapi.json at line {FirstDifferentLine(served, committed)}: build outside CI to regenerate it, and commit it.");
    }

    [Fact]
    public async Task Document_HoldsOnlyApiRoutes_EachWithSummaryTagRolesAndProblemResponses()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();

        Assert.All(document["paths"]!.AsObject().Select(p => p.Key), path => Assert.StartsWith("/api/", path, StringComparison.Ordinal));
        Assert.True(operations.Count >= 60, $"{operations.Count} operations");
        Assert.All(operations, o =>
        {
            var (path, method, operation) = o;
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has a summary");
            Assert.Single(operation["tags"]!.AsArray());
            Assert.StartsWith("**Roles:**", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(ApiDocument.BearerScheme, operation["security"]![0]!.AsObject().Single().Key);
            foreach (var status in new[] { "401", "403", "429", "503" })
            {
                Assert.True(operation["responses"]![status] is not null, $"{method} {path} declares {status}");
            }
        });
    }

    [Fact]
    public async Task EveryWrite_TakesAnIdempotencyKey_AndDeclaresConflicts()
    {
        var document = await DocumentAsync();

        Assert.All(Operations(document).Where(o => o.Method != "get"), o =>
        {
            var parameters = o.Operation["parameters"]!.AsArray();
            Assert.Contains(parameters, p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
            Assert.NotNull(o.Operation["responses"]!["409"]);
        });
    }

    [Fact]
    public async Task VersionedEntities_DeclareETag304AndIfMatch412()
    {
        var document = await DocumentAsync();
        var getVehicle = document["paths"]!["/api/vehicles/{vin}"]!["get"]!;
        var odometer = document["paths"]!["/api/vehicles/{vin}/odometer"]!["post"]!;

        Assert.NotNull(getVehicle["responses"]!["200"]!["headers"]!["ETag"]);
        Assert.NotNull(getVehicle["responses"]!["304"]);
        Assert.Contains(getVehicle["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-None-Match");
        Assert.Contains(odometer["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "If-Match");
        Assert.NotNull(odometer["responses"]!["412"]);
    }

    [Fact]
    public async Task RolesInTheDocument_AreTheRolesTheRouteAdmits()
    {
        var document = await DocumentAsync();
        var odometer = document["paths"]!["/api/vehicles/{vin}/odometer"]!["post"]!["description"]!.GetValue<string>();
        var warranty = document["paths"]!["/api/vehicles/{vin}/warranty"]!["get"]!["description"]!.GetValue<string>();

        Assert.StartsWith("**Roles:** `operator`.", odometer, StringComparison.Ordinal);
        Assert.All(Roles.All, role => Assert.Contains($"`{role}`", warranty, StringComparison.Ordinal));
        // And the route agrees: a reader may read the warranty but not record a reading.
        using var reader = fixture.Api.CreateClient(Roles.Reader);
        using var refused = await reader.PostAsync($"/api/vehicles/{TestVins.Next()}/odometer", Json("{}"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task QueryParameters_AreTyped()
    {
        var document = await DocumentAsync();
        var history = document["paths"]!["/api/vehicles/{vin}/history"]!["get"]!["parameters"]!.AsArray();
        var warranty = document["paths"]!["/api/vehicles/{vin}/warranty"]!["get"]!["parameters"]!.AsArray();

        Assert.Equal("integer", history.Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("date", warranty.Single(p => p!["name"]!.GetValue<string>() == "asOf")!["schema"]!["format"]!.GetValue<string>());
        Assert.Equal("integer", warranty.Single(p => p!["name"]!.GetValue<string>() == "mileageKm")!["schema"]!["type"]!.GetValue<string>());
    }

    /// <summary>
    /// The required fields of each request body are exactly those an empty object is refused for: the document is
    /// checked against the handlers, operation by operation.
    /// </summary>
    [Fact]
    public async Task RequiredBodyFields_AreTheOnesAnEmptyBodyIsRefusedFor()
    {
        var document = await DocumentAsync();
        using var operatorClient = fixture.Api.CreateClient(Roles.Operator);
        var mismatches = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is not { } schema)
            {
                continue;
            }

            var needs = System.Text.RegularExpressions.Regex.Match(operation["description"]!.GetValue<string>(), "The body needs ([^.]*)\\.");
            var declared = (Resolve(document, schema)["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
                .Concat(needs.Success ? needs.Groups[1].Value.Split(", ").Select(f => f.Trim('`')) : [])
                .Order(StringComparer.Ordinal).ToList();
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), SamplePath(path)) { Content = Json("{}") };
            using var response = await operatorClient.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var refused = response.StatusCode == HttpStatusCode.BadRequest && JsonNode.Parse(body)?["errors"] is JsonObject errors
                ? errors.Select(e => e.Key).Where(k => !k.Contains('.', StringComparison.Ordinal) && !k.Contains('[', StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal).ToList()
                : [];
            if (!declared.SequenceEqual(refused))
            {
                mismatches.Add($"{method.ToUpperInvariant()} {path}: declared [{string.Join(", ", declared)}], refused [{string.Join(", ", refused)}] ({(int)response.StatusCode})");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData(Roles.Reader)]
    [InlineData(Roles.Station)]
    [InlineData(Roles.CallCentre)]
    public async Task AnyAuthenticatedRole_MayReadTheDocument_OutsideDevelopment(string role)
    {
        await using var production = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production");
        using var anonymous = production.CreateClient();
        using var caller = production.CreateClient(role, role == Roles.Station ? "S0001" : null);

        using var refused = await anonymous.GetAsync("/openapi/v1.json");
        using var answered = await caller.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    private async Task<JsonNode> DocumentAsync() => JsonNode.Parse(await fixture.Http.GetStringAsync("/openapi/v1.json"))!;

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key is "get" or "post" or "put" or "delete" or "patch"
        select (path.Key, operation.Key, operation.Value!);

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!
            : schema;

    /// <summary>A path with every route value filled with one of a valid form, so that only the body is in question.</summary>
    private static string SamplePath(string path) => System.Text.RegularExpressions.Regex.Replace(path, "{([^}]+)}", m => m.Groups[1].Value switch
    {
        "vin" => "LSVAU2A37N2000001",
        "month" => "2026-11",
        "year" => "2026",
        "effectiveFrom" => "2026-01-01",
        "code" => "S0001",
        "province" => "广东",
        "id" when path.StartsWith("/api/buyback-cases/", StringComparison.Ordinal) => "BB0123456789ABCDEF0123",
        "id" when path.StartsWith("/api/corrective-actions/", StringComparison.Ordinal) => "X1-A1",
        _ => "X1",
    });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static int FirstDifferentLine(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line])
        {
            line++;
        }

        return line + 1;
    }
}
