using AfterSales.Grains.Recalls;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>Two silos in one TestingHost cluster persisting to the real PostgreSQL.</summary>
public sealed class TestClusterTests : IAsyncLifetime
{
    private string _connectionString = "";
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("testcluster");
        var settings = new ClusterSettings { ConnectionString = _connectionString };
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) => host.Services.AddAfterSalesGrainServices(new ConfigurationBuilder().Build()));
        builder.ConfigureSilo((_, silo) => silo.UseAfterSalesPersistence(settings));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TwoSilos_ServeVehicles_AndStateSurvivesLosingTheSiloThatHeldThem()
    {
        Assert.Equal(2, _cluster.Silos.Count);
        var vins = Enumerable.Range(0, 40).Select(_ => TestVins.Next()).ToList();
        foreach (var vin in vins)
        {
            var registered = await _cluster.Client.GetGrain<IVehicleGrain>(vin)
                .RegisterAsync(new RegisterVehicle(vin, "A6", "B1", new DateOnly(2026, 1, 5), Powertrain.Ice, 150_000m), null);
            Assert.True(registered.Succeeded, registered.Refusal?.Detail);
        }

        // Stop one silo: its activations are gone, so the next reads must come from PostgreSQL.
        await _cluster.StopSiloAsync(_cluster.Silos[1]);
        await _cluster.StartAdditionalSiloAsync();

        foreach (var vin in vins)
        {
            var read = await _cluster.Client.GetGrain<IVehicleGrain>(vin).GetAsync();
            Assert.Equal(vin, read.Value?.Vin);
            Assert.Equal("A6", read.Value?.Model);
        }

        var rows = await TestDatabase.ScalarAsync<long>(_connectionString, "SELECT count(*) FROM grain_state WHERE state_name = 'vehicle'");
        Assert.Equal(vins.Count, rows);
    }

    [Fact]
    public async Task OpeningARecall_ReachesEverySilosCatalogBeforeItIsAcknowledged_SoVehiclesOnBothSilosShowItAtOnce()
    {
        var vins = Enumerable.Range(0, 30).Select(_ => TestVins.Next()).ToList();
        foreach (var vin in vins)
        {
            var vehicle = _cluster.Client.GetGrain<IVehicleGrain>(vin);
            Assert.True((await vehicle.RegisterAsync(new RegisterVehicle(vin, "Q5-catalog", "B7", new DateOnly(2026, 1, 5), Powertrain.Ice, 150_000m), null)).Succeeded);
            Assert.Empty((await vehicle.GetWarrantyAsync(null, null)).Value!.OpenRecalls);
        }

        var catalogs = _cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<RecallCatalog>()).ToList();
        var opened = await _cluster.Client.GetGrain<IRecallCampaignGrain>("RC-CATALOG-1")
            .OpenAsync(new OpenRecall("brake hose chafing", "replace hose", ["Q5-catalog"], [], []));

        Assert.True(opened.Succeeded, opened.Refusal?.Detail);
        // Both silos' copies hold the campaign the moment the opening is acknowledged (no waiting for a renewal).
        Assert.All(catalogs, catalog => Assert.Equal(["RC-CATALOG-1"], catalog.Match(vins[0], "Q5-catalog", "B7", new DateOnly(2026, 1, 1))!.Value.ToArray()));
        Assert.All(catalogs, catalog => Assert.Empty(catalog.Match(vins[0], "other-model", "other-batch", new DateOnly(2026, 1, 1))!.Value));
        foreach (var vin in vins)
        {
            Assert.Equal<string>(["RC-CATALOG-1"], (await _cluster.Client.GetGrain<IVehicleGrain>(vin).GetWarrantyAsync(null, null)).Value!.OpenRecalls);
        }
    }
}
