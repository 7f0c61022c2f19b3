using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace AfterSales.Integration.Tests.Regions;

/// <summary>
/// Three silos on the real PostgreSQL, two in region north (北京, 河北) and one in south (广东, 广西): province-homed
/// grains live on their region's silo when it is up, and elsewhere when it is not (issue 19 item 3).
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

    private string Diagnose() => string.Join(" | ", _cluster.Silos.Select(s =>
    {
        var regions = s.ServiceProvider.GetRequiredService<SiloRegions>();
        var membership = s.ServiceProvider.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
        return $"{s.SiloAddress} away={regions.IsAway("广东")} manifests={s.ServiceProvider.GetRequiredService<IClusterManifestProvider>().Current.Silos.Count} members=[{string.Join(",", membership.Members.Values.Select(m => $"{m.SiloAddress}:{m.Status}:{regions.RegionOf(m.SiloAddress)}"))}]";
    }));

    private InProcessSiloHandle SouthSilo => _cluster.Silos.Single(s => RegionOf(s, s.SiloAddress) == "south");

    private SiloAddress South => SouthSilo.SiloAddress;

    private IEnumerable<SiloAddress> North => _cluster.Silos.Where(s => RegionOf(s, s.SiloAddress) == "north").Select(s => s.SiloAddress);

    private IManagementGrain Management => _cluster.Client.GetGrain<IManagementGrain>(0);

    private static StationRegistration Station(string province, string city) =>
        new($"{city} station", province, city, 23.1, 113.3, 4, ["张工"]);

    [Fact]
    public async Task AStationRegisteredThroughAnySilo_MovesToItsRegion_AndGoesBackThereWhenItNextActivates()
    {
        var codes = Enumerable.Range(1, 6).Select(i => $"GD-REG-{i}").ToList();
        foreach (var code in codes)
        {
            var registered = await _cluster.Client.GetGrain<IServiceStationGrain>(code).RegisterAsync(Station("广东", "广州"), null);
            Assert.True(registered.Succeeded, registered.Refusal?.Detail);
        }

        // A first activation has no stored province to go by; once registered, the station migrates home when idle, its
        // state with it. A silo that does not yet know which grain types the south silo hosts (the type map spreads
        // through the cluster in the background) cannot place it there, so the probe keeps using the station: each
        // activation away from home tries again, as a station in use would.
        foreach (var code in codes)
        {
            await Eventually.UntilAsync(async () =>
                {
                    await _cluster.Client.GetGrain<IServiceStationGrain>(code).GetAsync();
                    return await Management.GetActivationAddress(_cluster.Client.GetGrain<IServiceStationGrain>(code));
                },
                at => South.Equals(at), TimeSpan.FromSeconds(30), $"{code} on the south silo {Diagnose()}");
            // Its state came along (the migrated activation answers from it, not from an empty document).
            var moved = await _cluster.Client.GetGrain<IServiceStationGrain>(code).GetAsync();
            Assert.Equal(("广州 station", 4), (moved.Value?.Name, moved.Value?.Bays));
            Assert.Equal(South, await Management.GetActivationAddress(_cluster.Client.GetGrain<IServiceStationGrain>(code)));
        }

        // Activated afresh, through whichever gateway: placement reads the stored province, and a call that a stale
        // cached address sends to a northern silo activates it there only until it migrates home.
        await Management.ForceActivationCollection(TimeSpan.Zero);
        foreach (var code in codes)
        {
            Assert.Equal("广东", (await _cluster.Client.GetGrain<IServiceStationGrain>(code).GetAsync()).Value?.Province);
            await Eventually.UntilAsync(async () =>
                {
                    await _cluster.Client.GetGrain<IServiceStationGrain>(code).GetAsync();
                    return await Management.GetActivationAddress(_cluster.Client.GetGrain<IServiceStationGrain>(code));
                },
                at => South.Equals(at), TimeSpan.FromSeconds(30), $"{code} back on the south silo");
        }
    }

    [Fact]
    public async Task StationsOfAProvinceWithNoRegion_AndOfTheOtherRegion_StayOffTheSouthSilo()
    {
        var north = new[] { ("BJ-REG-1", "北京"), ("HB-REG-1", "河北") };
        var unmapped = ("SC-REG-1", "四川");
        foreach (var (code, province) in north.Append(unmapped))
        {
            Assert.True((await _cluster.Client.GetGrain<IServiceStationGrain>(code).RegisterAsync(Station(province, "某市"), null)).Succeeded);
        }

        await Management.ForceActivationCollection(TimeSpan.Zero);
        foreach (var (code, _) in north)
        {
            await _cluster.Client.GetGrain<IServiceStationGrain>(code).GetAsync();
            var at = await Management.GetActivationAddress(_cluster.Client.GetGrain<IServiceStationGrain>(code));
            Assert.Contains(at, North);
        }

        // 四川 is in no region: placed as Orleans would place it, and it answers.
        Assert.Equal("四川", (await _cluster.Client.GetGrain<IServiceStationGrain>(unmapped.Item1).GetAsync()).Value?.Province);
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
