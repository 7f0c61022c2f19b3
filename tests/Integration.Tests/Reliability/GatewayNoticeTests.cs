using AfterSales.ApiHost.Hosting;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// A silo answers the API host's calls through its own gateway connection to it, whichever gateway a call came in by.
/// So while a silo leaves, the API host must keep that connection although it sends nothing new through it. A rolling
/// run under CPU contention lost the answers of keyed writes in flight (503 after 5 s): the API host forgot the
/// silo's notice (after one refresh period, 1 s in that run) while the silo was still listed active, and once the
/// silo left the list it took the gateway for dead and closed the connection. Here the silo's status write is held
/// in the database until the API host has refreshed its gateway list three times, which reproduces that order of
/// events every time.
/// </summary>
[Trait("Category", "Slow")] // left out of ./test.sh --fast: starts two production-configured silos and the API host
public sealed class GatewayNoticeTests
{
    private const string GatewayManager = "Orleans.Messaging.GatewayManager";
    private const string ConnectionManager = "Orleans.Runtime.Messaging.ConnectionManager";

    [Fact]
    public async Task TheApiHost_KeepsALeavingSilosGatewayConnection_UntilTheSiloHasGone()
    {
        const string name = "gatewaynotice";
        var connectionString = await TestDatabase.CreateAsync(name);
        await using var leaving = await SiloHost.StartAsync(connectionString, name);
        await using var staying = await SiloHost.StartAsync(connectionString, name);
        var logs = new LogSignals();
        await using var api = new ApiFactory(connectionString, name, services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.Configure<LoggerFilterOptions>(options =>
            {
                options.Rules.Add(new LoggerFilterRule(typeof(LogSignals).FullName, GatewayManager, LogLevel.Debug, null));
                options.Rules.Add(new LoggerFilterRule(typeof(LogSignals).FullName, ConnectionManager, LogLevel.Information, null));
            });
        }, settings: new Dictionary<string, string> { ["Cluster:GatewayListRefreshPeriod"] = "00:00:01" });
        using var http = api.CreateClient("operator");
        var leavingGateway = $":{leaving.GatewayPort}:";

        // Calls to many grains spread over both gateways: the API host connects to the leaving silo's.
        var connected = logs.WaitForAsync(e => e.Category == ConnectionManager && e.Message.Contains("established with", StringComparison.Ordinal)
            && e.Message.Contains(leavingGateway, StringComparison.Ordinal), 1, TimeSpan.FromSeconds(20), "a connection to the leaving silo's gateway");
        while (!connected.IsCompleted)
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                using var answer = await http.GetAsync($"/api/vehicles/{TestVins.Next()}");
            }));
        }

        await connected;
        var refreshes = logs.Events.Count(IsRefresh);
        Task stopped;
        await using (await HeldLock.TakeAsync(connectionString,
            "SELECT 1 FROM membership_version WHERE deployment_id = @deployment FOR UPDATE", ("deployment", name)))
        {
            // The leaving silo tells the API host to stop sending through its gateway, waits its notice pause, and
            // then cannot write its status (the version row is held): it stays listed active meanwhile.
            stopped = leaving.StopAsync();
            await logs.WaitForAsync(IsRefresh, refreshes + 3, TimeSpan.FromSeconds(20), "three refreshes of the API host's gateway list");
            Assert.False(stopped.IsCompleted);
        }

        await stopped;

        Assert.DoesNotContain(logs.Events, e => e.Category == GatewayManager && e.Message.Contains("marked as dead", StringComparison.Ordinal)
            && e.Message.Contains(leavingGateway, StringComparison.Ordinal));
        // Both remedies are in place: the silo's pause after its notice, and the API host's memory of it.
        Assert.True(SiloHostingExtensions.ClientNotificationPause < RegionalGatewayListProvider.GatewayMemory);
    }

    private static bool IsRefresh(LogEvent logged) =>
        logged.Category == GatewayManager && logged.Message.StartsWith("Refreshed the live gateway list", StringComparison.Ordinal);
}
