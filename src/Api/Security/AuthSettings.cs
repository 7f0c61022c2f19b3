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

        if (PermitsPerSecond < 1)
        {
            problems.Add($"{SectionName}:PermitsPerSecond must be at least 1 (was {PermitsPerSecond}).");
        }

        return problems;
    }
}
