using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Security;

/// <summary>Every /api route needs a caller identity (401) and a role allowed to do that (403).</summary>
[Collection(ClusterCollection.Name)]
public sealed class AuthorizationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task NoToken_Is401ProblemDetails_ButHealthStaysOpen()
    {
        using var anonymous = fixture.Api.CreateClient();

        using var api = await anonymous.GetAsync($"/api/vehicles/{TestVins.Next()}");
        using var live = await anonymous.GetAsync("/health/live");
        using var ready = await anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bearer token", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>Where a grain lives is an operator's question (issue 19): every other role is refused, and a bad kind is a 400.</summary>
    [Theory]
    [InlineData(Roles.Reader, null)]
    [InlineData(Roles.Station, "S001")]
    [InlineData(Roles.CallCentre, null)]
    [InlineData(Roles.Warranty, null)]
    [InlineData(Roles.Parts, null)]
    public async Task GrainPlacement_IsForOperatorsOnly(string role, string? station)
    {
        using var caller = fixture.Api.CreateClient(role, station);
        using var refused = await caller.GetAsync("/api/system/placement/stations/S001");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var operatorClient = fixture.Api.CreateClient(Roles.Operator);
        using var answered = await operatorClient.GetAsync($"/api/system/placement/vehicles/{TestVins.Next()}");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var reply = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(reply.GetProperty("active").GetBoolean()); // asking activates nothing
        using var badKind = await operatorClient.GetAsync("/api/system/placement/claims/C1");
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
    }

    /// <summary>Every /api route the host maps, found from its endpoint table, so a route added later is covered too.</summary>
    [Fact]
    public async Task EveryApiRoute_Is401WithoutAToken_AndEveryMutatingRouteIs403ForAReader()
    {
        var routes = fixture.Api.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Method: method, Path: System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!, "{[^}]+}", "X1"))))
            .Distinct().ToList();
        Assert.True(routes.Count > 40, $"only {routes.Count} /api routes found");

        using var anonymous = fixture.Api.CreateClient();
        using var reader = fixture.Api.CreateClient(Roles.Reader);
        var wrong = new List<string>();
        foreach (var (method, path) in routes)
        {
            using (var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") })
            using (var response = await anonymous.SendAsync(request))
            {
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"anonymous {method} {path} → {(int)response.StatusCode}");
                }
            }

            if (method != "GET")
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
                using var response = await reader.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    wrong.Add($"reader {method} {path} → {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task TokenSignedWithAnotherKey_Is401()
    {
        var forged = TokenIssuer.Issue(new AuthSettings { SigningKey = "an-attacker-key-that-is-long-enough-000000" }, "mallory", Roles.Operator, null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        using var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        using var response = await client.GetAsync($"/api/vehicles/{TestVins.Next()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        var expired = TokenIssuer.Issue(ApiFactory.Auth, "late", Roles.Operator, null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2));
        using var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);

        using var response = await client.GetAsync($"/api/vehicles/{TestVins.Next()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(Roles.Reader, "register", HttpStatusCode.Forbidden)]
    [InlineData(Roles.CallCentre, "register", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Reader, "odometer", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Parts, "odometer", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Station, "odometer", HttpStatusCode.Forbidden)] // stations record readings through their own work orders
    [InlineData(Roles.Operator, "odometer", HttpStatusCode.OK)]
    [InlineData(Roles.Warranty, "ownership", HttpStatusCode.Forbidden)]
    [InlineData(Roles.CallCentre, "ownership", HttpStatusCode.OK)]
    [InlineData(Roles.CallCentre, "lifecycle", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Warranty, "lifecycle", HttpStatusCode.OK)]
    [InlineData(Roles.Reader, "warranty", HttpStatusCode.OK)]
    [InlineData(Roles.Parts, "warranty", HttpStatusCode.OK)]
    [InlineData(Roles.Reader, "settlement", HttpStatusCode.Forbidden)] // money: the station itself, warranty, operators
    [InlineData(Roles.CallCentre, "settlement", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Parts, "settlement", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Station, "settlement", HttpStatusCode.Forbidden)] // another station's statement
    [InlineData(Roles.Warranty, "settlement", HttpStatusCode.OK)]
    [InlineData(Roles.Station, "warrantyCost", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Reader, "reviewQueue", HttpStatusCode.Forbidden)]
    public async Task EachRole_MayDoOnlyWhatItsRoleAllows(string role, string action, HttpStatusCode expected)
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        using var client = fixture.Api.CreateClient(role, role == Roles.Station ? "S001" : null);

        using var response = action switch
        {
            "register" => await client.PostAsJsonAsync("/api/vehicles", new { vin = TestVins.Next(), model = "Q5", batch = "B9", productionDate = "2026-01-02", powertrain = "ice", price = 300000 }),
            "odometer" => await client.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 900, readAt = ClusterFixture.Start.AddHours(-1) }),
            "ownership" => await client.PostAsJsonAsync($"/api/vehicles/{vin}/ownership", new { ownerName = "Zhao Min", ownerPhone = "13700000000", transferDate = "2026-05-01" }),
            "lifecycle" => await client.PostAsJsonAsync($"/api/vehicles/{vin}/lifecycle", new { state = "scrapped", effectiveDate = "2026-05-30" }),
            "settlement" => await client.GetAsync("/api/stations/S002/settlements/2026-05"),
            "warrantyCost" => await client.GetAsync("/api/reports/warranty-cost/2026-05"),
            "reviewQueue" => await client.GetAsync("/api/claims/review-queue"),
            _ => await client.GetAsync($"/api/vehicles/{vin}/warranty"),
        };

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Station_CannotRecordWorkForAnotherStation_AndNothingIsStored()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        using var station = fixture.Api.CreateClient(Roles.Station, "S001");
        object Visit(string id, string stationCode) => new
        {
            visitId = id, stationCode, kind = "maintenance", agreedAt = ClusterFixture.Start.AddDays(-1),
            completedAt = ClusterFixture.Start.AddDays(-1).AddHours(2), mileageKm = 500,
        };

        using var own = await station.PostAsJsonAsync($"/api/vehicles/{vin}/visits", Visit("own-1", "S001"));
        using var other = await station.PostAsJsonAsync($"/api/vehicles/{vin}/visits", Visit("other-1", "S002"));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var history = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/vehicles/{vin}/history"));
        Assert.Equal(["own-1"], history.RootElement.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("visitId").GetString()));
    }

    [Fact]
    public async Task OutsideDevelopment_TheDashboardRequiresTheOperatorRole_AndTheDocsAnyRole()
    {
        await using var production = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production");
        using var anonymous = production.CreateClient();
        using var reader = production.CreateClient(Roles.Reader);
        using var @operator = production.CreateClient(Roles.Operator);

        // "/scalar" redirects to "/scalar/", and HttpClient drops the Authorization header on redirects.
        foreach (var (path, readerMay) in new[] { ("/dashboard/", false), ("/openapi/v1.json", true), ("/scalar/", true) })
        {
            using var noToken = await anonymous.GetAsync(path);
            using var asReader = await reader.GetAsync(path);
            using var allowed = await @operator.GetAsync(path);
            Assert.True(HttpStatusCode.Unauthorized == noToken.StatusCode, $"{path} without a token: {noToken.StatusCode}");
            Assert.True((readerMay ? HttpStatusCode.OK : HttpStatusCode.Forbidden) == asReader.StatusCode, $"{path} as reader: {asReader.StatusCode}");
            Assert.True(HttpStatusCode.OK == allowed.StatusCode, $"{path} as operator: {allowed.StatusCode} {allowed.Headers.WwwAuthenticate}");
        }
    }

    [Fact]
    public async Task ACallerOverItsRate_Gets429WithRetryAfter_WhileOtherCallersAreServed()
    {
        await using var limited = new ApiFactory(fixture.ConnectionString, fixture.ClusterId,
            settings: new Dictionary<string, string> { ["Auth:PermitsPerSecond"] = "5" });
        using var greedy = limited.CreateClient(Roles.Reader);
        using var polite = limited.CreateClient(Roles.CallCentre);
        // One subject acting for two stations (a shared integration account) is two callers.
        using var greedyStation = limited.CreateClient();
        greedyStation.DefaultRequestHeaders.Authorization = new("Bearer", ApiFactory.Token(Roles.Station, "S-RATE-1", subject: "integration"));
        using var otherStation = limited.CreateClient();
        otherStation.DefaultRequestHeaders.Authorization = new("Bearer", ApiFactory.Token(Roles.Station, "S-RATE-2", subject: "integration"));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 40; i++)
        {
            var response = await greedy.GetAsync("/api/system/constant");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected ??= response;
            }
        }

        using var other = await polite.GetAsync("/api/system/constant");
        var stationStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await greedyStation.GetAsync("/api/system/constant");
            stationStatuses.Add(response.StatusCode);
        }

        using var sameSubjectOtherStation = await otherStation.GetAsync("/api/system/constant");

        Assert.Contains(HttpStatusCode.TooManyRequests, stationStatuses);
        Assert.Equal(HttpStatusCode.OK, sameSubjectOtherStation.StatusCode);
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.NotNull(rejected);
        Assert.NotNull(rejected.Headers.RetryAfter);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProblemCodes.RateLimited, Problem.CodeOf(await rejected.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
