using System.Collections.Concurrent;
using System.Reflection;
using AfterSales.Grains.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AfterSales.Silo.Persistence;
using Npgsql;
using Orleans.Serialization;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Region-aware placement (docs/operations.md, "Regions"): each silo carries its region in its Orleans silo metadata and
/// beside its membership row; grains marked <see cref="ProvinceHomedPlacementAttribute"/> are placed on a silo of
/// their province's region when one is up, and as Orleans would place them when none is.
/// </summary>
public static partial class RegionalPlacementHosting
{
    /// <summary>The silo-metadata key holding a silo's region.</summary>
    public const string RegionMetadataKey = "aftersales.region";

    /// <summary>The province map from configuration (<see cref="RegionMap.SectionName"/>), or every problem with it.</summary>
    public static RegionMap LoadRegionMap(IConfiguration configuration)
    {
        var section = configuration.GetSection(RegionMap.SectionName);
        var (map, problems) = RegionMap.Parse(section.GetChildren().ToDictionary(c => c.Key, c => c.Value));
        return problems.Count == 0 ? map : throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
    }

    /// <summary>
    /// The types grains persist (the <c>T</c> of each <c>IPersistentState&lt;T&gt;</c> a grain class of the grains'
    /// assembly takes, or of each <see cref="DirectGrainState{TState}"/> it holds): these, and only these, travel as
    /// JSON when a grain migrates. What they hold is written by System.Text.Json inside that JSON; everything else a
    /// grain sends keeps Orleans' own codecs.
    /// </summary>
    public static bool IsStoredStateType(Type type) => StoredStateTypes.Contains(type);

    private static readonly HashSet<Type> StoredStateTypes = typeof(ProvinceHomedPlacement).Assembly.GetTypes()
        .Where(type => typeof(Grain).IsAssignableFrom(type) && !type.IsAbstract)
        .SelectMany(grain => grain.GetConstructors().SelectMany(constructor => constructor.GetParameters()).Select(parameter => parameter.ParameterType)
            .Concat(grain.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Select(field => field.FieldType)))
        .Where(type => type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IPersistentState<>) || definition == typeof(DirectGrainState<>)))
        .Select(type => type.GetGenericArguments()[0])
        .ToHashSet();

    public static ISiloBuilder UseRegionalPlacement(this ISiloBuilder silo, ClusterSettings settings)
    {
        var map = LoadRegionMap(silo.Configuration);
        silo.UseSiloMetadata(new Dictionary<string, string> { [RegionMetadataKey] = settings.Region });
        silo.Services.AddSingleton(map);
        silo.Services.AddSingleton(services => new HomeProvinceLookup(
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { NoResetOnClose = true }.ConnectionString),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<HomeProvinceLookup>>()));
        silo.Services.AddSingleton(services => new SiloRegions(
            map, settings.Region, services.GetRequiredService<ILocalSiloDetails>(), services.GetRequiredService<IClusterMembershipService>(),
            services.GetRequiredService<ISiloMetadataCache>()));
        if (!map.IsEmpty)
        {
            // An API host of a region leaves the other regions' gateways once its own is back (RegionalGatewayListProvider);
            // a gateway holds the replies for a client that left for this long before it gives up on it, and every
            // call whose reply waits there fails. Orleans' minute is far beyond any caller's budget (5 s).
            silo.Configure<SiloMessagingOptions>(options => options.ClientDropTimeout = TimeSpan.FromSeconds(5));
        }
        silo.Services.AddSingleton<IHomeRegions>(services => map.IsEmpty ? NoRegions.Instance : services.GetRequiredService<SiloRegions>());
        // A grain going home migrates with its state in Orleans' wire format; the stored state types have none of
        // their own, so they travel as the same JSON they are stored as.
        silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(
            IsStoredStateType, new System.Text.Json.JsonSerializerOptions(JsonGrainStateSerializer.Options)));
        // Transient: each grain type's strategy instance carries that type's own way of finding its province.
        silo.Services.AddPlacementDirector<ProvinceHomedPlacement, RegionalPlacementDirector>(ServiceLifetime.Transient);
        silo.Services.AddSingleton(services => new SiloRegionRecorder(
            settings.ConnectionString, settings.Region, services.GetRequiredService<ILocalSiloDetails>(),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId, services.GetRequiredService<ILogger<SiloRegionRecorder>>()));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<SiloRegionRecorder>());
        return silo;
    }
}

/// <summary>
/// Finds a province-homed grain's province in its stored state (one primary-key read per activation placed, only with
/// regions configured) and remembers it for a few minutes: a province seldom changes, and one that did is read again
/// soon. A grain whose province is not stored yet, or a read that fails, gives no province: Orleans' own placement.
/// </summary>
public sealed partial class HomeProvinceLookup(NpgsqlDataSource database, string serviceId, TimeProvider time, ILogger<HomeProvinceLookup> logger)
{
    private const int CacheLimit = 200_000;
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<GrainId, (string Province, DateTimeOffset Until)> _cache = new();

    public async ValueTask<string?> ProvinceOfAsync(ProvinceHomedPlacement strategy, GrainId grain)
    {
        var key = grain.Key.ToString();
        if (strategy.ProvinceFromKey(key) is { } fromKey)
        {
            return fromKey;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue(grain, out var cached) && cached.Until > now)
        {
            return cached.Province;
        }

        if (strategy.StateName is null || strategy.ProvincePath.IsDefaultOrEmpty)
        {
            return null;
        }

        string? province;
        try
        {
            await using var command = database.CreateCommand(
                "SELECT payload #>> $4 FROM grain_state WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 LIMIT 1");
            command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = strategy.StateName });
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = strategy.ProvincePath.ToArray() });
            province = await command.ExecuteScalarAsync() as string;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Placement must not fail a call: without its province the grain is placed as Orleans would.
            LogLookupFailed(logger, grain.ToString(), ex.Message);
            return null;
        }

        if (string.IsNullOrEmpty(province))
        {
            return null;
        }

        if (_cache.Count >= CacheLimit)
        {
            // Crude but bounded: a cleared cache costs one read per placement until it refills.
            _cache.Clear();
        }

        _cache[grain] = (string.IsInterned(province) ?? province, now + KeptFor);
        return province;
    }

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Could not read the province of {Grain} for its placement: {Reason}. Placed as Orleans would.")]
    private static partial void LogLookupFailed(ILogger logger, string grain, string reason);
}

/// <summary>This silo's view of regions: its own, and which regions have an active silo.</summary>
public sealed class SiloRegions(
    RegionMap map,
    string localRegion,
    ILocalSiloDetails local,
    IClusterMembershipService membership,
    ISiloMetadataCache metadata) : IHomeRegions
{
    public string? RegionOf(SiloAddress silo) =>
        silo.Equals(local.SiloAddress) ? localRegion
        : metadata.GetSiloMetadata(silo).Metadata.TryGetValue(RegionalPlacementHosting.RegionMetadataKey, out var region) ? region : null;

    public bool IsAway(string? province)
    {
        var home = map.RegionOf(province);
        if (home is null || home == localRegion)
        {
            return false;
        }

        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && RegionOf(member.SiloAddress) == home)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Places <see cref="ProvinceHomedPlacement"/> grains by <see cref="HomeChoice"/>; otherwise as Orleans' default strategy would.</summary>
internal sealed class RegionalPlacementDirector : IPlacementDirector
{
    private readonly RegionMap _map;
    private readonly HomeProvinceLookup _lookup;
    private readonly SiloRegions _regions;
    private readonly PlacementStrategy _defaultStrategy;
    private readonly IPlacementDirector _defaultDirector;

    public RegionalPlacementDirector(IServiceProvider services)
    {
        _map = services.GetRequiredService<RegionMap>();
        _lookup = services.GetRequiredService<HomeProvinceLookup>();
        _regions = services.GetRequiredService<SiloRegions>();
        _defaultStrategy = services.GetRequiredService<PlacementStrategy>();
        _defaultDirector = services.GetRequiredKeyedService<IPlacementDirector>(_defaultStrategy.GetType());
    }

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        if (!_map.IsEmpty && strategy is ProvinceHomedPlacement homed)
        {
            var province = await _lookup.ProvinceOfAsync(homed, target.GrainIdentity);
            var candidates = context.GetCompatibleSilos(target).Select(silo => (silo, _regions.RegionOf(silo))).ToList();
            if (HomeChoice.Choose(_map.RegionOf(province), context.LocalSilo, candidates, Random.Shared.Next) is { } home)
            {
                return home;
            }
        }

        return await _defaultDirector.OnAddActivation(_defaultStrategy, target, context);
    }
}

/// <summary>Writes this silo's region beside its membership row once it is active (API hosts prefer their region's gateways).</summary>
public sealed partial class SiloRegionRecorder(
    string connectionString,
    string region,
    ILocalSiloDetails local,
    string clusterId,
    ILogger<SiloRegionRecorder> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloRegionRecorder), ServiceLifecycleStage.Active, RecordAsync, _ => Task.CompletedTask);

    private async Task RecordAsync(CancellationToken cancellation)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellation);
            await using var command = new NpgsqlCommand(
                "UPDATE membership_silo SET region = $1 WHERE deployment_id = $2 AND address = $3 AND port = $4 AND generation = $5", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = region });
            command.Parameters.Add(new NpgsqlParameter { Value = clusterId });
            command.Parameters.Add(new NpgsqlParameter { Value = local.SiloAddress.Endpoint.Address.ToString() });
            command.Parameters.Add(new NpgsqlParameter { Value = local.SiloAddress.Endpoint.Port });
            command.Parameters.Add(new NpgsqlParameter { Value = local.SiloAddress.Generation });
            await command.ExecuteNonQueryAsync(cancellation);
        }
        catch (NpgsqlException ex)
        {
            // Only a preference is lost: API hosts use every gateway until the region is known.
            LogNotRecorded(logger, region, ex.Message);
        }
    }

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "Could not record this silo's region {Region} in the membership table: {Reason}.")]
    private static partial void LogNotRecorded(ILogger logger, string region, string reason);
}
