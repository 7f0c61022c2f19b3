namespace AfterSales.ApiHost.Apis;

public static class SystemApi
{
    private static readonly ConstantReply Constant = new("AfterSales.Actors", "ok");

    /// <summary>
    /// <c>GET /api/system/constant</c> (mapped under the /api group): a constant JSON reply that touches no grain or database — the Kestrel
    /// ceiling the benchmark compares every other route against.
    /// </summary>
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/system/constant", () => TypedResults.Ok(Constant))
            .WithName("GetConstant")
            .WithSummary("Constant JSON reply (benchmark ceiling; no grain, no database).")
            .WithTags("System");
        return app;
    }

    public sealed record ConstantReply(string Service, string Status);
}
