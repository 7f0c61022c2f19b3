using AfterSales.Api.Hosting;
using AfterSales.Api.Security;
using AfterSales.ApiHost.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (args is ["token", ..])
{
    return TokenIssuer.RunCommand(args, builder.Configuration, builder.Environment.EnvironmentName);
}

if (args is ["openapi", var documentPath])
{
    // The build writes docs/openapi.json with this: the API's endpoints, no cluster (nothing is called).
    // No token is checked either: a throwaway key satisfies the settings' validation when none is configured.
    if (string.IsNullOrEmpty(builder.Configuration["Auth:SigningKey"]))
    {
        builder.Configuration["Auth:SigningKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    }

    builder.AddAfterSalesApi();
    builder.AddAfterSalesTelemetry("aftersales-api");
    builder.Services.AddSingleton(System.Reflection.DispatchProxy.Create<IClusterClient, AfterSales.ApiHost.Hosting.NoCluster>());
    var documentApp = builder.Build();
    documentApp.MapAfterSalesApi(dashboard: false);
    return await ApiDocument.WriteAsync(documentApp, documentPath);
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
