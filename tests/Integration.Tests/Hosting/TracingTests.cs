using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Hosting;

/// <summary>
/// Issue 19, item 1: with tracing on, one trace runs from the HTTP request through the grain call (the trace context
/// travels with it, client to silo) to the database command the grain runs.
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task OneTrace_FromTheHttpRequest_ThroughTheGrainCall_ToTheDatabase()
    {
        var recorded = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = recorded.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var database = await TestDatabase.CreateAsync("tracing");
        var clusterId = $"trace-{Guid.NewGuid():N}"[..20];
        await using var silo = await SiloHost.StartAsync(database, clusterId, extraSettings: new Dictionary<string, string?> { ["Telemetry:Tracing"] = "true" });
        await using var api = new ApiFactory(database, clusterId, settings: new Dictionary<string, string> { ["Telemetry:Tracing"] = "true" });
        using var operatorClient = api.CreateClient(Roles.Operator);
        var vin = await TestFleet.DeliveredVehicleAsync(operatorClient);

        // A call-centre read of the owner: the API records it through a grain, which inserts a row.
        using var desk = api.CreateClient(Roles.CallCentre);
        using var read = await desk.GetAsync($"/api/vehicles/{vin}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        bool IsTheRequest(Activity a) => a.Kind == ActivityKind.Server && a.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && a.GetTagItem("url.path") as string == $"/api/vehicles/{vin}" || a.DisplayName.Contains($"/api/vehicles/{vin}", StringComparison.Ordinal) && a.Kind == ActivityKind.Server;

        // The server's activity stops after the response has gone out: the client may have it first.
        await Eventually.UntilAsync(() => Task.FromResult(recorded.Count(IsTheRequest)), count => count > 0, TimeSpan.FromSeconds(10), "the request's activity to stop");
        var request = Assert.Single(recorded, IsTheRequest);
        var trace = recorded.Where(a => a.TraceId == request.TraceId).ToList();
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.Kind == ActivityKind.Client);
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.Kind == ActivityKind.Server);
        var insert = Assert.Single(trace, a => a.Source.Name == "Npgsql" && (a.GetTagItem("db.query.text") ?? a.GetTagItem("db.statement") ?? a.DisplayName)?.ToString()?.Contains("personal_data_reads", StringComparison.Ordinal) == true);
        Assert.Equal(ActivityKind.Client, insert.Kind);
    }
}
