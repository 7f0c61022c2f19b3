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
/// up, and this silo is not one), the grain migrates once idle: Orleans places it again (the director finds the
/// province just stored), moves its state across and points the directory at the new activation. (Deactivating
/// instead would not do: a caller's cached address would bring the next call back to this silo, which would activate
/// the grain right here again.)
/// </summary>
public interface IHomeRegions
{
    /// <summary>True when regions are configured, <paramref name="province"/> is in one, a silo of that region is up, and this silo is not in it.</summary>
    bool IsAway(string? province);
}

/// <summary>A silo with no regions configured: nothing is ever away.</summary>
public sealed class NoRegions : IHomeRegions
{
    public static readonly NoRegions Instance = new();

    public bool IsAway(string? province) => false;
}

/// <summary>Grain-side helper: go home when away.</summary>
public static class HomeRegionsExtensions
{
    /// <summary>
    /// Called by a province-homed grain when it activates and when it has just stored a new province: if it is away
    /// from home, it migrates once idle (callers notice nothing but the latency going down). On activation because a
    /// caller whose cached address names this silo brings the grain back here without asking placement (Orleans
    /// activates a grain where a call addressed to it arrives). Migration asks this silo's placement, which sees what
    /// <see cref="IHomeRegions.IsAway"/> saw: a grain it would place here again does not move, so nothing bounces.
    /// </summary>
    public static void GoHomeIfAway(this IHomeRegions regions, string? province, Action migrateOnIdle)
    {
        if (province is not null && regions.IsAway(province))
        {
            migrateOnIdle();
        }
    }
}
