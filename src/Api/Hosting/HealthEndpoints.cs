using System.Text.Json;
using AfterSales.Interfaces.Cluster;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AfterSales.Api.Hosting;

public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddAfterSalesHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresReachable>("postgres", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<ClusterAnswers>("cluster", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));
        return services;
    }

    /// <summary><c>/health/live</c>: the process serves HTTP. <c>/health/ready</c>: PostgreSQL and a grain call answer.</summary>
    public static IEndpointRouteBuilder MapAfterSalesHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteJson })
            .WithTags("Health");
        return app;
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    private sealed class PostgresReachable(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy("PostgreSQL answered");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL unreachable: {ex.Message}");
            }
        }
    }

    private sealed class ClusterAnswers(IClusterClient client) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var reply = await client.Grain<IClusterProbeGrain>(0).PingAsync().WaitAsync(cancellationToken);
                return HealthCheckResult.Healthy($"silo {reply.Silo} answered");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return HealthCheckResult.Unhealthy($"no grain call answered: {ex.Message}");
            }
        }
    }
}
