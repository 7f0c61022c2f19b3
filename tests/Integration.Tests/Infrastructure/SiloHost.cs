using AfterSales.Grains.Common;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A production-configured silo (PostgreSQL clustering, storage, reminders) hosted in the test process, on its
/// own free ports. Stop and start it again to simulate a silo restart.
/// </summary>
public sealed class SiloHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SiloHost(IHost host, int siloPort, int gatewayPort)
    {
        _host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<SiloHost> StartAsync(
        string connectionString, string clusterId, FakeTimeProvider? businessClock = null, bool dashboard = false, IReadOnlyDictionary<string, string?>? extraSettings = null,
        LogSignals? logs = null, Action<IServiceCollection>? configureServices = null)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:DashboardEnabled"] = dashboard ? "true" : "false",
        });
        builder.Configuration.AddInMemoryCollection(extraSettings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        var settings = ClusterSettings.Load(builder.Configuration);
        builder.AddAfterSalesSilo(settings);
        if (businessClock is not null)
        {
            builder.Services.AddKeyedSingleton<TimeProvider>(BusinessClock.Key, businessClock);
        }

        // Lets a test use reminders with a period of seconds (production keeps Orleans' one-minute minimum).
        builder.Services.Configure<Orleans.Hosting.ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        // A test's own silo services (a fault-injecting grain call filter, say).
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new SiloHost(host, siloPort, gatewayPort);
    }

    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
