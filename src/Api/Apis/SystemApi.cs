using AfterSales.Interfaces.Cluster;
using AfterSales.Api.Http;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

public static class SystemApi
{
    /// <summary>Configuration switch of <c>GET /api/system/memory</c> (environment: <c>Diagnostics__MemoryEndpoint=true</c>). Default off.</summary>
    public const string MemoryEndpointSetting = "Diagnostics:MemoryEndpoint";

    private static readonly ConstantReply Constant = new("AfterSales.Actors", "ok");

    /// <summary>
    /// <c>GET /api/system/constant</c> (under the /api group): a constant JSON reply that touches no grain or database — the Kestrel
    /// ceiling the benchmark compares every other route against. <c>GET /api/system/memory</c> (only when
    /// <see cref="MemoryEndpointSetting"/> is true: it forces a full GC in a silo) reports the silo's heap and
    /// activations, which the benchmark turns into bytes per vehicle grain.
    /// </summary>
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        app.MapGet("/system/constant", () => TypedResults.Ok(Constant))
            .WithName("GetConstant")
            .WithSummary("Constant JSON reply (benchmark ceiling; no grain, no database).")
            .WithTags("System")
            .ExcludeFromDescription();
        if (configuration.GetValue<bool>(MemoryEndpointSetting))
        {
            app.MapGet("/system/memory", async (IClusterClient cluster) =>
                    TypedResults.Ok(await cluster.Grain<IMemoryProbeGrain>(0).CollectAndMeasureAsync()))
                .RequireAuthorization(Security.Policies.Operate)
                .WithName("GetSiloMemory")
                .WithSummary("Forces a full GC in the gateway silo and reports its heap and activations (diagnostics; off by default).")
                .WithTags("System")
                .ExcludeFromDescription();
        }

        app.MapGet("/system/placement/{kind}/{key}", PlacementAsync)
            .RequireAuthorization(Security.Policies.Operate)
            .WithName("GetGrainPlacement")
            .WithSummary("Which silo holds a station's, depot's, vehicle's or complaint's grain now (operators; activates nothing).")
            .WithTags("System")
            .Produces<PlacementReply>();
        return app;
    }

    /// <summary>
    /// Where a grain lives, for operators checking regional placement (docs/operations.md, "Regions"): the silo's
    /// address and name (<c>{region}-{host}-{port}</c> outside Kubernetes), or <c>active: false</c>. Asks the grain
    /// directory only, so it never activates the grain it asks about.
    /// </summary>
    private static async Task<IResult> PlacementAsync(string kind, string key, IClusterClient cluster)
    {
        IAddressable? grain = kind switch
        {
            "stations" when StationsApi.TryCode(key, out var code, out _) => cluster.Grain<IServiceStationGrain>(code),
            "depots" when StationsApi.TryCode(key, out var code, out _) => cluster.Grain<IPartsDepotGrain>(code),
            "vehicles" when VehiclesApi.TryNormalizeVin(key, out var vin, out _) => cluster.Grain<IVehicleGrain>(vin),
            "complaints" when !string.IsNullOrWhiteSpace(key) => cluster.Grain<IComplaintGrain>(key.Trim()),
            _ => null,
        };
        if (grain is null)
        {
            return OutcomeResults.Invalid(new()
            {
                [PlacementKinds.Contains(kind) ? "key" : "kind"] = [PlacementKinds.Contains(kind)
                    ? $"'{key}' is not a valid key for {kind}."
                    : $"kind must be one of {string.Join(", ", PlacementKinds)}."],
            });
        }

        var management = cluster.GetGrain<IManagementGrain>(0);
        var silo = await management.GetActivationAddress(grain);
        if (silo is null)
        {
            return TypedResults.Ok(new PlacementReply(kind, key, false, null, null));
        }

        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var name = hosts.FirstOrDefault(h => h.SiloAddress.Equals(silo))?.SiloName;
        return TypedResults.Ok(new PlacementReply(kind, key, true, silo.Endpoint.ToString(), name));
    }

    private static readonly string[] PlacementKinds = ["stations", "depots", "vehicles", "complaints"];

    public sealed record PlacementReply(string Kind, string Key, bool Active, string? Silo, string? SiloName);

    public sealed record ConstantReply(string Service, string Status);
}
