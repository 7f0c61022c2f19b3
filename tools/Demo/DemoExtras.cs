using AfterSales.Bench.Loader;

namespace AfterSales.Demo;

/// <summary>Complaints and parts depots, added to the demo as those parts of the API exist.</summary>
internal static class DemoExtras
{
    public static Task RunAsync(DemoApi api, DemoOptions options, IReadOnlyList<DemoStation> stations, IReadOnlyList<GeneratedVehicle> vehicles, Random random)
    {
        _ = (api, options, stations, vehicles, random);
        return Task.CompletedTask;
    }
}
