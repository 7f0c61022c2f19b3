using System.Reflection;
using Orleans;
using Orleans.Placement;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Orleans 10 migrates a grain with queued calls when its silo shuts down gracefully, carrying its state in Orleans'
/// own serialization. The grains' states are JSON for PostgreSQL, not Orleans-serializable: the attempt failed with an
/// error per grain ("Could not find a codec for type …VehicleState") at every rolling upgrade, and the grain was
/// activated from storage anyway. So every grain with persistent state declares that it never migrates.
/// </summary>
public sealed class ImmovableGrainsTests
{
    private static readonly Type[] Stateful = [.. typeof(Vehicles.VehicleGrain).Assembly.GetTypes()
        .Where(t => typeof(Grain).IsAssignableFrom(t) && !t.IsAbstract)
        .Where(t => t.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => p.GetCustomAttribute<PersistentStateAttribute>() is not null)
            || t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Any(f => f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(Common.DirectGrainState<>)))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static TheoryData<Type> GrainsWithState => [.. Stateful];

    [Fact]
    public void TheGrainsWithState_AreFound()
    {
        // The vehicle, the station and the roll-ups at least: a broken search must not pass the theory vacuously.
        Assert.Contains(typeof(Vehicles.VehicleGrain), Stateful);
        Assert.Contains(typeof(Stations.ServiceStationGrain), Stateful);
        Assert.True(Stateful.Length >= 15, $"{Stateful.Length} grains with state");
    }

    [Theory]
    [MemberData(nameof(GrainsWithState))]
    public void AGrainWithState_NeverMigrates(Type grain)
    {
        var immovable = grain.GetCustomAttribute<ImmovableAttribute>();

        Assert.True(immovable is { Kind: ImmovableKind.Any }, $"{grain.Name} keeps JSON state: mark it [Immovable(ImmovableKind.Any)]");
    }
}
