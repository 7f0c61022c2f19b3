using System.Reflection;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// <see cref="GrainReferences"/> makes references from grain type names it resolved once; each must address the
/// very grain, through the very interface, that Orleans' own <c>GetGrain</c> would.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    public static TheoryData<Type> GrainInterfaces()
    {
        var data = new TheoryData<Type>();
        // The contract's interfaces, and an Orleans one the grains address too.
        data.Add(typeof(IManagementGrain));
        foreach (var type in typeof(IVehicleGrain).Assembly.GetTypes()
                     .Where(t => t.IsInterface && (typeof(IGrainWithStringKey).IsAssignableFrom(t) || typeof(IGrainWithIntegerKey).IsAssignableFrom(t)))
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GrainInterfaces))]
    public void EveryGrainInterface_IsAddressedAsGetGrainWouldAddressIt(Type grainInterface)
    {
        var factory = fixture.Api.Services.GetRequiredService<IClusterClient>();
        var stringKeyed = typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface);
        object[] keys = stringKeyed ? ["LSVAU2180N2183294", "x"] : [0L, 42L, -7L];

        foreach (var key in keys)
        {
            var expected = (GrainReference)(stringKeyed ? factory.GetGrain(grainInterface, (string)key) : factory.GetGrain(grainInterface, (long)key));
            var method = typeof(GrainReferences).GetMethods()
                .Single(m => m.Name == nameof(GrainReferences.Grain) && m.GetParameters()[1].ParameterType == (stringKeyed ? typeof(string) : typeof(long)))
                .MakeGenericMethod(grainInterface);
            var actual = (GrainReference)method.Invoke(null, [factory, key])!;

            Assert.Equal(expected.GrainId, actual.GrainId);
            Assert.Equal(expected.InterfaceType, actual.InterfaceType);
            Assert.IsAssignableFrom(grainInterface, actual);
        }
    }

    [Fact]
    public void TheInterfacesAreFound()
    {
        // Guards the theory above against passing vacuously.
        Assert.True(GrainInterfaces().Count >= 15);
    }

    [Fact]
    public async Task AReferenceMadeThisWay_ReachesTheGrain()
    {
        var factory = fixture.Api.Services.GetRequiredService<IClusterClient>();
        var vin = TestVins.Next();

        var outcome = await factory.Grain<IVehicleGrain>(vin).GetAsync();

        Assert.Equal(OutcomeStatus.NotFound, outcome.Status);
    }

    [Fact]
    public void ABlankKey_IsRefusedAsGetGrainRefusesIt()
    {
        var factory = fixture.Api.Services.GetRequiredService<IClusterClient>();

        Assert.ThrowsAny<ArgumentException>(() => factory.GetGrain<IVehicleGrain>(" "));
        Assert.ThrowsAny<ArgumentException>(() => factory.Grain<IVehicleGrain>(" "));
    }
}
