using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Grains.Common;
using AfterSales.Grains.Parts;
using AfterSales.Grains.Stations;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Interfaces.Stations;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace AfterSales.Integration.Tests.Regions;

/// <summary>
/// Three silos on the real PostgreSQL, two in region north (北京, 河北) and one in south (广东, 广西): province-homed
/// grains live on their region's silo when it is up, and elsewhere when it is not (issue 19 item 3). A grain's
/// migration home after it learns its province is shown by scripts/multi-region.sh with real processes: in this
/// in-process cluster, under the full suite's load, a station sometimes stayed away (an open question, see the
/// closing note of 2026-12-06).
/// </summary>
public sealed class RegionalPlacementTests : IAsyncLifetime
{
    private readonly Queue<string> _regions = new(["north", "north", "south"]);
    private string _connectionString = "";
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("regions");
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Regions:north"] = "北京, 河北",
                ["Regions:south"] = "广东,广西",
            });
            host.Services.AddAfterSalesGrainServices(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            lock (_regions)
            {
                silo.UseAfterSalesPersistence(new ClusterSettings { ConnectionString = _connectionString, Region = _regions.Dequeue() });
            }
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        // Silos learn each other's metadata and grain types as they see each other join; until then a peer's region is
        // unknown, or the peer cannot take a grain placed from here (placement then falls back, as when a region is down).
        await Eventually.UntilAsync(() => Task.FromResult(_cluster.Silos.All(s =>
                s.ServiceProvider.GetRequiredService<IClusterManifestProvider>().Current.Silos.Count == _cluster.Silos.Count
                && _cluster.Silos.All(peer => RegionOf(s, peer.SiloAddress) is not null))),
            known => known, TimeSpan.FromSeconds(30), "every silo to know every silo's region and grain types");
    }

    private static string? RegionOf(InProcessSiloHandle silo, SiloAddress peer) => silo.ServiceProvider.GetRequiredService<SiloRegions>().RegionOf(peer);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private InProcessSiloHandle SouthSilo => _cluster.Silos.Single(s => RegionOf(s, s.SiloAddress) == "south");

    private SiloAddress South => SouthSilo.SiloAddress;

    private IManagementGrain Management => _cluster.Client.GetGrain<IManagementGrain>(0);

    private static StationRegistration Station(string province, string city) =>
        new($"{city} station", province, city, 23.1, 113.3, 4, ["张工"]);

    [Fact]
    public async Task EachHomedGrainsProvince_IsReadFromItsStoredState_AtTheJsonPathItsPlacementNames()
    {
        // What the director reads when it places a station, a depot or a delivered vehicle that is not active: the
        // province in the state the grain stored, through the path its [ProvinceHomedPlacement] names.
        var station = _cluster.Client.GetGrain<IServiceStationGrain>("GD-LOOKUP-1");
        Assert.True((await station.RegisterAsync(Station("广东", "佛山"), null)).Succeeded);
        var depot = _cluster.Client.GetGrain<IPartsDepotGrain>("DEP-GX-1");
        Assert.True((await depot.RegisterAsync(new DepotRegistration("南宁仓", "广西", 22.8, 108.3), null)).Succeeded);
        var vin = TestVins.Next();
        var vehicle = _cluster.Client.GetGrain<IVehicleGrain>(vin);
        Assert.True((await vehicle.RegisterAsync(new RegisterVehicle(vin, "A6", "B1", new DateOnly(2026, 1, 5), Powertrain.Ice, 150_000m), null)).Succeeded);
        var delivered = await vehicle.DeliverAsync(new DeliverVehicle("Li Lei", "13800000000", "GD-LOOKUP-1", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 3), 12), null);
        Assert.True(delivered.Succeeded, delivered.Refusal?.Detail);
        var unknown = _cluster.Client.GetGrain<IServiceStationGrain>("NEVER-REGISTERED");

        var lookup = _cluster.Silos[0].ServiceProvider.GetRequiredService<HomeProvinceLookup>();
        Assert.Equal("广东", await lookup.ProvinceOfAsync(StrategyOf<ServiceStationGrain>(), station.GetGrainId()));
        Assert.Equal("广西", await lookup.ProvinceOfAsync(StrategyOf<PartsDepotGrain>(), depot.GetGrainId()));
        Assert.Equal("广东", await lookup.ProvinceOfAsync(StrategyOf<VehicleGrain>(), vehicle.GetGrainId()));
        Assert.Null(await lookup.ProvinceOfAsync(StrategyOf<ServiceStationGrain>(), unknown.GetGrainId()));
    }

    private static ProvinceHomedPlacement StrategyOf<TGrain>() =>
        (ProvinceHomedPlacement)typeof(TGrain).GetCustomAttributes(typeof(ProvinceHomedPlacementAttribute), inherit: false)
            .Cast<ProvinceHomedPlacementAttribute>().Single().PlacementStrategy;

    [Fact]
    public async Task AStationOfAProvinceInNoRegion_IsPlacedAsOrleansWould_AndAnswers()
    {
        // 四川 is in no region: no home, so Orleans' own placement, and the station works as anywhere else.
        var station = _cluster.Client.GetGrain<IServiceStationGrain>("SC-REG-1");
        Assert.True((await station.RegisterAsync(Station("四川", "成都"), null)).Succeeded);
        Assert.False(_cluster.Silos[0].ServiceProvider.GetRequiredService<SiloRegions>().IsAway("四川"));

        await Management.ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal("四川", (await station.GetAsync()).Value?.Province);
        Assert.Contains(await Management.GetActivationAddress(station), _cluster.Silos.Select(s => s.SiloAddress));
    }

    [Fact]
    public async Task AProvincesRollUp_LivesInItsRegion_ByItsKeyAlone()
    {
        var rollup = _cluster.Client.GetGrain<ICounterRollupGrain>(RollupScopes.Province("广西"));
        await rollup.GetCountersAsync();
        Assert.Equal(South, await Management.GetActivationAddress(rollup));
    }

    [Fact]
    public async Task WithItsRegionsSiloGone_AStationActivatesElsewhere_AndKeepsItsData()
    {
        var station = _cluster.Client.GetGrain<IServiceStationGrain>("GX-REG-GONE");
        Assert.True((await station.RegisterAsync(Station("广西", "南宁"), null)).Succeeded);

        await _cluster.StopSiloAsync(SouthSilo);

        var view = await station.GetAsync();
        Assert.Equal("广西", view.Value?.Province);
        var at = await Management.GetActivationAddress(station);
        Assert.Contains(at, _cluster.Silos.Select(s => s.SiloAddress));
    }
}
