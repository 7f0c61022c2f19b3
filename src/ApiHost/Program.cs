using AfterSales.ApiHost.Apis;
using AfterSales.ApiHost.Hosting;
using AfterSales.ApiHost.Http;
using Orleans.Dashboard;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddAfterSalesCluster();
builder.AddAfterSalesHttp();
builder.Services.AddAfterSalesProblemDetails();
builder.Services.AddAfterSalesHealthChecks();
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseAfterSalesErrorHandling();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapAfterSalesHealth();
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.MapSystemApi(app.Configuration);
app.MapVehiclesApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
