using System.Net;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>The complaint tests move the business clock, so they get a cluster of their own.</summary>
[CollectionDefinition(Name)]
public sealed class ComplaintsCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "complaints";
}

/// <summary>HTTP helpers for the complaint tests.</summary>
internal static class Complaints
{
    private const double KmPerDegreeLatitude = 6371.0088 * Math.PI / 180;
    private static int s_areas;

    /// <summary>
    /// A point of its own for each test (32 of them), ≥ 620 km from every other test's and ≥ 1,100 km north or south,
    /// so the nearest station is always one the test registered itself.
    /// </summary>
    public static (double Latitude, double Longitude) NewArea()
    {
        var n = Interlocked.Increment(ref s_areas) - 1;
        return (15 + (n / 8 % 4) * 10, 76 + (n % 8) * 8);
    }

    /// <summary>A point <paramref name="km"/> due north of (<paramref name="latitude"/>, <paramref name="longitude"/>).</summary>
    public static (double Latitude, double Longitude) North(double latitude, double longitude, double km) => (latitude + km / KmPerDegreeLatitude, longitude);

    public static string Body(double latitude, double longitude, string severity = "general", string category = "productQuality", bool supplierNeeded = false) =>
        JsonSerializer.Serialize(new
        {
            customerName = "Li Lei",
            customerPhone = "13800000000",
            vin = "LSVAU218XN2183294",
            category,
            severity,
            latitude,
            longitude,
            description = "Engine warning light stays on after the repair.",
            channel = "callCentre",
            supplierNeeded,
        });

    public static async Task<JsonElement> RegisterAsync(HttpClient http, double latitude, double longitude, string severity = "general", bool supplierNeeded = false) =>
        await ExpectAsync(HttpStatusCode.Created, PostAsync(http, "/api/complaints", Body(latitude, longitude, severity, supplierNeeded: supplierNeeded)));

    public static Task<JsonElement> StepAsync(HttpClient http, string id, string step, string? json = null) =>
        ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/complaints/{id}/{step}", json));

    public static Task<JsonElement> CardAsync(HttpClient http, string id) => ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/complaints/{id}"));

    public static string Plan(string handling = "station", bool systemic = false) =>
        JsonSerializer.Serialize(new { handling, systemic, note = "Replace the sensor harness." });

    public static string Callback(bool resolved, int satisfaction) => JsonSerializer.Serialize(new { resolved, satisfaction, note = "Called the owner back." });

    public static string Reply(DateTimeOffset agreedAt) => JsonSerializer.Serialize(new { agreedAt, note = "Technician comes with the supplier." });

    public static string[] Breaches(JsonElement card) =>
        [.. card.GetProperty("sla").GetProperty("breaches").EnumerateArray().Select(b => b.GetProperty("clock").GetString()!)];

    /// <summary>
    /// Awaits the silo's log of the complaint's <paramref name="count"/>-th breach (recorded by the grain's own timer
    /// or reminder, after it is durable), then reads the card: that read queues behind the turn that recorded the
    /// breach, so the card and the roll-ups it reports to already show it.
    /// </summary>
    public static async Task<JsonElement> AwaitBreachesAsync(LogSignals logs, HttpClient http, string id, int count)
    {
        await logs.WaitForAsync(BreachOf(id), count, TimeSpan.FromSeconds(30), $"breach {count} of complaint {id}");
        return await CardAsync(http, id);
    }

    public static Func<LogEvent, bool> BreachOf(string id) =>
        e => e.EventId == AfterSales.Grains.Complaints.ComplaintGrain.BreachEventId && e.Message.StartsWith($"Complaint {id}:", StringComparison.Ordinal);

    public static async Task<CounterTotals> CountersAsync(ClusterFixture fixture, string scope) =>
        await fixture.Api.Services.GetRequiredService<IClusterClient>().GetGrain<ICounterRollupGrain>(scope).GetCountersAsync();

    public static HttpClient StationClient(ClusterFixture fixture, string station) => fixture.Api.CreateClient(Roles.Station, station);

    public static HttpClient CallCentreClient(ClusterFixture fixture) => fixture.Api.CreateClient(Roles.CallCentre);
}
