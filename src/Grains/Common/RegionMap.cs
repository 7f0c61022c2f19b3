using System.Collections.Frozen;

namespace AfterSales.Grains.Common;

/// <summary>
/// Which region each province belongs to, from configuration: <c>Regions:{region} = "province,province,…"</c>
/// (environment: <c>Regions__south=广东,广西,海南</c>). Empty when no regions are configured: then placement is
/// Orleans' own and nothing here costs anything.
/// </summary>
public sealed class RegionMap
{
    public const string SectionName = "Regions";

    public static readonly RegionMap None = new(FrozenDictionary<string, string>.Empty);

    private readonly FrozenDictionary<string, string> _regionOfProvince;

    private RegionMap(FrozenDictionary<string, string> regionOfProvince) => _regionOfProvince = regionOfProvince;

    public bool IsEmpty => _regionOfProvince.Count == 0;

    public IEnumerable<string> Regions => _regionOfProvince.Values.Distinct(StringComparer.Ordinal);

    public string? RegionOf(string? province) =>
        province is not null && _regionOfProvince.TryGetValue(province.Trim(), out var region) ? region : null;

    /// <summary>Builds the map, or names every problem: a region with no provinces, a province in two regions.</summary>
    public static (RegionMap Map, IReadOnlyList<string> Problems) Parse(IReadOnlyDictionary<string, string?> provincesByRegion)
    {
        var problems = new List<string>();
        var regionOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (region, list) in provincesByRegion.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var provinces = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (string.IsNullOrWhiteSpace(region) || provinces.Length == 0)
            {
                problems.Add($"{SectionName}:{region} must list the region's provinces, comma-separated (e.g. {SectionName}__south=广东,广西,海南).");
                continue;
            }

            foreach (var province in provinces)
            {
                if (regionOf.TryGetValue(province, out var other) && other != region)
                {
                    problems.Add($"{SectionName}: province {province} is in both {other} and {region}; a province belongs to one region.");
                    continue;
                }

                regionOf[province] = region;
            }
        }

        return (problems.Count == 0 ? new RegionMap(regionOf.ToFrozenDictionary(StringComparer.Ordinal)) : None, problems);
    }
}

/// <summary>The placement decision of a province-homed grain, as a pure function over silos and their regions.</summary>
public static class HomeChoice
{
    /// <summary>
    /// Where a grain of <paramref name="homeRegion"/> goes: this silo when it is a candidate in that region (no hop for
    /// the caller, no move for a migrating grain), else one of that region's candidates, picked by
    /// <paramref name="pick"/> (random in production). Null, meaning "as Orleans would place it", when the home is
    /// unknown or no candidate is in that region.
    /// </summary>
    public static TSilo? Choose<TSilo>(string? homeRegion, TSilo local, IReadOnlyList<(TSilo Silo, string? Region)> candidates, Func<int, int> pick)
        where TSilo : class
    {
        if (homeRegion is null)
        {
            return null;
        }

        var home = candidates.Where(c => c.Region == homeRegion).Select(c => c.Silo).ToList();
        if (home.Count == 0)
        {
            return null;
        }

        return home.Contains(local) ? local : home[pick(home.Count)];
    }
}
