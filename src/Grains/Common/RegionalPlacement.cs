using System.Collections.Immutable;
using Orleans.Metadata;
using Orleans.Placement;

namespace AfterSales.Grains.Common;

/// <summary>
/// Placement for grains whose data belongs to a province (a station, a depot, a complaint, a province's roll-up, a
/// vehicle once its region is known): on a silo of that province's region when one is up, as Orleans would place it
/// otherwise. The silo's director (Silo/Hosting/RegionalPlacementDirector) finds the province from the grain's key
/// (<see cref="KeyPrefix"/>) or from its stored state (<see cref="StateName"/>, <see cref="ProvincePath"/>).
/// </summary>
public sealed class ProvinceHomedPlacement : PlacementStrategy
{
    private const string StateNameProperty = "aftersales.home.state";
    private const string PathProperty = "aftersales.home.path";
    private const string KeyPrefixProperty = "aftersales.home.keyPrefix";

    public ProvinceHomedPlacement()
    {
    }

    internal ProvinceHomedPlacement(string? stateName, string? provincePath, string? keyPrefix)
    {
        StateName = stateName;
        ProvincePath = provincePath is null ? [] : [.. provincePath.Split('.')];
        KeyPrefix = keyPrefix;
    }

    /// <summary>The grain's <c>grain_state.state_name</c>, when the province is in its stored state.</summary>
    public string? StateName { get; private set; }

    /// <summary>The province's JSON path in the stored state (<c>registry.province</c> → ["registry", "province"]).</summary>
    public ImmutableArray<string> ProvincePath { get; private set; } = [];

    /// <summary>A key prefix after which the key is the province itself (<c>province:广东</c>).</summary>
    public string? KeyPrefix { get; private set; }

    public override void Initialize(GrainProperties properties)
    {
        StateName = properties.Properties.GetValueOrDefault(StateNameProperty);
        ProvincePath = properties.Properties.TryGetValue(PathProperty, out var path) ? [.. path.Split('.')] : [];
        KeyPrefix = properties.Properties.GetValueOrDefault(KeyPrefixProperty);
    }

    public override void PopulateGrainProperties(IServiceProvider services, Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        base.PopulateGrainProperties(services, grainClass, grainType, properties);
        if (StateName is not null)
        {
            properties[StateNameProperty] = StateName;
            properties[PathProperty] = string.Join('.', ProvincePath);
        }

        if (KeyPrefix is not null)
        {
            properties[KeyPrefixProperty] = KeyPrefix;
        }
    }

    /// <summary>The province a key names, when this grain type's keys name one.</summary>
    public string? ProvinceFromKey(string key) =>
        KeyPrefix is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal) && key.Length > KeyPrefix.Length ? key[KeyPrefix.Length..] : null;
}

/// <summary>
/// Places a grain by its province (<see cref="ProvinceHomedPlacement"/>): either its stored state says where the
/// province is (<c>stateName</c> and a dotted camelCase <c>provincePath</c>), or its key does (<c>keyPrefix</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ProvinceHomedPlacementAttribute(string? stateName = null, string? provincePath = null, string? keyPrefix = null)
    : PlacementAttribute(new ProvinceHomedPlacement(stateName, provincePath, keyPrefix));

/// <summary>
/// What a province-homed grain asks of its silo: is it away from home? When it is (the province's region has a silo
/// up, and this silo is not one), the grain migrates once idle, and placement takes it home.
/// </summary>
public interface IHomeRegions
{
    /// <summary>True when regions are configured, <paramref name="province"/> is in one, a silo of that region is up, and this silo is not in it.</summary>
    bool IsAway(string? province);

    /// <summary>
    /// Declares a grain's province for the placement its <c>MigrateOnIdle</c> triggers (the stored state may not say
    /// so yet, and a silo's cache may hold an older answer). Dispose after calling <c>MigrateOnIdle</c>.
    /// </summary>
    IDisposable DeclareHome(GrainId grain, string province);
}

/// <summary>A silo with no regions configured: nothing is ever away.</summary>
public sealed class NoRegions : IHomeRegions
{
    public static readonly NoRegions Instance = new();

    public bool IsAway(string? province) => false;

    public IDisposable DeclareHome(GrainId grain, string province) => Nothing.Instance;

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>Grain-side helper: move home when away.</summary>
public static class HomeRegionsExtensions
{
    /// <summary>
    /// Called by a province-homed grain when it learns its province and when it activates: if it is away from home,
    /// it migrates once idle (its state goes with it; callers notice nothing but the latency going down).
    /// </summary>
    public static void GoHomeIfAway(this IHomeRegions regions, Grain grain, string? province, Action migrateOnIdle)
    {
        if (province is null || !regions.IsAway(province))
        {
            return;
        }

        using (regions.DeclareHome(grain.GetGrainId(), province))
        {
            migrateOnIdle();
        }
    }
}
