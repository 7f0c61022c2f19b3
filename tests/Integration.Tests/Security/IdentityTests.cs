using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// Issue 18, item 3 — identity: an OpenID Connect provider's published keys (RS256, ES256) alongside the development
/// HMAC key, a cap on token lifetimes, the development token command refused outside Development, and a suspended
/// station's tokens refused within seconds.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityTests(ClusterFixture fixture)
{
    private const string Authority = "https://idp.test/realms/aftersales";

    [Fact]
    public async Task TokensFromTheIdentityProvider_SignedWithItsPublishedRsaOrEcKeys_AreAccepted_AlongsideTheHmacKey()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = RSA.Create(2048);
        var rsaKey = new RsaSecurityKey(rsa) { KeyId = "rsa-1" };
        var ecKey = new ECDsaSecurityKey(ec) { KeyId = "ec-1" };
        var idp = new FakeIdentityProvider(Authority, rsa.ExportParameters(false), ec.ExportParameters(false));
        await using var api = new ApiFactory(fixture.ConnectionString, fixture.ClusterId,
            services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = idp),
            settings: new Dictionary<string, string> { ["Auth:Authority"] = Authority });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, Sign(new SigningCredentials(rsaKey, SecurityAlgorithms.RsaSha256), Authority, Roles.Reader)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, Sign(new SigningCredentials(ecKey, SecurityAlgorithms.EcdsaSha256), Authority, Roles.Reader)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, ApiFactory.Token(Roles.Reader)));
        Assert.True(idp.Requests > 0, "the discovery document and keys were fetched");

        // A key the provider does not publish, or its key claiming another issuer: refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(api,
            Sign(new SigningCredentials(new RsaSecurityKey(stranger) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256), Authority, Roles.Reader)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(api, Sign(new SigningCredentials(rsaKey, SecurityAlgorithms.RsaSha256), "https://elsewhere.test", Roles.Reader)));
        // The provider's role claim decides as ever.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(api, Sign(new SigningCredentials(rsaKey, SecurityAlgorithms.RsaSha256), Authority, Roles.Reader), "/api/personal-data-reads"));
    }

    [Theory]
    [InlineData(12 * 60, HttpStatusCode.OK)]
    [InlineData(12 * 60 + 1, HttpStatusCode.Unauthorized)]
    [InlineData(30 * 24 * 60, HttpStatusCode.Unauthorized)]
    public async Task ATokenLivingLongerThanTheCap_IsRefused(int lifetimeMinutes, HttpStatusCode expected)
    {
        var token = TokenIssuer.Issue(ApiFactory.Auth, "long-lived", Roles.Reader, null, TimeSpan.FromMinutes(lifetimeMinutes), DateTimeOffset.UtcNow);
        using var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync("/api/system/constant");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ATokenClaimingAFutureIssueTime_CannotStretchItsLifetimePastTheCap()
    {
        // Issued "an hour before it expires", expiring in a month: measured from now, it lives a month.
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiFactory.Auth.Issuer,
            Audience = ApiFactory.Auth.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "sly"), new Claim("role", Roles.Reader)]),
            IssuedAt = now.AddDays(30).AddHours(-1),
            Expires = now.AddDays(30),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(ApiFactory.Auth.KeyBytes), SecurityAlgorithms.HmacSha256),
        });
        using var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync("/api/system/constant");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task TheOperatorSignIn_NeverRedirectsOffTheHost(string returnUrl)
    {
        await using var production = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, environment: "Production");
        using var browser = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = ApiFactory.Token(Roles.Operator), ["returnUrl"] = returnUrl });

        using var response = await browser.PostAsync("/operator/login", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("Production", "1", 2)]
    [InlineData("Staging", "1", 2)]
    [InlineData("Development", "13", 2)]
    [InlineData("Development", "12", 0)]
    public void TheTokenCommand_RunsOnlyInDevelopment_AndWithinTheCap(string environment, string hours, int exitCode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = ApiFactory.SigningKey }).Build();
        var (output, error) = (Console.Out, Console.Error);
        try
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
            Assert.Equal(exitCode, TokenIssuer.RunCommand(["token", "--role", Roles.Reader, "--hours", hours], configuration, environment));
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    [Fact]
    public async Task ASuspendedStationsTokens_AreRefusedWithinSeconds_AndWorkAgainOnceReinstated()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var api = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, services => services.AddSingleton<TimeProvider>(clock));
        var code = await StationAsync(fixture.Http, "Identity" + Token(), -41.3, 174.8);
        using var station = api.CreateClient(Roles.Station, code);
        var load = $"/api/stations/{code}/load";
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(station, load)).Status);

        // Suspended through another host: this one trusts what it knew for at most StationStatusCheck.KeptFor.
        await ExpectAsync(HttpStatusCode.OK, PostAsync(fixture.Http, $"/api/stations/{code}/suspend", "{\"reason\":\"audit\"}"));
        clock.Advance(StationStatusCheck.KeptFor);
        var refused = await GetAsync(station, load);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("suspended", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ExpectAsync(HttpStatusCode.OK, PostAsync(fixture.Http, $"/api/stations/{code}/reinstate", "{}"));
        clock.Advance(StationStatusCheck.KeptFor);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(station, load)).Status);
    }

    private static string Sign(SigningCredentials credentials, string issuer, string role) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "aftersales-api",
            Subject = new ClaimsIdentity([new Claim("sub", "idp-user-1"), new Claim("role", role)]),
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = credentials,
        });

    private static async Task<HttpStatusCode> StatusAsync(ApiFactory api, string token, string path = "/api/system/constant")
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    /// <summary>An identity provider in memory: its discovery document and its published keys (JWKS).</summary>
    private sealed class FakeIdentityProvider(string issuer, RSAParameters rsa, ECParameters ec) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var path = request.RequestUri!.AbsoluteUri;
            var json = path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal)
                ? $$"""{"issuer":"{{issuer}}","jwks_uri":"{{issuer}}/protocol/openid-connect/certs","id_token_signing_alg_values_supported":["RS256","ES256"]}"""
                : path.EndsWith("/protocol/openid-connect/certs", StringComparison.Ordinal)
                    ? $$"""
                      {"keys":[
                        {"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"{{Base64UrlEncoder.Encode(rsa.Modulus)}}","e":"{{Base64UrlEncoder.Encode(rsa.Exponent)}}"},
                        {"kty":"EC","kid":"ec-1","use":"sig","alg":"ES256","crv":"P-256","x":"{{Base64UrlEncoder.Encode(ec.Q.X)}}","y":"{{Base64UrlEncoder.Encode(ec.Q.Y)}}"}]}
                      """
                    : null;
            return Task.FromResult(json is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
