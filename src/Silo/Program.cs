using AfterSales.Silo.Hosting;
using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AfterSales.Silo;

/// <summary>
/// <c>AfterSales.Actors.Silo [migrate]</c>: runs a silo, or applies the database migrations and exits.
/// Configuration: appsettings.json, environment variables (<c>Cluster__SiloPort</c> …), <c>--Key=Value</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var isMigrate = args.Length > 0 && args[0] == "migrate";
        var hostArgs = isMigrate ? args[1..] : args;

        var builder = Host.CreateApplicationBuilder(hostArgs);
        var settings = ClusterSettings.Load(builder.Configuration);
        var problems = settings.Validate();
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
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
            var migrator = new DatabaseMigrator(settings.ConnectionString, loggerFactory.CreateLogger<DatabaseMigrator>());
            await migrator.MigrateAsync(CancellationToken.None);
            if (isMigrate)
            {
                return 0;
            }
        }

        builder.AddAfterSalesSilo(settings);
        using var host = builder.Build();
        await host.RunAsync();
        return 0;
    }
}
