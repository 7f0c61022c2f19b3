using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AfterSales.ApiHost.Security;

/// <summary>
/// JWT validation that remembers each token it found valid until that token expires. Every API request carries
/// its caller's token, and checking the same signature and claims again on every request cost an eighth of the API
/// host's CPU (bench/profiling.md). Only successes are kept, keyed by the whole token text, so a token that differs
/// in any character, a forged signature included, is validated afresh. The signing settings are read once at
/// start-up, so a kept result cannot outlive the key that proved it. Each caller gets its own copy of the identity:
/// nothing one request does to its principal reaches another.
/// </summary>
public sealed class CachingTokenHandler : JsonWebTokenHandler
{
    /// <summary>Most tokens kept at once; beyond it the cache compacts (oldest first) and validates the newcomer each time.</summary>
    public const int DefaultCapacity = 20_000;

    private readonly TimeProvider _time;
    private readonly MemoryCache _validated;

    public CachingTokenHandler(TimeProvider time, int capacity = DefaultCapacity)
    {
        _time = time;
        _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.25 });
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(token, out ValidatedToken? kept) && kept is not null)
        {
            if (now < kept.ValidUntil)
            {
                return kept.Copy();
            }

            _validated.Remove(token);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var expires } securityToken && expires != DateTime.MinValue)
        {
            // The instant validation itself would start refusing the token.
            var validUntil = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) + validationParameters.ClockSkew;
            if (validUntil > now)
            {
                var entry = new ValidatedToken(result.ClaimsIdentity.Clone(), securityToken, result.TokenType, result.Issuer, validUntil);
                _validated.Set(token, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = validUntil - now });
            }
        }

        return result;
    }

    private sealed record ValidatedToken(
        System.Security.Claims.ClaimsIdentity Identity,
        SecurityToken SecurityToken,
        string TokenType,
        string Issuer,
        DateTimeOffset ValidUntil)
    {
        public TokenValidationResult Copy() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = SecurityToken,
            TokenType = TokenType,
            Issuer = Issuer,
        };
    }
}
