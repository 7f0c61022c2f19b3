using AfterSales.Api.Security;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace AfterSales.Api.Hosting;

public static class OperatorTools
{
    /// <summary>
    /// The OpenAPI document, the interactive docs (/scalar) and the Orleans dashboard (/dashboard). Open in
    /// Development; everywhere else they require the operator role.
    /// </summary>
    public static WebApplication MapOperatorTools(this WebApplication app, bool dashboard)
    {
        List<IEndpointConventionBuilder> tools = [app.MapOpenApi(), app.MapScalarApiReference()];
        if (dashboard)
        {
            tools.Add(app.MapOrleansDashboard(routePrefix: "/dashboard"));
        }

        if (!app.Environment.IsDevelopment())
        {
            foreach (var tool in tools)
            {
                tool.RequireAuthorization(Policies.Operate);
            }
        }

        return app;
    }
}
