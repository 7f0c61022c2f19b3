using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reports;

/// <summary>
/// GET /api/reports/quality/{yyyy-MM}: failures by model, component and fault, and repeat-fault signals per batch,
/// checked against a brute-force count over the repairs the test generated (retries included).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QualityReportTests(ClusterFixture fixture)
{
    private static readonly string[] Systems = ["brakes", "engine", "electrical"];

    [Fact]
    public async Task MonthlyReport_MatchesABruteForceCount_AndSignalsBatchesWithTheSameFaultOnThreeVehicles()
    {
        var tag = Token();
        var random = new Random(11);
        var http = fixture.Http;
        var (modelA, modelB) = ($"QA-{tag}", $"QB-{tag}");
        var (batchA, batchB) = ($"{tag}-QBA", $"{tag}-QBB");
        var faults = new[] { $"F1-{tag}", $"F2-{tag}", $"F3-{tag}" };
        var before = await ReportAsync("2026-04");

        var vehicles = new List<(string Vin, string Model, string Batch)>();
        for (var i = 0; i < 8; i++)
        {
            var (model, batch) = i < 5 ? (modelA, batchA) : (modelB, batchB);
            vehicles.Add((await TestFleet.DeliveredVehicleAsync(http, new DateOnly(2026, 3, 1), model, batch), model, batch));
        }

        // Repairs in April (counted) and in May (another month): random vehicle, fault, component and day.
        var april = new List<(string Model, string Batch, string Vin, string System, string Fault)>();
        var all = new List<(string Batch, string Vin, string Fault, int Month)>();
        for (var i = 0; i < 40; i++)
        {
            var (vin, model, batch) = vehicles[random.Next(vehicles.Count)];
            var (system, fault) = (Systems[random.Next(Systems.Length)], faults[random.Next(faults.Length)]);
            var inApril = random.Next(4) > 0;
            var day = new DateTimeOffset(2026, inApril ? 4 : 5, 1 + random.Next(28), 9, 0, 0, TimeSpan.FromHours(8));
            var visit = JsonSerializer.Serialize(new
            {
                visitId = $"QV-{tag}-{i}", stationCode = "S-Q", kind = "repair", agreedAt = day, completedAt = day.AddHours(3),
                mileageKm = 2_000 + i, faultCode = fault, system, workGrade = "minor", warranty = true,
            });
            await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/vehicles/{vin}/visits", visit));
            if (random.Next(5) == 0)
            {
                // A retried append of the same visit counts nothing twice.
                await ExpectAsync(HttpStatusCode.OK, PostAsync(http, $"/api/vehicles/{vin}/visits", visit));
            }

            all.Add((batch, vin, fault, day.Month));
            if (inApril)
            {
                april.Add((model, batch, vin, system, fault));
            }
        }

        var report = await ReportAsync("2026-04");
        Assert.Equal("2026-04", report.GetProperty("month").GetString());
        Assert.Equal(Count(before, "repairs") + april.Count, report.GetProperty("repairs").GetInt64());
        foreach (var model in new[] { modelA, modelB })
        {
            Assert.Equal(april.Count(r => r.Model == model), Named(report, "byModel", model));
        }

        foreach (var fault in faults)
        {
            Assert.Equal(april.Count(r => r.Fault == fault), Named(report, "byFault", fault));
        }

        foreach (var system in Systems)
        {
            Assert.Equal(Named(before, "byComponent", system) + april.Count(r => r.System == system), Named(report, "byComponent", system));
        }

        var failures = report.GetProperty("failures").EnumerateArray()
            .Where(f => f.GetProperty("model").GetString()!.EndsWith(tag, StringComparison.Ordinal))
            .ToDictionary(f => (f.GetProperty("model").GetString(), f.GetProperty("component").GetString(), f.GetProperty("faultCode").GetString()),
                f => f.GetProperty("repairs").GetInt64());
        var expectedFailures = april.GroupBy(r => (r.Model, r.System, r.Fault)).ToDictionary(g => ((string?)g.Key.Model, (string?)g.Key.System, (string?)g.Key.Fault), g => (long)g.Count());
        Assert.Equal(expectedFailures.OrderBy(e => e.Key.ToString()), failures.OrderBy(e => e.Key.ToString()));

        // Signals (default policy: 3 vehicles of a batch, 90 days), brute force: a month's signal is taken as of the
        // fault's latest repair in that month, so May's repairs never count in April's, whatever order they came in.
        var signals = report.GetProperty("repeatFaultSignals").EnumerateArray()
            .Where(s => s.GetProperty("batch").GetString()!.StartsWith(tag, StringComparison.Ordinal))
            .ToDictionary(s => (s.GetProperty("batch").GetString()!, s.GetProperty("faultCode").GetString()!), s => s.GetProperty("vehicles").GetInt64());
        var expectedSignals = april.GroupBy(r => (r.Batch, r.Fault))
            .Select(g => (g.Key, Vehicles: g.Select(r => r.Vin).Distinct().Count()))
            .Where(g => g.Vehicles >= 3)
            .ToDictionary(g => g.Key, g => (long)g.Vehicles);
        Assert.NotEmpty(expectedSignals);
        Assert.Equal(expectedSignals.OrderBy(e => e.Key), signals.OrderBy(e => e.Key));
        Assert.Contains(all, r => r.Month == 5 && expectedSignals.ContainsKey((r.Batch, r.Fault)));
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-4")]
    [InlineData("april")]
    public async Task ABadMonth_Is400NamingIt(string month)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(fixture.Http, $"/api/reports/quality/{month}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("month", out _));
    }

    private async Task<JsonElement> ReportAsync(string month) => await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, $"/api/reports/quality/{month}"));

    private static long Count(JsonElement report, string property) => report.GetProperty(property).GetInt64();

    private static long Named(JsonElement report, string list, string name) =>
        report.GetProperty(list).EnumerateArray().Where(e => e.GetProperty("name").GetString() == name).Sum(e => e.GetProperty("repairs").GetInt64());
}
