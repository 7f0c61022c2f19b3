using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AfterSales.Api.Security;

/// <summary>
/// JWT validation that remembers each token it found valid until that token expires. Every API request carries
/// its caller's token, and checking the same signature and claims again on every request cost an eighth of the API
/// host's CPU (bench/profiling.md). Only successes are kept, keyed by the whole token text, so a token that differs
/// in any character, a forged signature included, is validated afresh. A kept result is used only with the
/// issuer, audience and signing keys it was proved against: validation parameters that differ (another scheme, a
/// rotated key) validate afresh. Each caller gets its own copy of the identity: nothing one request does to its
/// principal reaches another.
/// </summary>
public sealed class CachingTokenHandler : JsonWebTokenHandler
{
    /// <summary>
    /// Most tokens kept at once (about 4.6 KB each, so about 46 MB when full); beyond it the cache compacts and
    /// a token not kept is simply validated each time.
    /// </summary>
    public const int DefaultCapacity = 10_000;

    private readonly TimeProvider _time;
    private readonly MemoryCache _validated;
    private long _reused;

    public CachingTokenHandler(TimeProvider time, int capacity = DefaultCapacity)
    {
        _time = time;
        _validated = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.25 });
        MapInboundClaims = false;
    }

    /// <summary>How many validations were answered from a kept result (a diagnostic, and how a test sees the cache work).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(token, out ValidatedToken? kept) && kept is not null)
        {
            if (now >= kept.ValidUntil)
            {
                _validated.Remove(token);
            }
            else if (kept.ProvedBy(validationParameters))
            {
                Interlocked.Increment(ref _reused);
                return kept.Copy();
            }
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var expires } securityToken && expires != DateTime.MinValue)
        {
            // The instant validation itself would start refusing the token.
            var validUntil = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) + validationParameters.ClockSkew;
            if (validUntil > now)
            {
                var entry = new ValidatedToken(result.ClaimsIdentity.Clone(), securityToken, result.TokenType, result.Issuer, validUntil, validationParameters);
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
        DateTimeOffset ValidUntil,
        TokenValidationParameters Parameters)
    {
        /// <summary>The same issuer, audience and signing keys (the key objects themselves) as the validation that kept it.</summary>
        public bool ProvedBy(TokenValidationParameters parameters) =>
            ReferenceEquals(parameters, Parameters)
            || (parameters.ValidIssuer == Parameters.ValidIssuer
                && parameters.ValidAudience == Parameters.ValidAudience
                && ReferenceEquals(parameters.IssuerSigningKey, Parameters.IssuerSigningKey)
                && ReferenceEquals(parameters.IssuerSigningKeys, Parameters.IssuerSigningKeys)
                && ReferenceEquals(parameters.ValidIssuers, Parameters.ValidIssuers)
                && ReferenceEquals(parameters.ValidAudiences, Parameters.ValidAudiences));

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
