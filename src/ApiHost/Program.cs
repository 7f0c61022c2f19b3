using AfterSales.ApiHost.Apis;
using AfterSales.ApiHost.Hosting;
using AfterSales.ApiHost.Http;
using AfterSales.ApiHost.Security;

var builder = WebApplication.CreateBuilder(args);
if (args is ["token", ..])
{
    return TokenIssuer.RunCommand(args, builder.Configuration);
}

builder.AddAfterSalesCluster();
builder.AddAfterSalesHttp();
builder.AddAfterSalesSecurity();
builder.Services.AddAfterSalesProblemDetails();
builder.Services.AddAfterSalesHealthChecks();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseAfterSalesErrorHandling();
app.UseRequestSizeGuard(HttpConfiguration.MaxRequestBodyBytes);
app.UseAfterSalesSecurity();
app.MapAfterSalesHealth();
app.MapOperatorTools();
var api = app.MapGroup("/api").RequireAuthorization(Policies.Read).RequireRateLimiting(SecurityExtensions.RateLimitPolicy);
api.MapSystemApi(app.Configuration);
api.MapVehiclesApi();
api.MapStationsApi();
api.MapNetworkApi();
api.MapRecallsApi();
api.MapReportsApi();
api.MapComplaintsApi();
api.MapPartsApi();
api.MapCatalogueApi();
app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
