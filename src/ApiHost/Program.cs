using AfterSales.Api.Hosting;
using AfterSales.Api.Security;
using AfterSales.ApiHost.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args is ["token", ..])
{
    return TokenIssuer.RunCommand(args, builder.Configuration, builder.Environment.EnvironmentName);
}

builder.AddAfterSalesCluster();
builder.AddAfterSalesApi();
builder.AddAfterSalesTelemetry("aftersales-api");

var app = builder.Build();
app.MapAfterSalesApi();
app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
