using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AfterSales.Integration.Tests.Security;

/// <summary>
/// The API host keeps the tokens it validated (bench/profiling.md: validation was an eighth of its CPU). A kept token
/// must still expire on time, a changed token must never match a kept one, and requests must not share an identity.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenCacheTests(ClusterFixture fixture)
{
    private static readonly AuthSettings Settings = ApiFactory.Auth;
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static (CachingTokenHandler Handler, FakeTimeProvider Clock, Microsoft.IdentityModel.Tokens.TokenValidationParameters Parameters) NewHandler()
    {
        var clock = new FakeTimeProvider(IssuedAt);
        return (new CachingTokenHandler(clock), clock, SecurityExtensions.ValidationParameters(Settings, clock));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(5 * 60 + 29, true)]    // within the 30 s of clock skew after expiry
    [InlineData(5 * 60 + 30, false)]   // the first instant validation itself refuses it
    [InlineData(6 * 60, false)]
    public async Task AKeptToken_IsRefusedFromTheInstantItsLifetimeAndSkewEnd(int secondsLater, bool accepted)
    {
        var (handler, clock, parameters) = NewHandler();
        var token = TokenIssuer.Issue(Settings, "desk-7", Roles.CallCentre, null, TimeSpan.FromMinutes(5), IssuedAt);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);

        clock.Advance(TimeSpan.FromSeconds(secondsLater));
        var again = await handler.ValidateTokenAsync(token, parameters);

        Assert.Equal(accepted, again.IsValid);
    }

    [Theory]
    [InlineData(2)]   // the signature
    [InlineData(1)]   // the claims
    public async Task ATokenChangedInOneCharacter_IsRefused_AfterTheGenuineOneWasKept(int part)
    {
        var (handler, _, parameters) = NewHandler();
        var token = TokenIssuer.Issue(Settings, "desk-7", Roles.CallCentre, null, TimeSpan.FromMinutes(5), IssuedAt);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);

        var parts = token.Split('.');
        var chars = parts[part].ToCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';   // a middle character: every bit of it is significant
        parts[part] = new string(chars);
        var changed = string.Join('.', parts);

        Assert.False((await handler.ValidateTokenAsync(changed, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);
    }

    [Fact]
    public async Task EachValidation_GetsItsOwnIdentity_WithTheTokensClaims()
    {
        var (handler, _, parameters) = NewHandler();
        var token = TokenIssuer.Issue(Settings, "station-app", Roles.Station, "ST-0042", TimeSpan.FromMinutes(5), IssuedAt);

        var first = await handler.ValidateTokenAsync(token, parameters);
        first.ClaimsIdentity.AddClaim(new Claim("role", Roles.Operator));
        var second = await handler.ValidateTokenAsync(token, parameters);

        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("station-app", second.ClaimsIdentity.Name);
        Assert.Equal([Roles.Station], second.ClaimsIdentity.FindAll("role").Select(c => c.Value));
        Assert.Equal("ST-0042", second.ClaimsIdentity.FindFirst(Roles.StationClaim)?.Value);
    }

    [Fact]
    public async Task AKeptToken_IsValidatedAfresh_AgainstOtherValidationSettings()
    {
        var (handler, clock, parameters) = NewHandler();
        var token = TokenIssuer.Issue(Settings, "desk-7", Roles.CallCentre, null, TimeSpan.FromMinutes(5), IssuedAt);
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);

        var otherAudience = SecurityExtensions.ValidationParameters(new AuthSettings { SigningKey = ApiFactory.SigningKey, Audience = "another-api" }, clock);
        var otherKey = SecurityExtensions.ValidationParameters(new AuthSettings { SigningKey = "a-rotated-signing-key-0123456789abcdefgh" }, clock);

        Assert.False((await handler.ValidateTokenAsync(token, otherAudience)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, otherKey)).IsValid);
        // The same settings in a copy (as the bearer handler may pass them) still find the kept result.
        Assert.True((await handler.ValidateTokenAsync(token, parameters.Clone())).IsValid);
        Assert.Equal(1, handler.Reused);
    }

    [Theory]
    [InlineData(-10, 10, 0, true)]
    [InlineData(null, 10, 0, true)]
    [InlineData(-10, null, 0, false)]    // an expiry is required
    [InlineData(-10, 10, 39, true)]      // 30 s of skew after the expiry
    [InlineData(-10, 10, 40, false)]
    [InlineData(29, 60, 0, true)]        // 30 s of skew before the not-before
    [InlineData(31, 60, 0, false)]
    [InlineData(20, 10, 15, false)]      // a not-before after the expiry is never valid
    public void TheLifetimeRule_OnTheHostsClock(int? notBeforeSeconds, int? expiresSeconds, int nowSeconds, bool valid)
    {
        var clock = new FakeTimeProvider(IssuedAt);
        var parameters = SecurityExtensions.ValidationParameters(Settings, clock);
        clock.Advance(TimeSpan.FromSeconds(nowSeconds));
        DateTime? At(int? seconds) => seconds is { } s ? IssuedAt.UtcDateTime.AddSeconds(s) : null;

        Assert.Equal(valid, parameters.LifetimeValidator(At(notBeforeSeconds), At(expiresSeconds), null, parameters));
    }

    [Fact]
    public async Task ATokenRefusedOnce_IsRefusedAgain()
    {
        var (handler, _, parameters) = NewHandler();
        var foreign = TokenIssuer.Issue(new AuthSettings { SigningKey = "another-key-entirely-0123456789abcdef-xyz" }, "x", Roles.Operator, null, TimeSpan.FromMinutes(5), IssuedAt);

        Assert.False((await handler.ValidateTokenAsync(foreign, parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(foreign, parameters)).IsValid);
    }

    [Fact]
    public async Task TheHost_RefusesATokenItKept_OnceItExpiresOnTheHostsClock()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var api = new ApiFactory(fixture.ConnectionString, fixture.ClusterId, services => services.AddSingleton<TimeProvider>(clock));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", TokenIssuer.Issue(Settings, "late", Roles.Reader, null, TimeSpan.FromMinutes(10), clock.GetUtcNow()));

        using var fresh = await client.GetAsync("/api/system/constant");
        using var kept = await client.GetAsync("/api/system/constant");
        clock.Advance(TimeSpan.FromMinutes(11));
        using var expired = await client.GetAsync("/api/system/constant");

        var handler = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(JwtBearerDefaults.AuthenticationScheme).TokenHandlers.OfType<CachingTokenHandler>().Single();
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(1, handler.Reused);   // the second request was answered from the kept validation
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }
}
