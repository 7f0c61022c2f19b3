using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace AfterSales.Api.Hosting;

public static class OperatorTools
{
    /// <summary>Whether the dashboard's grain-state view and log stream are on outside Development (default off).</summary>
    public const string InspectionSetting = "Dashboard:Inspection";

    /// <summary>By the endpoint routing matched, not the raw path: a trailing slash or any other spelling reaches the same endpoint.</summary>
    private static bool IsInspection(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.TrimEnd('/') is { } pattern
        && (pattern.EndsWith("/GrainState", StringComparison.OrdinalIgnoreCase) || pattern.EndsWith("/Trace", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The OpenAPI document, the interactive docs (/scalar) and the Orleans dashboard (/dashboard). Open in
    /// Development; everywhere else the dashboard requires the operator role (a bearer token, or a browser's sign-in
    /// cookie, <see cref="OperatorLogin"/>) and the docs any role's token: integrators generate clients from them.
    /// </summary>
    public static WebApplication MapOperatorTools(this WebApplication app, bool dashboard)
    {
        app.MapOperatorLogin();
        List<IEndpointConventionBuilder> docs = [app.MapOpenApi(), app.MapScalarApiReference()];
        List<IEndpointConventionBuilder> tools = [];
        if (dashboard)
        {
            var group = app.MapOrleansDashboard(routePrefix: "/dashboard");
            if (!app.Environment.IsDevelopment() && !app.Configuration.GetValue<bool>(InspectionSetting))
            {
                // A grain's state and the live log show owners' and customers' personal data to whoever opens them:
                // outside Development they are off unless configured on.
                group.AddEndpointFilter(async (context, next) => IsInspection(context.HttpContext)
                    ? Problems.Of(ProblemCodes.FeatureDisabled,
                        $"Grain-state inspection and the log stream are off outside Development; set {InspectionSetting.Replace(":", "__", StringComparison.Ordinal)}=true to turn them on.")
                    : await next(context));
            }

            tools.Add(group);
        }

        if (!app.Environment.IsDevelopment())
        {
            foreach (var tool in tools)
            {
                tool.RequireAuthorization(Policies.OperatorTools);
            }

            foreach (var doc in docs)
            {
                doc.RequireAuthorization(Policies.ApiDocs);
            }
        }

        return app;
    }
}
