using AfterSales.Interfaces.Common;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AfterSales.Api.Hosting;

/// <summary>
/// OpenTelemetry for every process, one setup (section <c>Telemetry</c>). Metrics always: Orleans' meter, the project's
/// own (<see cref="TelemetryNames.Meter"/>), Npgsql, the .NET runtime and, where HTTP is served, ASP.NET Core, scraped
/// as Prometheus text at <c>GET /metrics</c>. Traces when <c>Telemetry:Tracing</c> is on or an OTLP endpoint is set
/// (each traced grain call costs an activity, so not by default): ASP.NET Core requests, Orleans grain calls (the
/// trace context travels with each call) and Npgsql commands, one trace per request. OTLP export of both when
/// <c>Telemetry:OtlpEndpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set.
/// </summary>
public static class Telemetry
{
    public const string SectionName = "Telemetry";

    /// <summary>Orleans instruments recorded per message, dropped (with <see cref="PerRequestAspNetCoreInstruments"/>) unless <c>Telemetry:PerMessageMetrics</c> is on.</summary>
    public static readonly IReadOnlyList<string> PerMessageOrleansInstruments =
    [
        "orleans-messaging-sent-messages-size", "orleans-messaging-received-messages-size",
        "orleans-messaging-sent-header-size", "orleans-messaging-received-header-size", "orleans-messaging-sent-local",
        "orleans-messaging-processing-dispatcher-received", "orleans-messaging-processing-dispatcher-processed",
        "orleans-messaging-processing-dispatcher-forwarded", "orleans-messaging-processing-ima-received",
        "orleans-messaging-processing-ima-enqueued", "orleans-gateway-sent", "orleans-gateway-received",
        "orleans-app-requests-latency",
    ];

    /// <summary>
    /// ASP.NET Core's other per-request instruments (routing, rate limiting, authentication, authorization), dropped
    /// with the Orleans ones: <c>http.server.request.duration</c> already counts and times every request.
    /// </summary>
    public static readonly IReadOnlyList<string> PerRequestAspNetCoreInstruments =
    [
        "aspnetcore.routing.match_attempts", "aspnetcore.rate_limiting.*", "aspnetcore.authentication.*", "aspnetcore.authorization.*",
    ];

    /// <summary>Whether traces are collected (and grain calls carry their trace context) in this process.</summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{SectionName}:Tracing") || OtlpEndpoint(configuration) is not null;

    public static WebApplicationBuilder AddAfterSalesTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddAfterSalesTelemetry(builder.Configuration, serviceName, http: true);
        return builder;
    }

    /// <summary>Whether metrics are collected (<c>Telemetry:Metrics</c>, default on): <c>/metrics</c> is served only then.</summary>
    public static bool MetricsEnabled(IConfiguration configuration) => configuration.GetValue($"{SectionName}:Metrics", true);

    public static IServiceCollection AddAfterSalesTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, bool http)
    {
        var otlp = OtlpEndpoint(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration[$"{SectionName}:ServiceName"] ?? serviceName, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId));
        if (MetricsEnabled(configuration))
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter("Microsoft.Orleans", TelemetryNames.Meter).AddNpgsqlInstrumentation().AddRuntimeInstrumentation();
                if (!configuration.GetValue<bool>($"{SectionName}:PerMessageMetrics"))
                {
                    // Orleans records these on every message (sizes, dispatch counts, the request-latency histogram):
                    // listened to, they cost a fifth of a warm warranty read's throughput (docs/benchmarks.md). A dropped
                    // instrument is never enabled, so it costs nothing; Telemetry__PerMessageMetrics=true keeps them.
                    foreach (var perMessage in PerMessageOrleansInstruments.Concat(PerRequestAspNetCoreInstruments))
                    {
                        metrics.AddView(perMessage, MetricStreamConfiguration.Drop);
                    }
                }

                if (http)
                {
                    metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(options => options.Endpoint = otlp);
                }
            });
        }

        if (TracingEnabled(configuration))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application").AddNpgsql();
                if (http)
                {
                    tracing.AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"));
                }

                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(options => options.Endpoint = otlp);
                }
            });
        }

        return services;
    }

    /// <summary><c>GET /metrics</c>: Prometheus text, open like the health endpoints (serve it on an internal network).</summary>
    public static WebApplication MapAfterSalesMetrics(this WebApplication app)
    {
        if (MetricsEnabled(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }

    private static Uri? OtlpEndpoint(IConfiguration configuration)
    {
        if ((configuration[$"{SectionName}:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is not { Length: > 0 } endpoint)
        {
            return null;
        }

        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"Invalid configuration: {SectionName}:OtlpEndpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) must be an absolute http(s) URL; it is '{endpoint}'.");
    }
}
