using System.Diagnostics;
using System.Globalization;
using System.Net;
using AfterSales.Domain.Geo;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Stations;

/// <summary>
/// A generated network of 5,000 stations over central and eastern China (lat 25–40, lon 100–120), some suspended,
/// some full: nearby answers and roll-ups must equal a brute-force computation over the same data.
/// </summary>
[Collection(StationsCollection.Name)]
public sealed class NearbyAndRollupTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private sealed record Generated(string Code, string Province, double Latitude, double Longitude, int Bays, bool Suspended, int Open)
    {
        public bool Available => !Suspended && Open < Bays;
    }

    [Fact]
    [Trait("Category", "Slow")] // about ten seconds of brute-force or outage work: left out of ./test.sh --fast
    public async Task Nearby_Over5000Stations_EqualsBruteForce_NearestFirst_AndRollupsEqualTheirSums()
    {
        var cluster = fixture.Api.Services.GetRequiredService<IClusterClient>();
        var before = await cluster.GetGrain<INetworkGrain>("national").GetSummaryAsync();
        var token = Token();
        var random = new Random(20260601);
        var stations = Enumerable.Range(0, 5000).Select(i => new Generated(
            $"N{token}-{i}",
            $"NP{token}-{i % 12}",
            25 + (random.NextDouble() * 15),
            100 + (random.NextDouble() * 20),
            1 + random.Next(3),
            Suspended: random.NextDouble() < 0.1,
            Open: 0)).ToList();

        // Register through the grains, bounded concurrency.
        await Parallel.ForEachAsync(stations, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, _) =>
        {
            var grain = cluster.GetGrain<IServiceStationGrain>(s.Code);
            var registered = await grain.RegisterAsync(new StationRegistration($"Station {s.Code}", s.Province, "City", s.Latitude, s.Longitude, s.Bays, ["Wang"]), null);
            Assert.True(registered.Succeeded, registered.Refusal?.Detail);
            if (s.Suspended)
            {
                Assert.True((await grain.SetAuthorisationAsync(StationAuthorisation.Suspended, "audit", null)).Succeeded);
            }
        });

        // Fill every 10th active station's bays with work orders (one delivered vehicle per order).
        for (var i = 0; i < stations.Count; i += 10)
        {
            stations[i] = stations[i] with { Open = stations[i].Suspended ? 0 : stations[i].Bays };
        }

        var orders = stations.SelectMany(s => Enumerable.Repeat(s.Code, s.Open)).ToList();
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (code, _) =>
        {
            var vin = TestVins.Next();
            var imported = await cluster.GetGrain<IVehicleGrain>(vin).ImportAsync(new VehicleImport(
                new RegisterVehicle(vin, "S7", "B1", new DateOnly(2026, 1, 1), Powertrain.Ice, 100_000m),
                new DeliverVehicle("Owner", "1", "D", new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), 5),
                null,
                []), null);
            Assert.True(imported.Succeeded, imported.Refusal?.Detail);
            var opened = await cluster.GetGrain<IServiceStationGrain>(code).OpenWorkOrderAsync(
                new OpenWorkOrder(vin, 100, VisitKind.Maintenance, null, VehicleSystem.Other, null, null, WorkGrade.Minor), null);
            Assert.True(opened.Succeeded, opened.Refusal?.Detail);
        });
        Assert.Contains(stations, s => s.Open > 0);

        // Nearby over HTTP against brute force, with and without the availability filter.
        var queries = Enumerable.Range(0, 40).Select(_ => (Lat: 28 + (random.NextDouble() * 9), Lon: 103 + (random.NextDouble() * 14), Radius: 20 + (random.NextDouble() * 280))).ToList();
        var checkedResults = 0;
        foreach (var (lat, lon, radius) in queries)
        {
            foreach (var available in new[] { true, false })
            {
                var url = string.Create(CultureInfo.InvariantCulture, $"/api/stations/nearby?latitude={lat}&longitude={lon}&radiusKm={radius}&available={available.ToString().ToLowerInvariant()}&limit=1000");
                var body = await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, url));
                var center = new GeoPoint(lat, lon);
                var expected = stations
                    .Select(s => (s.Code, s.Available, Km: GreatCircle.DistanceKm(center, new GeoPoint(s.Latitude, s.Longitude))))
                    .Where(s => s.Km <= radius && (!available || s.Available))
                    .OrderBy(s => s.Km).ThenBy(s => s.Code, StringComparer.Ordinal)
                    .Take(1000)
                    .ToList();
                var actual = body.EnumerateArray().ToList();
                Assert.Equal(expected.Select(e => e.Code), actual.Select(a => a.GetProperty("code").GetString()));
                Assert.Equal(expected.Select(e => Math.Round(e.Km, 6)), actual.Select(a => Math.Round(a.GetProperty("distanceKm").GetDouble(), 6)));
                Assert.All(actual, a => Assert.True(!available || a.GetProperty("available").GetBoolean()));
                checkedResults += actual.Count;
            }
        }

        Assert.True(checkedResults > 1000, $"only {checkedResults} results were compared");

        // Roll-ups: each province and the national delta equal the sums over the generated stations.
        foreach (var province in stations.GroupBy(s => s.Province))
        {
            var rollup = await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, $"/api/network/provinces/{province.Key}"));
            Assert.Equal(province.Count(), rollup.GetProperty("stations").GetInt32());
            Assert.Equal(province.Count(s => !s.Suspended), rollup.GetProperty("activeStations").GetInt32());
            Assert.Equal(province.Count(s => s.Available), rollup.GetProperty("availableStations").GetInt32());
            Assert.Equal(province.Sum(s => s.Bays), rollup.GetProperty("bays").GetInt32());
            Assert.Equal(province.Sum(s => s.Open), rollup.GetProperty("openWorkOrders").GetInt32());
            Assert.Equal(Math.Round((double)province.Sum(s => s.Open) / province.Sum(s => s.Bays), 4), rollup.GetProperty("utilisation").GetDouble());
        }

        var national = await ExpectAsync(HttpStatusCode.OK, GetAsync(fixture.Http, "/api/network/summary"));
        Assert.Equal(before.Stations + stations.Count, national.GetProperty("stations").GetInt32());
        Assert.Equal(before.Bays + stations.Sum(s => s.Bays), national.GetProperty("bays").GetInt32());
        Assert.Equal(before.OpenWorkOrders + stations.Sum(s => s.Open), national.GetProperty("openWorkOrders").GetInt32());
        Assert.Equal(before.AvailableStations + stations.Count(s => s.Available), national.GetProperty("availableStations").GetInt32());

        await RecordLatencyAsync(cluster, random);
    }

    /// <summary>p50/p99 of 1,000 nearby queries (100 km, available only), through HTTP and straight to the grain.</summary>
    private async Task RecordLatencyAsync(IClusterClient cluster, Random random)
    {
        var http = new List<double>();
        var grain = new List<double>();
        for (var i = 0; i < 1100; i++)
        {
            var (lat, lon) = (28 + (random.NextDouble() * 9), 103 + (random.NextDouble() * 14));
            var url = string.Create(CultureInfo.InvariantCulture, $"/api/stations/nearby?latitude={lat}&longitude={lon}&radiusKm=100&available=true");
            var watch = Stopwatch.StartNew();
            using (var response = await fixture.Http.GetAsync(url))
            {
                await response.Content.ReadAsByteArrayAsync();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var httpMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var outcome = await cluster.GetGrain<INearbyStationsGrain>(0).FindAsync(new NearbyQuery(lat, lon, 100, true, 50));
            var grainMs = watch.Elapsed.TotalMilliseconds;
            Assert.True(outcome.Succeeded);
            if (i >= 100)
            {
                http.Add(httpMs);
                grain.Add(grainMs);
            }
        }

        string Line(string what, List<double> ms)
        {
            ms.Sort();
            return string.Create(CultureInfo.InvariantCulture, $"nearby latency over 5,000 stations, {what}: p50 {ms[ms.Count / 2]:F2} ms, p99 {ms[(int)(ms.Count * 0.99)]:F2} ms ({ms.Count} queries after 100 warm-up)");
        }

        output.WriteLine(Line("HTTP (in-memory test server → Orleans client → silo)", http));
        output.WriteLine(Line("cluster client → coordinator grain", grain));
    }
}
