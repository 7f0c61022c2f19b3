using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Stations;

/// <summary>
/// Seed 001 §5.3.1 (维修人员必须经过专业培训,考核合格后持证上岗) and §5.1.5 (the management department issues the
/// certificate after the assessment): the after-sales side records a station's people and their certificates; an
/// appraisal by someone without an appraiser certificate valid on the appraisal's business date is refused with 409
/// appraiser-not-certified, and nothing changes.
/// </summary>
[Collection(StationsCollection.Name)]
public sealed class CertificationTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    /// <summary>A station whose appraisers are Wang (certified by the helper), Li and Chen (recorded here as the test needs).</summary>
    private async Task<string> StationWithAppraisersAsync()
    {
        var code = "S" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/stations/{code}", JsonSerializer.Serialize(new
        {
            name = $"Station {code}", province = "Cert" + Token(), city = "Harbin", latitude = 45.7, longitude = 126.6, bays = 4,
            appraisers = new[] { "Wang", "Li", "Chen", "Zhou" },
        })));
        await CertifyAsync(Http, code, "W1", "Wang", ("appraiser", Today.AddYears(-1), Today.AddYears(1)));
        return code;
    }

    [Fact]
    public async Task ACertifiedAppraiser_IsAccepted_AndThePeopleAreReadBack()
    {
        var s = await StationWithAppraisersAsync();
        var vin = await DeliveredVehicleAsync(Http);
        var order = await OpenAsync(Http, s, vin, 500);

        // Valid from today: the first day counts.
        var li = await CertifyAsync(Http, s, "l-2", "Li", ("appraiser", Today, Today.AddDays(30)), ("technician", Today.AddYears(-2), Today.AddYears(2)));
        Assert.Equal("L-2", li.GetProperty("personId").GetString());
        Assert.Equal(2, li.GetProperty("certificates").GetArrayLength());
        Assert.Equal("appraiser", li.GetProperty("certificates")[0].GetProperty("kind").GetString());

        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{order}/appraisal", Appraisal(appraiser: "Li")));
        Assert.StartsWith(order, appraised.GetProperty("claim").GetProperty("id").GetString(), StringComparison.Ordinal);

        var people = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/people"));
        Assert.Equal(["L-2", "W1"], people.EnumerateArray().Select(p => p.GetProperty("personId").GetString()!).ToArray());
        Assert.Equal(Today.ToString("yyyy-MM-dd"), people[0].GetProperty("certificates")[0].GetProperty("validFrom").GetString());

        using var own = fixture.Api.CreateClient(Roles.Station, s);
        await ExpectAsync(HttpStatusCode.OK, GetAsync(own, $"/api/stations/{s}/people"));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("notYetValid")]
    [InlineData("technicianOnly")]
    [InlineData("noCertificate")]
    [InlineData("notRecorded")]
    public async Task AnAppraiserWithoutAValidAppraiserCertificate_Is409_AndNothingChanges(string situation)
    {
        var s = await StationWithAppraisersAsync();
        var vin = await DeliveredVehicleAsync(Http);
        var order = await OpenAsync(Http, s, vin, 500);
        switch (situation)
        {
            case "expired":
                await CertifyAsync(Http, s, "C1", "Chen", ("appraiser", Today.AddYears(-3), Today.AddDays(-1)));
                break;
            case "notYetValid":
                await CertifyAsync(Http, s, "C1", "Chen", ("appraiser", Today.AddDays(1), Today.AddYears(3)));
                break;
            case "technicianOnly":
                await CertifyAsync(Http, s, "C1", "Chen", ("technician", Today.AddYears(-1), Today.AddYears(1)));
                break;
            case "noCertificate":
                await CertifyAsync(Http, s, "C1", "Chen");
                break;
        }

        var before = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/work-orders/{order}"));
        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{s}/work-orders/{order}/appraisal", Appraisal(appraiser: "Chen")));
        Assert.Equal("appraiser-not-certified", refused.GetProperty("code").GetString());
        Assert.Contains("Chen", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/work-orders/{order}"));
        Assert.Equal(before.ToString(), after.ToString());
        Assert.False(after.TryGetProperty("claimId", out _));

        // The certified appraiser of the same station appraises the same order.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{order}/appraisal", Appraisal(appraiser: "Wang")));
    }

    [Fact]
    public async Task AnExpiredCertificate_RefusesFromTheDayAfterValidUntil()
    {
        var s = await StationWithAppraisersAsync();
        await CertifyAsync(Http, s, "Z9", "Zhou", ("appraiser", Today.AddYears(-1), Today));
        var vin = await DeliveredVehicleAsync(Http);
        var first = await OpenAsync(Http, s, vin, 500);
        var second = await OpenAsync(Http, s, vin, 600);
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{first}/appraisal", Appraisal(appraiser: "Zhou")));

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var refused = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{s}/work-orders/{second}/appraisal", Appraisal(appraiser: "Zhou")));
        Assert.Equal("appraiser-not-certified", refused.GetProperty("code").GetString());

        // Renewed: accepted again.
        await CertifyAsync(Http, s, "Z9", "Zhou", ("appraiser", Today.AddYears(-1), Today.AddYears(2)));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{s}/work-orders/{second}/appraisal", Appraisal(appraiser: "Zhou")));
    }

    [Fact]
    public async Task AStationCaller_MayNotIssueCertificates()
    {
        var s = await StationWithAppraisersAsync();
        using var own = fixture.Api.CreateClient(Roles.Station, s);
        await ExpectAsync(HttpStatusCode.Forbidden, SendAsync(own, HttpMethod.Put, $"/api/stations/{s}/people/C1",
            $$"""{"name":"Chen","certificates":[{"kind":"appraiser","number":"X-1","validFrom":"2020-01-01","validUntil":"2099-12-31"}]}"""));
        var people = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/people"));
        Assert.Equal(1, people.GetArrayLength());
    }

    [Theory]
    [InlineData("""{"certificates":[]}""", "name")]
    [InlineData("""{"name":"Chen"}""", "certificates")]
    [InlineData("""{"name":"Chen","certificates":[{"kind":"appraiser","number":"X-1","validFrom":"2027-01-01","validUntil":"2026-12-31"}]}""", "certificates[0].validUntil")]
    [InlineData("""{"name":"Chen","certificates":[{"kind":"appraiser","validFrom":"2026-01-01","validUntil":"2026-12-31"}]}""", "certificates[0].number")]
    [InlineData("""{"name":"Chen","certificates":[{"number":"X-1","validFrom":"2026-01-01","validUntil":"2026-12-31"}]}""", "certificates[0].kind")]
    [InlineData("""{"name":"Chen","certificates":[{"kind":"appraiser","number":"X-1","validUntil":"2026-12-31"}]}""", "certificates[0].validFrom")]
    public async Task BadInput_Is400NamingTheField_AndNothingChanges(string body, string field)
    {
        var s = await StationWithAppraisersAsync();
        var refused = await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s}/people/C1", body));
        Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), refused.ToString());
        var people = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{s}/people"));
        Assert.Equal(["W1"], people.EnumerateArray().Select(p => p.GetProperty("personId").GetString()!).ToArray());
    }

    [Fact]
    public async Task PeopleOfAnUnknownStation_Are404_AndABadPersonIdIs400()
    {
        await ExpectAsync(HttpStatusCode.NotFound, SendAsync(Http, HttpMethod.Put, $"/api/stations/NOPE{Token()}/people/C1", """{"name":"Chen","certificates":[]}"""));
        var s = await StationWithAppraisersAsync();
        var refused = await ExpectAsync(HttpStatusCode.BadRequest, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s}/people/a.b", """{"name":"Chen","certificates":[]}"""));
        Assert.True(refused.GetProperty("errors").TryGetProperty("personId", out _));

        // A second person may not take a name the station already gives someone (appraisers are named by name).
        var clash = await ExpectAsync(HttpStatusCode.Conflict, SendAsync(Http, HttpMethod.Put, $"/api/stations/{s}/people/W2", """{"name":"Wang","certificates":[]}"""));
        Assert.Equal("already-exists", clash.GetProperty("code").GetString());
    }

    [Fact]
    public async Task IssuingWithAnIdempotencyKey_IsAppliedOnce()
    {
        var s = await StationWithAppraisersAsync();
        const string body = """{"name":"Chen","certificates":[{"kind":"technician","number":"T-1","validFrom":"2020-01-01","validUntil":"2099-12-31"}]}""";
        var key = "cert-" + Token();
        async Task<(HttpStatusCode, JsonElement)> PutAsync(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/stations/{s}/people/C1") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var first = await ExpectAsync(HttpStatusCode.OK, PutAsync(body));
        var again = await ExpectAsync(HttpStatusCode.OK, PutAsync(body));
        Assert.Equal(first.ToString(), again.ToString());
        var reused = await ExpectAsync(HttpStatusCode.Conflict, PutAsync(body.Replace("T-1", "T-2", StringComparison.Ordinal)));
        Assert.Equal("idempotency-key-reused", reused.GetProperty("code").GetString());
    }
}
