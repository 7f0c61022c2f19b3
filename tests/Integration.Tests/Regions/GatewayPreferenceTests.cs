using AfterSales.ApiHost.Hosting;

namespace AfterSales.Integration.Tests.Regions;

/// <summary>An API host of a region uses its region's gateways while any is up (issue 19 item 3).</summary>
public sealed class GatewayPreferenceTests
{
    private static readonly Uri NorthGateway = new("gwy.tcp://10.1.0.2:30000/1"), SouthGateway = new("gwy.tcp://10.2.0.2:30000/1"), NewGateway = new("gwy.tcp://10.3.0.2:30000/1");

    private static readonly (Uri, string?)[] Gateways = [(NorthGateway, "north"), (SouthGateway, "south"), (NewGateway, null)];

    [Fact]
    public void AHostOfARegion_UsesOnlyThatRegionsGateways() =>
        Assert.Equal([SouthGateway], GatewayPreference.Prefer("south", Gateways));

    [Fact]
    public void WithNoGatewayOfItsRegionUp_ItUsesEveryGateway() =>
        Assert.Equal([NorthGateway, NewGateway], GatewayPreference.Prefer("south", [(NorthGateway, "north"), (NewGateway, null)]));

    [Fact]
    public void AHostWithNoRegion_UsesEveryGateway() =>
        Assert.Equal([NorthGateway, SouthGateway, NewGateway], GatewayPreference.Prefer(null, Gateways));
}
