using AfterSales.Api.Apis;
using AfterSales.Api.Http;
using AfterSales.Api.Security;

namespace AfterSales.Api.Hosting;

/// <summary>
/// The whole HTTP API in two calls, the same in a silo (co-hosted: the silo's own <see cref="IClusterClient"/>,
/// grain calls in-process) and in the separate API host (an external Orleans client). Whoever calls these has
/// registered an <see cref="IClusterClient"/>, an <see cref="Npgsql.NpgsqlDataSource"/> and a <see cref="TimeProvider"/>.
/// </summary>
public static class ApiComposition
{
    /// <summary>Validates the API's settings (<c>Auth</c>) without building anything: every problem, each naming its setting.</summary>
    public static IReadOnlyList<string> Validate(IConfiguration configuration) => AuthSettings.Load(configuration).Validate();

    /// <summary>JSON, security, problem details, health checks and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddAfterSalesApi(this WebApplicationBuilder builder)
    {
        builder.AddAfterSalesHttp();
        builder.AddAfterSalesSecurity();
        builder.Services.AddAfterSalesProblemDetails();
        builder.Services.AddAfterSalesHealthChecks();
        builder.Services.AddAfterSalesOpenApi();
        return builder;
    }

    /// <summary>
    /// The middleware and every endpoint: health, the problem types, docs, the dashboard (when <paramref name="dashboard"/>: its services
    /// are registered, by the client or the silo) and the <c>/api</c> routes.
    /// </summary>
    public static WebApplication MapAfterSalesApi(this WebApplication app, bool dashboard = true)
    {
        app.UseAfterSalesErrorHandling();
        app.UseRequestSizeGuard(HttpConfiguration.MaxRequestBodyBytes);
        app.UseAfterSalesSecurity();
        app.MapAfterSalesHealth();
        app.MapProblemTypes();
        app.MapAfterSalesMetrics();
        app.MapOperatorTools(dashboard);
        var api = app.MapGroup("/api").RequireAuthorization(Policies.Read).RequireRateLimiting(SecurityExtensions.RateLimitPolicy);
        api.MapSystemApi(app.Configuration);
        api.MapVehiclesApi();
        api.MapStationsApi();
        api.MapNetworkApi();
        api.MapRecallsApi();
        api.MapReportsApi();
        api.MapComplaintsApi();
        api.MapCorrectiveActionsApi();
        api.MapPartsApi();
        api.MapShipmentsApi();
        api.MapCatalogueApi();
        api.MapClaimsApi();
        api.MapBuybackApi();
        api.MapPrivacyApi();
        api.MapSurveysApi();
        return app;
    }
}
