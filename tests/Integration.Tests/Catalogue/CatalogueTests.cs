using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Security;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Catalogue;

/// <summary>
/// The main-part and wear-part catalogue through the API: loaded by operators and validated line by line; a part it
/// does not list as a main part is none (三包 Art. 20, 22: a valve-cover gasket replaced in week one gives neither a
/// unit replacement nor a replacement or refund); wear parts get coverages of their own in the warranty answer.
/// </summary>
[Collection(TrustCollection.Name)]
public sealed class CatalogueTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ABadCatalogue_Is400NamingEachWrongLine_AndChangesNothing()
    {
        var before = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/catalogue"));
        var body = """
            {
              "parts": [
                { "partNo": "ENG-CRANK", "name": "Crankshaft", "system": "engine" },
                { "partNo": "WIPER-F", "name": "Front wiper blade", "system": "body" }
              ],
              "mainParts": { "engine": ["ENG-CRANK", "ENG-NOPE"], "warpDrive": ["X"] },
              "wearParts": [
                { "partNo": "WIPER-F", "months": 6, "km": 10000 },
                { "partNo": "WIPER-F", "months": 12, "km": 20000, "models": ["Q5"] },
                { "partNo": "TYRE-X", "months": 24, "km": 40000 }
              ]
            }
            """;

        var grainRefusal = await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, "/api/catalogue/versions/2031-01-01", body.Replace("\"warpDrive\": [\"X\"]", "\"body\": []", StringComparison.Ordinal)));
        var errors = grainRefusal.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["mainParts.engine[1]", "wearParts[1]", "wearParts[2].partNo"], errors);
        var unknownSystem = await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, "/api/catalogue/versions/2031-01-01", body));
        Assert.Contains("tractionBattery", unknownSystem.GetProperty("errors").GetProperty("mainParts.warpDrive")[0].GetString(), StringComparison.Ordinal);
        var empty = await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, "/api/catalogue/versions/2031-01-01", """{"parts":[]}"""));
        Assert.True(empty.GetProperty("errors").TryGetProperty("parts", out _));
        await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, "/api/catalogue/versions/2031-02-30", """{"parts":[]}"""));

        Assert.Equal(before.ToString(), (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/catalogue"))).ToString());
        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, "/api/catalogue/versions/2031-01-01"));
    }

    [Fact]
    public async Task OnlyOperators_LoadTheCatalogue_AnyoneReadsIt()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        using var station = fixture.Api.CreateClient(Roles.Station, "S001");
        using var warranty = fixture.Api.CreateClient(Roles.Warranty);

        await ExpectAsync(HttpStatusCode.Forbidden, SendAsync(station, HttpMethod.Put, $"/api/catalogue/versions/{TestCatalogue.EffectiveFrom}", JsonSerializer.Serialize(TestCatalogue.Document)));
        await ExpectAsync(HttpStatusCode.Forbidden, SendAsync(warranty, HttpMethod.Put, $"/api/catalogue/versions/{TestCatalogue.EffectiveFrom}", JsonSerializer.Serialize(TestCatalogue.Document)));

        var listed = (await ExpectAsync(HttpStatusCode.OK, GetAsync(station, "/api/catalogue"))).EnumerateArray()
            .Single(v => v.GetProperty("effectiveFrom").GetString() == TestCatalogue.EffectiveFrom);
        Assert.Equal((9, 4, 2), (listed.GetProperty("parts").GetInt32(), listed.GetProperty("mainParts").GetInt32(), listed.GetProperty("wearParts").GetInt32()));
        var version = await ExpectAsync(HttpStatusCode.OK, GetAsync(station, $"/api/catalogue/versions/{TestCatalogue.EffectiveFrom}"));
        Assert.Equal(["ENG-CRANK", "ENG-HEAD"], version.GetProperty("mainParts").GetProperty("engine").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("ENG-GASKET-VC", new string[0])] // not a main part: no Art. 20, no Art. 22
    [InlineData("ENG-CRANK", new[] { "Art. 20", "Art. 22" })] // a main part of the engine in the first week
    public async Task AnEnginePartReplacedInWeekOne_CountsOnlyWhenTheCatalogueListsItAsAMainPart(string part, string[] articles)
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var station = await StationAsync(Http, "Cat" + Token(), 39.9, 116.4);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, Today());
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        var order = await OpenAsync(Http, station, vin, 300, fault: "P0300", system: "engine");
        await MoveAsync(Http, station, order, "start");

        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal(part: part)));

        Assert.Equal("approved", appraised.GetProperty("claim").GetProperty("state").GetString()); // a warranty repair either way
        var warranty = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"));
        var entitlements = warranty.GetProperty("entitlements").EnumerateArray().ToList();
        Assert.Equal(articles, entitlements.Select(e => e.GetProperty("article").GetString()));
        Assert.All(entitlements, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("usageCompensation").ValueKind)); // Art. 20, 22: free
        Assert.Equal(articles.Length == 0 ? 0 : 1, warranty.GetProperty("counters").GetProperty("mainPartReplacements").EnumerateObject().Count());
    }

    [Fact]
    public async Task AnImportedVisitsMainParts_MustBeCatalogueMainPartsOfItsSystem()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var vin = await TestFleet.DeliveredVehicleAsync(Http, Today());
        var at = fixture.Clock.GetUtcNow().AddMinutes(-30);
        string Visit(string part) =>
            $$"""{"visitId":"IMP-{{part}}","stationCode":"OLD-DMS","kind":"repair","agreedAt":"{{at:O}}","completedAt":"{{at.AddMinutes(10):O}}","mileageKm":200,"faultCode":"P0300","system":"engine","warranty":true,"mainPartsReplaced":["{{part}}"]}""";

        var refused = await ExpectAsync(HttpStatusCode.BadRequest, PostAsync(Http, $"/api/vehicles/{vin}/visits", Visit("ENG-GASKET-VC")));
        Assert.Contains("ENG-GASKET-VC is not a main part of the engine", refused.GetProperty("errors").GetProperty("mainPartsReplaced")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history"))).GetProperty("items").GetArrayLength());

        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/vehicles/{vin}/visits", Visit("ENG-CRANK")));
        var counters = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty"))).GetProperty("counters");
        Assert.Equal(1, counters.GetProperty("mainPartReplacements").GetProperty("ENG-CRANK").GetInt32());
    }

    [Fact]
    public async Task WearParts_ShowTheirOwnCoveragesInTheWarrantyAnswer()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var delivered = Today();
        var vin = await TestFleet.DeliveredVehicleAsync(Http, delivered);

        var wearParts = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/warranty?asOf={delivered.AddMonths(6).AddDays(1):yyyy-MM-dd}&mileageKm=9000")))
            .GetProperty("wearParts").EnumerateArray().ToDictionary(w => w.GetProperty("partNo").GetString()!);

        Assert.Equal(["WIPER-F", "BRK-PAD-F"], wearParts.Keys);
        Assert.Equal("expiredByTime", wearParts["WIPER-F"].GetProperty("state").GetString()); // 6 months
        Assert.Equal(delivered.AddMonths(6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), wearParts["WIPER-F"].GetProperty("endsOn").GetString());
        Assert.Equal("active", wearParts["BRK-PAD-F"].GetProperty("state").GetString()); // 12 months or 20,000 km
        Assert.Equal(11_000, wearParts["BRK-PAD-F"].GetProperty("remainingKm").GetInt32());
    }

    private DateOnly Today() => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
}
