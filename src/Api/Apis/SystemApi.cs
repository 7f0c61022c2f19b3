using AfterSales.Interfaces.Cluster;
using AfterSales.Interfaces.Common;

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
            .WithTags("System");
        if (configuration.GetValue<bool>(MemoryEndpointSetting))
        {
            app.MapGet("/system/memory", async (IClusterClient cluster) =>
                    TypedResults.Ok(await cluster.Grain<IMemoryProbeGrain>(0).CollectAndMeasureAsync()))
                .RequireAuthorization(Security.Policies.Operate)
                .WithName("GetSiloMemory")
                .WithSummary("Forces a full GC in the gateway silo and reports its heap and activations (diagnostics; off by default).")
                .WithTags("System");
        }

        return app;
    }

    public sealed record ConstantReply(string Service, string Status);
}
