using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// Issue 20 item 2, errors a program can branch on: every problem has a stable <c>code</c> and <c>type</c>
/// (<c>/problems/{code}</c>, which describes it), a title per code, and the catalogue, the codes and the README's
/// table agree. (Every problem any test provokes is also checked by <see cref="ProblemAudit"/>.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ProblemDetailsTests(ClusterFixture fixture)
{
    private readonly VehicleClient _vehicles = new(fixture.Http, fixture.Clock);

    public static TheoryData<string> Codes() => [.. ProblemCatalogue.All.Select(k => k.Code)];

    // ---- the catalogue ----

    [Fact]
    public void Catalogue_HasOneEntryPerCode_AndNoOther()
    {
        var constants = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();
        var catalogued = ProblemCatalogue.All.Select(k => k.Code).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(constants, catalogued);
        Assert.All(catalogued, code => Assert.Matches("^[a-z]+(-[a-z]+)*$", code));
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task EachCode_IsAProblemWithItsStatusTypeCodeAndTitle_AndItsTypeDescribesIt(string code)
    {
        var kind = ProblemCatalogue.Get(code);
        var context = new DefaultHttpContext { RequestServices = fixture.Api.Services };
        context.Request.Path = "/api/example";
        context.Response.Body = new MemoryStream();

        await Problems.Of(code, "Do what this says.").ExecuteAsync(context);

        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        var root = problem.RootElement;
        Assert.Equal(kind.Status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(kind.Status, root.GetProperty("status").GetInt32());
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal($"/problems/{code}", root.GetProperty("type").GetString());
        Assert.Equal(kind.Title, root.GetProperty("title").GetString());
        Assert.Equal("Do what this says.", root.GetProperty("detail").GetString());

        // The type is dereferenceable, by anyone.
        using var anonymous = fixture.Api.CreateClient();
        var described = await VehicleClient.ReadAsync<JsonElement>(await anonymous.GetAsync($"/problems/{code}"), HttpStatusCode.OK);
        Assert.Equal(code, described.GetProperty("code").GetString());
        Assert.Equal(kind.Status, described.GetProperty("status").GetInt32());
        Assert.Equal(kind.Title, described.GetProperty("title").GetString());
        Assert.Equal(kind.When, described.GetProperty("when").GetString());
        Assert.Equal(kind.Action, described.GetProperty("action").GetString());
    }

    [Fact]
    public async Task ProblemTypes_AreListed_AnUnknownOneIsNotFound_AndNeitherIsInTheApiDocument()
    {
        using var anonymous = fixture.Api.CreateClient();

        var all = await VehicleClient.ReadAsync<JsonElement[]>(await anonymous.GetAsync("/problems"), HttpStatusCode.OK);
        var unknown = await VehicleClient.ReadProblemAsync(await anonymous.GetAsync("/problems/no-such-code"), HttpStatusCode.NotFound);
        var document = await fixture.Http.GetStringAsync("/openapi/v1.json");

        Assert.Equal(ProblemCatalogue.All.Select(k => k.Code), all.Select(k => k.GetProperty("code").GetString()));
        Assert.Equal(ProblemCodes.NotFound, unknown.Code);
        // The problem types are described in the document (the Problem schema), not listed as its operations.
        Assert.DoesNotContain(JsonDocument.Parse(document).RootElement.GetProperty("paths").EnumerateObject(),
            path => path.Name.StartsWith("/problems", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_ErrorsTable_IsTheCatalogue()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var start = Array.IndexOf(readme, "## Errors");
        Assert.True(start >= 0, "README.md has a section '## Errors'");
        var rows = readme.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal)).ToList();

        var expected = ProblemCatalogue.All.Select(k => $"| `{k.Code}` | {k.Status} | {k.Title} | {k.When} | {k.Action} |").ToList();

        Assert.Equal(expected, rows);
    }

    // ---- through the API ----

    [Fact]
    public async Task OdometerGoingBackwards_Is409OdometerRegression()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        await _vehicles.RecordOdometerAsync(vin, new(1_000, ClusterFixture.Start.AddHours(-2)));

        var problem = await VehicleClient.ReadProblemAsync(
            await _vehicles.PostOdometerAsync(vin, new(900, ClusterFixture.Start.AddHours(-1))), HttpStatusCode.Conflict);

        Assert.Equal(ProblemCodes.OdometerRegression, problem.Code);
        Assert.Equal("Odometer regression", problem.Title);
        Assert.Contains("never go backwards", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdempotencyKeyReusedForAnotherRequest_Is409IdempotencyKeyReused()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var key = $"odo-{vin}";
        using var first = await _vehicles.PostOdometerAsync(vin, new(1_000, ClusterFixture.Start.AddHours(-2)), key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var problem = await VehicleClient.ReadProblemAsync(
            await _vehicles.PostOdometerAsync(vin, new(1_200, ClusterFixture.Start.AddHours(-1)), key), HttpStatusCode.Conflict);

        Assert.Equal(ProblemCodes.IdempotencyKeyReused, problem.Code);
    }

    [Fact]
    public async Task DeliveringAVehicleTwice_Is409IllegalTransition()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var day = new DateOnly(2026, 3, 1);

        var problem = await VehicleClient.ReadProblemAsync(await _vehicles.PostDeliveryAsync(vin, VehicleClient.Delivery(day, day)), HttpStatusCode.Conflict);

        Assert.Equal(ProblemCodes.IllegalTransition, problem.Code);
        Assert.Equal("/problems/illegal-transition", JsonDocument.Parse(problem.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUnknownVin_Is404VehicleNotRegistered_AndAnUnknownRoute404NotFound()
    {
        var vehicle = await VehicleClient.ReadProblemAsync(await _vehicles.GetAsync(VehicleClient.VehiclePath(TestVins.Next())), HttpStatusCode.NotFound);
        var route = await VehicleClient.ReadProblemAsync(await _vehicles.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);

        Assert.Equal(ProblemCodes.VehicleNotRegistered, vehicle.Code);
        Assert.Equal(ProblemCodes.NotFound, route.Code);
    }

    [Fact]
    public async Task AValueOutsideAnEnumeration_Is400InvalidEnumValue_NamingTheFieldAndListingTheAllowedValues()
    {
        var body = $$"""{"vin":"{{TestVins.Next()}}","model":"Q5","batch":"B9","productionDate":"2026-01-01","powertrain":"diesel","price":1}""";

        var problem = await VehicleClient.ReadProblemAsync(await _vehicles.PostRawAsync("/api/vehicles", body, "application/json"), HttpStatusCode.BadRequest);

        Assert.Equal(ProblemCodes.InvalidEnumValue, problem.Code);
        Assert.Equal(["powertrain must be one of: ice, hev, bev."], problem.Errors["powertrain"]);
        Assert.Contains("ice, hev, bev", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(["ice", "hev", "bev"], AllowedValues(problem));
    }

    [Fact]
    public async Task AValueOutsideANestedEnumeration_NamesItsPath()
    {
        var bulk = """{"vehicles":[{"vehicle":{"vin":"X"}},{"vehicle":{"powertrain":"Steam"}}]}""";
        var complaint = """{"customerName":"Li","category":"product","severity":"major"}""";

        var nested = await VehicleClient.ReadProblemAsync(await _vehicles.PostRawAsync("/api/vehicles/bulk", bulk, "application/json"), HttpStatusCode.BadRequest);
        var top = await VehicleClient.ReadProblemAsync(await _vehicles.PostRawAsync("/api/complaints", complaint, "application/json"), HttpStatusCode.BadRequest);

        Assert.Equal(ProblemCodes.InvalidEnumValue, nested.Code);
        Assert.True(nested.Errors.ContainsKey("vehicles[1].vehicle.powertrain"), nested.Body);
        Assert.Equal(["ice", "hev", "bev"], AllowedValues(nested));
        Assert.Equal(ProblemCodes.InvalidEnumValue, top.Code);
        Assert.Equal(["productQuality", "service", "parts", "attitude", "other"], AllowedValues(top));
    }

    [Fact]
    public async Task MalformedJson_AndAValueOfTheWrongType_Are400MalformedJson()
    {
        var broken = await VehicleClient.ReadProblemAsync(await _vehicles.PostRawAsync("/api/vehicles", """{"vin":""", "application/json"), HttpStatusCode.BadRequest);
        var wrongType = await VehicleClient.ReadProblemAsync(
            await _vehicles.PostRawAsync("/api/vehicles", """{"price":"a lot"}""", "application/json"), HttpStatusCode.BadRequest);
        // Unreadable JSON where an enumeration is expected is malformed, not a wrong value.
        var brokenEnum = await VehicleClient.ReadProblemAsync(
            await _vehicles.PostRawAsync("/api/vehicles", """{"powertrain":bev}""", "application/json"), HttpStatusCode.BadRequest);

        Assert.Equal(ProblemCodes.MalformedJson, broken.Code);
        Assert.Equal(ProblemCodes.MalformedJson, wrongType.Code);
        Assert.True(wrongType.Errors.ContainsKey("price"), wrongType.Body);
        Assert.Equal(ProblemCodes.MalformedJson, brokenEnum.Code);
    }

    [Fact]
    public async Task FieldErrors_Are400ValidationFailed()
    {
        var problem = await VehicleClient.ReadProblemAsync(
            await _vehicles.PostRawAsync("/api/vehicles", $$"""{"vin":"{{TestVins.Next()}}","powertrain":"bev"}""", "application/json"), HttpStatusCode.BadRequest);

        Assert.Equal(ProblemCodes.ValidationFailed, problem.Code);
        Assert.Equal("Invalid request", problem.Title);
        Assert.Equal(["model is required."], problem.Errors["model"]);
    }

    [Fact]
    public async Task NoToken_Is401Unauthenticated_AndARoleNotAllowed403ForbiddenRole()
    {
        using var anonymous = fixture.Api.CreateClient();
        using var reader = fixture.Api.CreateClient(Roles.Reader);

        var unauthenticated = await VehicleClient.ReadProblemAsync(await anonymous.GetAsync("/api/network/summary"), HttpStatusCode.Unauthorized);
        var forbidden = await VehicleClient.ReadProblemAsync(
            await reader.PostAsJsonAsync("/api/vehicles", new { vin = TestVins.Next() }), HttpStatusCode.Forbidden);

        Assert.Equal(ProblemCodes.Unauthenticated, unauthenticated.Code);
        Assert.Equal(ProblemCodes.ForbiddenRole, forbidden.Code);
    }

    [Fact]
    public async Task AStationActingForAnother_Is403ForbiddenStation()
    {
        using var station = fixture.Api.CreateClient(Roles.Station, "S-PROBLEM-1");

        var problem = await VehicleClient.ReadProblemAsync(
            await station.PostAsJsonAsync("/api/stations/S-PROBLEM-2/work-orders", new { vin = TestVins.Next() }), HttpStatusCode.Forbidden);

        Assert.Equal(ProblemCodes.ForbiddenStation, problem.Code);
    }

    [Fact]
    public async Task ABodyTooLarge_Is413_AndNotJson415_AndAnotherVerb405()
    {
        var large = new StringContent(new string(' ', (int)AfterSales.Api.Hosting.HttpConfiguration.MaxRequestBodyBytes + 1), Encoding.UTF8, "application/json");
        var tooLarge = await VehicleClient.ReadProblemAsync(await fixture.Http.PostAsync("/api/vehicles", large), HttpStatusCode.RequestEntityTooLarge);
        var notJson = await VehicleClient.ReadProblemAsync(await _vehicles.PostRawAsync("/api/vehicles", "vin=1", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        var verb = await VehicleClient.ReadProblemAsync(await fixture.Http.DeleteAsync("/api/vehicles"), HttpStatusCode.MethodNotAllowed);

        Assert.Equal(ProblemCodes.PayloadTooLarge, tooLarge.Code);
        Assert.Equal(ProblemCodes.UnsupportedMediaType, notJson.Code);
        Assert.Equal(ProblemCodes.MethodNotAllowed, verb.Code);
    }

    [Fact]
    public void ProblemAudit_RefusesAProblemWithoutACode_OrWithAnotherStatusTitleOrType()
    {
        static byte[] Body(object problem) => JsonSerializer.SerializeToUtf8Bytes(problem);

        Assert.Null(ProblemAudit.Check(Body(new { status = 409, code = "odometer-regression", type = "/problems/odometer-regression", title = "Odometer regression" }), 409));
        Assert.Contains("without a code", ProblemAudit.Check(Body(new { status = 409, title = "Conflict" }), 409), StringComparison.Ordinal);
        Assert.Contains("not in the catalogue", ProblemAudit.Check(Body(new { code = "made-up" }), 409), StringComparison.Ordinal);
        Assert.Contains("answered as 404", ProblemAudit.Check(
            Body(new { code = "odometer-regression", type = "/problems/odometer-regression", title = "Odometer regression" }), 404), StringComparison.Ordinal);
        Assert.Contains("has type", ProblemAudit.Check(Body(new { code = "odometer-regression", title = "Odometer regression" }), 409), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProblemAudit_RunsOnTheTestHosts_AndTurnsAProblemWithoutACodeIntoA500()
    {
        await using var host = new ApiFactory(fixture.ConnectionString, fixture.ClusterId,
            services => services.AddSingleton<IStartupFilter>(new CodelessProblemAt("/audit-probe")));
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/audit-probe");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("without a code", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Answers <c>path</c> with a problem written by hand, without a code: what a missed call site would do.</summary>
    private sealed class CodelessProblemAt(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Path != path)
                {
                    await following(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status409Conflict;
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync("""{"status":409,"title":"Conflict","detail":"Hand-written."}""");
            });
            next(app);
        };
    }

    private static string[] AllowedValues(Problem problem) =>
        [.. JsonDocument.Parse(problem.Body).RootElement.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString() ?? "")];
}
