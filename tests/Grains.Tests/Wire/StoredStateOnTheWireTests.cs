using System.Runtime.CompilerServices;
using AfterSales.Grains.Common;
using AfterSales.Silo.Hosting;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>
/// A migrating grain's state travels as JSON (<see cref="RegionalPlacementHosting.IsStoredStateType"/>). The lists the
/// compiler makes in the grains' assembly for collection expressions travel in replies too, as an IReadOnlyList the
/// receiver reads with Orleans' list codec: written as JSON, they could not be read ("VarInt length … for UInt128").
/// </summary>
public sealed class StoredStateOnTheWireTests
{
    [Fact]
    public void TheCompilersCollectionsInTheGrains_AreNotStoredStateTypes()
    {
        var made = typeof(ProvinceHomedPlacement).Assembly.GetTypes()
            .Where(t => t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) && t.Name.StartsWith("<>z__ReadOnly", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(made);
        Assert.DoesNotContain(made, RegionalPlacementHosting.IsStoredStateType);
        Assert.True(RegionalPlacementHosting.IsStoredStateType(typeof(Vehicles.VehicleState)));
        Assert.True(RegionalPlacementHosting.IsStoredStateType(typeof(Stations.StationState)));
    }

    [Fact]
    public void OnlyWhatGrainsPersist_IsAStoredStateType()
    {
        // A record the grains use inside their state, and one they send, are not themselves persisted states.
        Assert.False(RegionalPlacementHosting.IsStoredStateType(typeof(Common.RegionMap)));
        Assert.False(RegionalPlacementHosting.IsStoredStateType(typeof(Interfaces.Vehicles.VehicleView)));
        Assert.False(RegionalPlacementHosting.IsStoredStateType(typeof(string)));
    }
}
