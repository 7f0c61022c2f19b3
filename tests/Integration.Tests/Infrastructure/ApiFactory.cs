using AfterSales.Api.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>The real API host (an Orleans client over the PostgreSQL membership) served in memory.</summary>
public sealed class ApiFactory(
    string connectionString,
    string clusterId,
    Action<IServiceCollection>? configureServices = null,
    IReadOnlyDictionary<string, string>? settings = null,
    string environment = "Development")
    : WebApplicationFactory<Program>
{
    /// <summary>The signing key of test tokens (tests only; real keys come from the environment).</summary>
    public const string SigningKey = "integration-tests-signing-key-0123456789abcdef";

    /// <summary>The auth settings the test hosts run with (the default issuer and audience, <see cref="SigningKey"/>).</summary>
    public static readonly AuthSettings Auth = new() { SigningKey = SigningKey };

    /// <summary>A bearer token for <paramref name="role"/> (and, for stations, <paramref name="station"/>).</summary>
    public static string Token(string role, string? station = null, TimeSpan? lifetime = null, string? subject = null) =>
        TokenIssuer.Issue(Auth, subject ?? $"test-{role}-{station}", role, station, lifetime ?? TimeSpan.FromHours(1), TimeProvider.System.GetUtcNow());

    /// <summary>An HTTP client that calls as <paramref name="role"/>.</summary>
    public HttpClient CreateClient(string role, string? station = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token(role, station));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Cluster:ClusterId", clusterId);
        builder.UseSetting("Cluster:ServiceId", clusterId);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ProblemAudit>());
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
