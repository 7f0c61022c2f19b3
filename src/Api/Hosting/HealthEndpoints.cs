using System.Text.Json;
using AfterSales.Interfaces.Cluster;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AfterSales.Api.Hosting;

public static partial class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddAfterSalesHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<ReadinessCache>();
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
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    checkedAt = entry.Value.Data.TryGetValue(ReadinessCache.CheckedAt, out var at) ? at : null,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    /// <summary>
    /// Each readiness answer is kept for a second: a load balancer or a flood polling <c>/health/ready</c> costs the
    /// database and the cluster at most one check per second per host. The answer names what failed, never the
    /// exception's text (which may carry host names or connection details); the exception is logged.
    /// </summary>
    private sealed class ReadinessCache(TimeProvider time)
    {
        public const string CheckedAt = "checkedAt";

        private static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(1);

        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset At, Task<HealthCheckResult> Result)> _answers = new();

        public Task<HealthCheckResult> GetAsync(string check, Func<CancellationToken, Task<HealthCheckResult>> run, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            if (_answers.TryGetValue(check, out var kept) && now - kept.At < KeptFor)
            {
                return kept.Result;
            }

            // Its own time budget, not the first caller's token: a caller that hangs up must not fail the answer shared with others.
            var fresh = RunAsync(run, now, CancellationToken.None);
            _answers[check] = (now, fresh);
            return fresh;
        }

        private static async Task<HealthCheckResult> RunAsync(Func<CancellationToken, Task<HealthCheckResult>> run, DateTimeOffset at, CancellationToken cancellationToken)
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(TimeSpan.FromSeconds(3));
            var result = await run(budget.Token);
            var data = new Dictionary<string, object>(result.Data) { [CheckedAt] = at };
            return new HealthCheckResult(result.Status, result.Description, null, data);
        }
    }

    private sealed class PostgresReachable(NpgsqlDataSource dataSource, ReadinessCache cache, ILogger<PostgresReachable> logger) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            cache.GetAsync("postgres", async token =>
            {
                try
                {
                    await using var command = dataSource.CreateCommand("SELECT 1");
                    await command.ExecuteScalarAsync(token);
                    return HealthCheckResult.Healthy("PostgreSQL answered");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogUnready(logger, ex, "PostgreSQL");
                    return HealthCheckResult.Unhealthy("PostgreSQL did not answer");
                }
            }, cancellationToken);
    }

    private sealed class ClusterAnswers(IClusterClient client, ReadinessCache cache, ILogger<ClusterAnswers> logger) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            cache.GetAsync("cluster", async token =>
            {
                try
                {
                    var reply = await client.Grain<IClusterProbeGrain>(0).PingAsync().WaitAsync(token);
                    return HealthCheckResult.Healthy($"silo {reply.Silo} answered");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogUnready(logger, ex, "the cluster");
                    return HealthCheckResult.Unhealthy("No grain call answered");
                }
            }, cancellationToken);
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Readiness: {What} did not answer")]
    private static partial void LogUnready(ILogger logger, Exception exception, string what);
}
