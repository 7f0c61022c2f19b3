using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AfterSales.Api.Security;

/// <summary>Issues signed bearer tokens — for development and tests; production tokens come from the identity provider.</summary>
public static class TokenIssuer
{
    public static string Issue(AuthSettings settings, string subject, string role, string? stationCode, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new List<Claim> { new("sub", subject), new("role", role) };
        if (stationCode is not null)
        {
            claims.Add(new Claim(Roles.StationClaim, stationCode));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(settings.KeyBytes), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// <c>AfterSales.Actors.Silo token</c> or <c>AfterSales.Actors.ApiHost token --role ROLE [--station CODE] [--name NAME] [--hours H]</c>: prints a token
    /// signed with the configured key. Returns the process exit code.
    /// </summary>
    public static int RunCommand(string[] args, IConfiguration configuration, string environmentName)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (!string.Equals(environmentName, "Development", StringComparison.Ordinal))
        {
            // Outside Development tokens come from the identity provider: a shipped image must not mint its own.
            Console.Error.WriteLine($"token: refused in the {environmentName} environment; development tokens are for DOTNET_ENVIRONMENT=Development only.");
            return 2;
        }

        var settings = AuthSettings.Load(configuration);
        var role = Option("--role") ?? "";
        var station = Option("--station");
        var problems = settings.Validate().ToList();
        if (!Roles.All.Contains(role))
        {
            problems.Add($"--role must be one of: {string.Join(", ", Roles.All)}.");
        }

        if (role == Roles.Station && string.IsNullOrWhiteSpace(station))
        {
            problems.Add("--station CODE is required for the station role (a station acts only for itself).");
        }

        if (!double.TryParse(Option("--hours") ?? "8", System.Globalization.CultureInfo.InvariantCulture, out var hours) || hours <= 0
            || TimeSpan.FromHours(hours) > settings.MaxTokenLifetime)
        {
            problems.Add($"--hours must be a positive number of at most {settings.MaxTokenLifetime.TotalHours:0.##} (Auth:MaxTokenLifetime): the API refuses longer-lived tokens.");
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"token: {problem}");
            }

            return 2;
        }

        Console.WriteLine(Issue(settings, Option("--name") ?? (station is null ? $"dev-{role}" : $"dev-{role}-{station}"), role, station, TimeSpan.FromHours(hours), TimeProvider.System.GetUtcNow()));
        return 0;
    }
}
