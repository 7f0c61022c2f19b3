using AfterSales.Grains.Common;

namespace AfterSales.Grains.Tests;

/// <summary>The province → region map from configuration and the placement choice, as pure functions (issue 19 item 3).</summary>
public sealed class RegionalPlacementRulesTests
{
    public sealed record Silo(string Name);

    private static readonly Silo NorthA = new("north-a"), NorthB = new("north-b"), South = new("south"), Unknown = new("unknown");

    [Fact]
    public void TheMap_ListsEachRegionsProvinces_TrimmedAndComparedExactly()
    {
        var (map, problems) = RegionMap.Parse(new Dictionary<string, string?> { ["north"] = "北京, 河北 ", ["south"] = "广东,广西" });

        Assert.Empty(problems);
        Assert.Equal("north", map.RegionOf("河北"));
        Assert.Equal("south", map.RegionOf(" 广东 "));
        Assert.Null(map.RegionOf("四川"));
        Assert.Null(map.RegionOf(null));
        Assert.False(map.IsEmpty);
    }

    [Fact]
    public void NoRegionsConfigured_IsAnEmptyMap_ThatHomesNothing()
    {
        var (map, problems) = RegionMap.Parse(new Dictionary<string, string?>());

        Assert.Empty(problems);
        Assert.True(map.IsEmpty);
        Assert.Null(map.RegionOf("广东"));
    }

    [Theory]
    [InlineData("north", "北京", "south", "北京,广东", "北京 is in both north and south")]
    [InlineData("north", "", "south", "广东", "Regions:north must list the region's provinces")]
    [InlineData("north", " , ", "south", "广东", "Regions:north must list the region's provinces")]
    public void AProvinceInTwoRegions_OrARegionWithoutProvinces_IsRefusedByName(string region1, string list1, string region2, string list2, string expected)
    {
        var (map, problems) = RegionMap.Parse(new Dictionary<string, string?> { [region1] = list1, [region2] = list2 });

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        Assert.True(map.IsEmpty);
    }

    public static TheoryData<string?, Silo, Silo[], Silo?> Choices => new()
    {
        // Home unknown (no province, or one in no region): Orleans' own placement (null).
        { null, NorthA, [NorthA, NorthB, South], null },
        // This silo is home: stay (no hop, no move).
        { "north", NorthA, [NorthA, NorthB, South], NorthA },
        { "south", South, [NorthA, South], South },
        // Home is elsewhere: its only silo.
        { "south", NorthA, [NorthA, NorthB, South], South },
        // Home region has no compatible silo up: Orleans' own placement.
        { "south", NorthA, [NorthA, NorthB], null },
        // A silo whose region is not known yet is never taken for home.
        { "west", NorthA, [NorthA, Unknown], null },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void ThePlacementChoice(string? home, Silo local, Silo[] silos, Silo? expected)
    {
        var candidates = silos.Select(s => (s, s == Unknown ? null : s.Name.Split('-')[0])).ToList();

        Assert.Equal(expected, HomeChoice.Choose(home, local, candidates, _ => 0));
    }

    [Fact]
    public void AwayFromAHomeWithTwoSilos_EitherMayBePicked()
    {
        var candidates = new List<(Silo, string?)> { (NorthA, "north"), (NorthB, "north"), (South, "south") };

        Assert.Equal(NorthA, HomeChoice.Choose("north", South, candidates, n => 0));
        Assert.Equal(NorthB, HomeChoice.Choose("north", South, candidates, n => n - 1));
    }
}
