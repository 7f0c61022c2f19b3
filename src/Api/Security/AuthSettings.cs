using System.Text;

namespace AfterSales.Api.Security;

/// <summary>JWT bearer settings, section <c>Auth</c>. The signing key comes from configuration or the environment, never the repo.</summary>
public sealed class AuthSettings
{
    public const string SectionName = "Auth";
    private const int MinimumKeyBytes = 32;

    /// <summary>HMAC-SHA256 signing key, at least 32 bytes (<c>Auth__SigningKey</c>). Required.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>Token issuer. Default <c>aftersales</c>.</summary>
    public string Issuer { get; set; } = "aftersales";

    /// <summary>Token audience. Default <c>aftersales-api</c>.</summary>
    public string Audience { get; set; } = "aftersales-api";

    /// <summary>Requests per second each caller may make (token bucket; bursts up to twice this). Default 500.</summary>
    public int PermitsPerSecond { get; set; } = 500;

    /// <summary>
    /// An OpenID Connect identity provider (<c>Auth__Authority</c>, https): its discovery document and published keys
    /// (JWKS) validate RS256 and ES256 tokens it issues for <see cref="Audience"/>, alongside the HMAC key. Optional.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The longest a token may live, from its not-before (or issue) time to its expiry. Default 12 h.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public byte[] KeyBytes => Encoding.UTF8.GetBytes(SigningKey);

    public static AuthSettings Load(IConfiguration configuration)
    {
        var settings = new AuthSettings();
        configuration.GetSection(SectionName).Bind(settings);
        return settings;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (KeyBytes.Length < MinimumKeyBytes)
        {
            problems.Add($"{SectionName}:SigningKey must be at least {MinimumKeyBytes} bytes (environment: Auth__SigningKey); ./run.sh generates one into .data/.");
        }

        if (string.IsNullOrWhiteSpace(Issuer))
        {
            problems.Add($"{SectionName}:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            problems.Add($"{SectionName}:Audience must not be empty.");
        }

        if (!string.IsNullOrWhiteSpace(Authority)
            && (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{SectionName}:Authority must be an absolute https URL (the identity provider's issuer); it is '{Authority}'.");
        }

        if (MaxTokenLifetime < TimeSpan.FromMinutes(1) || MaxTokenLifetime > TimeSpan.FromDays(7))
        {
            problems.Add($"{SectionName}:MaxTokenLifetime must be from 00:01:00 to 7.00:00:00 (was {MaxTokenLifetime}).");
        }

        if (PermitsPerSecond < 1)
        {
            problems.Add($"{SectionName}:PermitsPerSecond must be at least 1 (was {PermitsPerSecond}).");
        }

        return problems;
    }
}
