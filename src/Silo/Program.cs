using AfterSales.Api.Hosting;
using AfterSales.Api.Security;
using AfterSales.Silo.Hosting;
using AfterSales.Silo.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AfterSales.Silo;

/// <summary>
/// <c>AfterSales.Actors.Silo [migrate | token … | dev-certs …]</c>: runs a silo (serving the HTTP API too unless
/// <c>Cluster:ServeApi</c> is false), applies the database migrations and exits, or prints a development token.
/// Configuration: appsettings.json, environment variables (<c>Cluster__SiloPort</c> …), <c>--Key=Value</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var isMigrate = args.Length > 0 && args[0] == "migrate";
        var hostArgs = isMigrate ? args[1..] : args;

        var plain = Host.CreateApplicationBuilder(hostArgs);
        if (args is ["dev-certs", ..])
        {
            return DevCertificates.RunCommand(args, plain.Environment.EnvironmentName);
        }

        if (args is ["token", ..])
        {
            return TokenIssuer.RunCommand(args, plain.Configuration, plain.Environment.EnvironmentName);
        }

        var settings = ClusterSettings.Load(plain.Configuration);
        var serveApi = settings.ServeApi && !isMigrate;
        // The migrate command joins no cluster: it needs no certificate.
        var problems = settings.Validate().Concat(isMigrate ? [] : ClusterTlsSettings.Load(plain.Configuration).Validate())
            .Concat(serveApi ? ApiComposition.Validate(plain.Configuration) : []).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Console.Error.WriteLine($"configuration error: {problem}");
            }

            return 2;
        }

        if (isMigrate || settings.ApplyMigrationsOnStart)
        {
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(plain.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
            var migrator = new DatabaseMigrator(settings.ConnectionString, loggerFactory.CreateLogger<DatabaseMigrator>());
            await migrator.MigrateAsync(CancellationToken.None);
            if (isMigrate)
            {
                return 0;
            }
        }

        if (!serveApi)
        {
            plain.AddAfterSalesSilo(settings);
            using var host = plain.Build();
            await host.RunAsync();
            return 0;
        }

        // Co-hosted: the same HTTP API as the separate API host, calling grains through the silo's own client.
        var builder = WebApplication.CreateBuilder(hostArgs);
        builder.AddAfterSalesSilo(settings, servesApi: true);
        builder.AddAfterSalesApi();
        await using var app = builder.Build();
        app.MapAfterSalesApi(dashboard: settings.DashboardEnabled);
        await app.RunAsync();
        return 0;
    }
}
