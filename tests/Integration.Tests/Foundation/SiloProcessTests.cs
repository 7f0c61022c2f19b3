using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The silo as operators run it: a separate process configured by environment variables. These tests have a
/// cluster of their own so that a silo leaving does not disturb other tests.
/// </summary>
public sealed class SiloProcessTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SecondSiloProcess_JoinsTheClusterThroughThePostgresMembershipTable()
    {
        var siloPort = FreePorts.Next();
        await using var process = ExternalProcess.Start("dotnet", [Repository.SiloDll], new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = fixture.ConnectionString,
            ["Cluster__ClusterId"] = fixture.ClusterId,
            ["Cluster__ServiceId"] = fixture.ClusterId,
            ["Cluster__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster__DashboardEnabled"] = "false",
            ["Cluster__ServeApi"] = "false",
            ["Logging__LogLevel__Orleans.Runtime.Silo"] = "Information",
        });

        // Orleans logs this once the silo is Active in the membership table.
        await process.WaitForLineAsync(line => line.Contains("Silo started", StringComparison.Ordinal), StartTimeout);

        var active = await TestDatabase.ScalarAsync<long>(
            fixture.ConnectionString,
            "SELECT count(*) FROM membership_silo WHERE deployment_id = @cluster AND status = 3",
            ("cluster", fixture.ClusterId));
        var joined = await TestDatabase.ScalarAsync<long>(
            fixture.ConnectionString,
            "SELECT count(*) FROM membership_silo WHERE deployment_id = @cluster AND status = 3 AND port = @port",
            ("cluster", fixture.ClusterId), ("port", siloPort));
        Assert.Equal(2, active);
        Assert.Equal(1, joined);

        // The in-process silo learns of the new member through the same table.
        var management = fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        Assert.Contains(hosts.Keys, silo => silo.Endpoint.Port == siloPort);

        // SIGTERM is a graceful shutdown: the silo leaves the membership table as Dead (6) and exits 0.
        var exitCode = await process.TerminateAsync(StartTimeout);
        var status = await TestDatabase.ScalarAsync<int>(
            fixture.ConnectionString,
            "SELECT status FROM membership_silo WHERE deployment_id = @cluster AND port = @port",
            ("cluster", fixture.ClusterId), ("port", siloPort));
        Assert.Equal(0, exitCode);
        Assert.Equal(6, status);
    }

    [Theory]
    [InlineData("Cluster__SiloPort", "70000", "Cluster:SiloPort")]
    [InlineData("Cluster__ClusterId", " ", "Cluster:ClusterId")]
    [InlineData("ConnectionStrings__Postgres", "", "ConnectionStrings:Postgres")]
    public async Task Silo_WithABadSetting_RefusesToStartAndNamesTheSetting(string variable, string value, string named)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = fixture.ConnectionString,
            [variable] = value,
        };
        await using var process = ExternalProcess.Start("dotnet", [Repository.SiloDll], environment);

        var exitCode = await process.WaitForExitAsync(StartTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, process.Output, StringComparison.Ordinal);
    }
}
