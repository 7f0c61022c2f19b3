using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>Many writers on one vehicle or one depot at once: each change applied exactly once, in one consistent order.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConcurrencyTests(ClusterFixture fixture)
{
    private const int Writers = 300;

    [Fact]
    public async Task HundredsOfParallelVisitsOnOneVehicle_AreEachRecordedExactlyOnce()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var visits = Enumerable.Range(0, Writers).Select(i => new
        {
            visitId = $"wo-{i:D4}",
            stationCode = $"S{i % 7:D3}",
            kind = "maintenance",
            agreedAt = ClusterFixture.Start.AddDays(-3).AddMinutes(i),
            completedAt = ClusterFixture.Start.AddDays(-3).AddMinutes(i + 30),
            mileageKm = 100,
        }).ToList();

        // Every visit is sent twice at once under the same Idempotency-Key: a client retrying in parallel. The
        // one grain works through 600 requests in turn, so a caller may time out (503, nothing acknowledged)
        // and retry with its key, as any client would.
        var responses = await Task.WhenAll(visits.SelectMany(v => new[] { v, v }).Select(async v =>
        {
            var status = HttpStatusCode.ServiceUnavailable;
            for (var attempt = 0; attempt < 5 && status == HttpStatusCode.ServiceUnavailable; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/visits") { Content = JsonContent.Create(v) };
                request.Headers.Add("Idempotency-Key", "k-" + v.visitId);
                using var response = await fixture.Http.SendAsync(request);
                status = response.StatusCode;
            }

            return status;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.OK, status));
        using var history = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/vehicles/{vin}/history?limit=500"));
        var recorded = history.RootElement.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("visit").GetProperty("visitId").GetString()).ToList();
        Assert.Equal(visits.Select(v => v.visitId).Order(), recorded.Order());
        Assert.Equal(recorded.Count, recorded.Distinct().Count());
    }

    [Fact]
    public async Task HundredsOfParallelOdometerReadings_EndAtTheHighestAccepted_AndNoAcceptedReadingIsLost()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        // 10 to 1,505 km: within the 2,000 km a day any reading may be ahead of another, so only order decides.
        var readings = Enumerable.Range(1, Writers).Select(i => 5 + i * 5).OrderBy(_ => Random.Shared.Next()).ToList();

        var outcomes = await Task.WhenAll(readings.Select(async km =>
        {
            using var response = await fixture.Http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer",
                new { readingKm = km, readAt = ClusterFixture.Start.AddMinutes(-Writers - 1).AddMinutes(km / 5) });
            var body = await response.Content.ReadAsStringAsync();
            return (km, response.StatusCode, body);
        }));

        // The grain serialises the writers: a reading is either applied (200, the odometer is at least that
        // high afterwards) or refused as going backwards/earlier (409, nothing changed). Nothing else.
        Assert.All(outcomes, o => Assert.True(o.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{o.km}: {o.StatusCode} {o.body}"));
        var accepted = outcomes.Where(o => o.StatusCode == HttpStatusCode.OK).Select(o => o.km).ToList();
        using var vehicle = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/vehicles/{vin}"));
        Assert.NotEmpty(accepted);
        Assert.Equal(accepted.Max(), vehicle.RootElement.GetProperty("odometerKm").GetInt32());
        // One consistent order: every answer shows a state that existed in it. An accepted reading is the odometer
        // right after it; a refusal names the odometer it met, which must be a reading accepted before it (or the
        // delivery's 5 km): above the refused one, or below it but read later.
        foreach (var (km, _, body) in outcomes.Where(o => o.StatusCode == HttpStatusCode.OK))
        {
            Assert.Equal(km, JsonDocument.Parse(body).RootElement.GetProperty("odometerKm").GetInt32());
        }

        var held = accepted.Append(5).ToHashSet();
        foreach (var refused in outcomes.Where(o => o.StatusCode == HttpStatusCode.Conflict))
        {
            var met = System.Text.RegularExpressions.Regex.Match(refused.body, "(below the recorded|cannot exceed the later reading of) (\\d+) km");
            Assert.True(met.Success, refused.body);
            var odometer = int.Parse(met.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(odometer, held);
            Assert.True(met.Groups[1].Value.StartsWith("below", StringComparison.Ordinal) ? odometer > refused.km : odometer < refused.km, refused.body);
        }
    }

    [Fact]
    public async Task HundredsOfParallelReceiptsAndReservationsOnOneDepot_AreEachAppliedExactlyOnce()
    {
        var depot = "D-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var part = "P-CONC";
        using (var created = await fixture.Http.PutAsJsonAsync($"/api/depots/{depot}", new { name = "Concurrency depot", province = "Shaanxi", latitude = 34.3, longitude = 108.9 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Reservations are for real work orders, whose priority the depot takes: one with an approved warranty claim.
        var station = await Stations.Api.StationAsync(fixture.Http, "Shaanxi", 34.3, 108.9);
        var vin = await TestFleet.DeliveredVehicleAsync(fixture.Http);
        var plain = await Stations.Api.OpenAsync(fixture.Http, station, vin, 900);
        var warrantyRepair = await Stations.Api.OpenAsync(fixture.Http, station, vin, 900);
        await Stations.Api.MoveAsync(fixture.Http, station, warrantyRepair, "start");
        await Stations.Api.ExpectAsync(HttpStatusCode.OK,
            Stations.Api.PostAsync(fixture.Http, $"/api/stations/{station}/work-orders/{warrantyRepair}/appraisal", Stations.Api.Appraisal()));

        // Half the writers bring stock in, half reserve it; each request is sent twice at once under one key.
        var operations = Enumerable.Range(0, Writers).Select(i => (Key: $"op-{i:D3}", Receipt: i % 2 == 0, Quantity: 1 + (i % 3), Warranty: i % 5 == 0)).ToList();
        await SendAsync(operations[0].Key, $"/api/depots/{depot}/receipts", new { lines = new[] { new { partNo = part, quantity = operations[0].Quantity } } });
        var results = await Task.WhenAll(operations.Skip(1).SelectMany(o => new[] { o, o }).Select(async o => (o, await (o.Receipt
            ? SendAsync(o.Key, $"/api/depots/{depot}/receipts", new { lines = new[] { new { partNo = part, quantity = o.Quantity } } })
            : SendAsync(o.Key, $"/api/depots/{depot}/reservations", new { partNo = part, quantity = o.Quantity, stationCode = station, workOrderId = o.Warranty ? warrantyRepair : plain, warranty = o.Warranty, urgent = false })))));

        Assert.All(results, r => Assert.True(r.Item2.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"{r.o.Key}: {r.Item2.Status}"));
        // The two copies of each request got the same answer (the same reservation id).
        foreach (var pair in results.Where(r => !r.o.Receipt).GroupBy(r => r.o.Key))
        {
            Assert.Single(pair.Select(r => r.Item2.Body.GetProperty("id").GetString()).Distinct());
        }

        // Brute force: on hand is every receipt once; every reservation exists once, allocated or queued.
        using var stock = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/depots/{depot}/stock/{part}"));
        var s = stock.RootElement;
        var received = operations.Where(o => o.Receipt).Sum(o => o.Quantity);
        var reservations = operations.Where(o => !o.Receipt).ToList();
        Assert.Equal(received, s.GetProperty("onHand").GetInt32());
        Assert.Equal(reservations.Sum(o => o.Quantity), s.GetProperty("reserved").GetInt32() + s.GetProperty("queued").GetInt32());
        Assert.Equal(received - s.GetProperty("reserved").GetInt32(), s.GetProperty("available").GetInt32());
        using var view = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/depots/{depot}"));
        Assert.Equal(reservations.Count, view.RootElement.GetProperty("openReservations").GetInt32());

        // One consistent order: the depot serves its queue in priority order (warranty first) while the head fits, so
        // the stock left over is less than the head of the queue needs; and every reservation is allocated or queued.
        var ids = results.Where(r => !r.o.Receipt).Select(r => r.Item2.Body.GetProperty("id").GetString()!).Distinct().ToList();
        var states = await Task.WhenAll(ids.Select(async id =>
        {
            using var reservation = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/depots/{depot}/reservations/{id}"));
            var r = reservation.RootElement;
            return (State: r.GetProperty("state").GetString(), Warranty: r.GetProperty("warranty").GetBoolean(), Quantity: r.GetProperty("quantity").GetInt32());
        }));
        Assert.All(states, r => Assert.Contains(r.State, new[] { "allocated", "queued" }));
        Assert.Equal(s.GetProperty("reserved").GetInt32(), states.Where(r => r.State == "allocated").Sum(r => r.Quantity));
        var queued = states.Where(r => r.State == "queued").ToList();
        if (queued.Count > 0)
        {
            var first = queued.Any(r => r.Warranty) ? queued.Where(r => r.Warranty).ToList() : queued;
            Assert.True(s.GetProperty("available").GetInt32() < first.Max(r => r.Quantity), "stock left over while the head of the queue fits");
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string key, string url, object body)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        var text = "";
        for (var attempt = 0; attempt < 5 && status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await fixture.Http.SendAsync(request);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync();
        }

        return (status, JsonDocument.Parse(text).RootElement.Clone());
    }
}
