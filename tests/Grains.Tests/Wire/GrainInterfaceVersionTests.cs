using System.Reflection;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>
/// Every grain interface states its version. An interface without one is version 0, which Orleans never checks: a
/// silo of a newer build could send a call an older silo's activation cannot decode (docs/upgrades.md).
/// </summary>
public sealed class GrainInterfaceVersionTests
{
    [Fact]
    public void EveryGrainInterface_CarriesAVersion()
    {
        Assembly[] contracts = [typeof(Refusal).Assembly, typeof(IOutboxOwner).Assembly];
        var interfaces = contracts.SelectMany(a => a.GetTypes())
            .Where(t => t.IsInterface && t.IsPublic && typeof(IAddressable).IsAssignableFrom(t))
            .ToList();

        var unversioned = interfaces.Where(t => t.GetCustomAttribute<VersionAttribute>() is not { Version: > 0 }).Select(t => t.FullName);

        Assert.Empty(unversioned);
        Assert.Contains(typeof(Interfaces.Vehicles.IVehicleGrain), interfaces);
        Assert.Contains(typeof(Interfaces.Catalogue.IPartsCatalogueObserver), interfaces);
    }
}
