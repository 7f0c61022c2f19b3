using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// Idempotency keys are kept for the policy's window (24 h) whatever their number: as rows written with the change
/// they produced (grain_rows), not a list in the grain's document that forgets its oldest entries. The old lists held
/// 10 keys per vehicle and 500 per depot; a retry after more than that used to apply twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class IdempotencyKeyTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task AnOwnershipTransfer_RetriedAfterMoreKeyedRequestsThanTheOldList_IsReplayed_NotAppliedTwice()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 1));
        const string transfer = """{"ownerName":"Zhao Min","ownerPhone":"13700000000","transferDate":"2026-05-20"}""";
        var first = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/vehicles/{vin}/ownership", transfer, "transfer-1"));
        for (var i = 1; i <= 12; i++)
        {
            await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/vehicles/{vin}/odometer",
                $$"""{"readingKm":{{100 + i}},"readAt":"{{fixture.Clock.GetUtcNow().AddMinutes(-60 + i):O}}"}""", $"reading-{i}"));
        }

        var retried = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/vehicles/{vin}/ownership", transfer, "transfer-1"));

        Assert.Equal(first.GetProperty("previousOwners").GetInt32(), retried.GetProperty("previousOwners").GetInt32());
        var now = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"));
        Assert.Equal(1, now.GetProperty("previousOwners").GetInt32());
        Assert.Equal(112, now.GetProperty("odometerKm").GetInt32());

        // The same key with another body is a conflict, however old the key.
        var reused = await ExpectAsync(HttpStatusCode.Conflict, SendKeyedAsync($"/api/vehicles/{vin}/ownership",
            """{"ownerName":"Qian Li","ownerPhone":"13600000000","transferDate":"2026-05-21"}""", "transfer-1"));
        Assert.Contains("transfer-1", reused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Thirteen keys as rows of their own; the document holds none.
        Assert.Equal(13L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'vehicle' AND grain_key = @vin AND kind = 'key'", ("vin", vin)));
        Assert.False(await TestDatabase.ScalarAsync<bool>(fixture.ConnectionString,
            "SELECT payload ? 'requests' OR payload ? 'newRows' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
    }

    [Fact]
    public async Task AStockReceipt_RetriedAfterSixHundredOtherReceipts_IsCountedOnce()
    {
        var depot = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province = "Keys" + Token(), latitude = 30.5, longitude = 114.3 })));
        const string receipt = """{"lines":[{"partNo":"P-KEY","quantity":7}]}""";
        await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/depots/{depot}/receipts", receipt, "receipt-first"));
        for (var i = 0; i < 600; i++)
        {
            await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/depots/{depot}/receipts", """{"lines":[{"partNo":"P-KEY","quantity":1}]}""", $"receipt-{i}"));
        }

        await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/depots/{depot}/receipts", receipt, "receipt-first"));

        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}"));
        var stock = view.GetProperty("stock").EnumerateArray().Single(p => p.GetProperty("partNo").GetString() == "P-KEY");
        Assert.Equal(607, stock.GetProperty("onHand").GetInt32());
    }

    /// <summary>
    /// A month's parts plan used to keep every key in its document (one more with each keyed submission, never fewer):
    /// now they are rows too, and a retry after a hundred other submissions still answers the first reply.
    /// </summary>
    [Fact]
    public async Task APartsPlan_RetriedAfterAHundredOtherKeyedSubmissions_IsReplayed_NotAppliedAgain()
    {
        const string month = "2030-01";
        var station = await StationAsync(Http, "Plans" + Token(), 30.6, 114.3);
        var part = "P-" + Token();
        var url = $"/api/stations/{station}/parts-plans/{month}";
        string Plan(int quantity) => JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity } } });
        var first = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(url, Plan(5), "plan-first", HttpMethod.Put));
        for (var i = 1; i <= 100; i++)
        {
            await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(url, Plan(100 + i), $"plan-{i}", HttpMethod.Put));
        }

        // The first reply again (its 5 units), and the plan stays the last one submitted (200 units).
        var retried = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(url, Plan(5), "plan-first", HttpMethod.Put));
        Assert.Equal(first.GetRawText(), retried.GetRawText());
        Assert.Equal(5, retried.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{month}"));
        Assert.Equal(200, list.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("partNo").GetString() == part).GetProperty("total").GetInt32());

        // The same key with another plan is a conflict, however many keys came since.
        var reused = await ExpectAsync(HttpStatusCode.Conflict, SendKeyedAsync(url, Plan(6), "plan-first", HttpMethod.Put));
        Assert.Contains("plan-first", reused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(101L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'partsPlan' AND grain_key = @month AND kind = 'key'", ("month", month)));
        Assert.False(await TestDatabase.ScalarAsync<bool>(fixture.ConnectionString,
            "SELECT payload ? 'keys' OR payload ? 'newRows' FROM grain_state WHERE state_name = 'partsPlan' AND grain_key = @month", ("month", month)));
    }

    /// <summary>The catalogue's keys are rows as well (its document used to carry a day of them).</summary>
    [Fact]
    public async Task ACatalogueVersion_RetriedWithItsKey_IsReplayed_AndTheKeyIsARow_NotPartOfTheDocument()
    {
        var url = $"/api/catalogue/versions/{TestCatalogue.EffectiveFrom}";
        var document = JsonSerializer.Serialize(TestCatalogue.Document);
        var key = "catalogue-" + Token();
        // Created, or OK when another test loaded the same version first.
        var (status, first) = await SendKeyedAsync(url, document, key, HttpMethod.Put);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"{status}: {first}");
        var revision = await CatalogueRevisionAsync();

        var retried = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(url, document, key, HttpMethod.Put));

        Assert.Equal(first.GetRawText(), retried.GetRawText());
        Assert.Equal(revision, await CatalogueRevisionAsync());
        await ExpectAsync(HttpStatusCode.Conflict, SendKeyedAsync(url, document.Replace("Crankshaft", "Crank shaft", StringComparison.Ordinal), key, HttpMethod.Put));
        Assert.Equal(revision, await CatalogueRevisionAsync());
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'partsCatalogue' AND kind = 'key' AND row_key = @key", ("key", key)));
        Assert.False(await TestDatabase.ScalarAsync<bool>(fixture.ConnectionString,
            "SELECT bool_or(payload ? 'requests' OR payload ? 'newRows') FROM grain_state WHERE state_name = 'partsCatalogue'"));
    }

    private Task<int> CatalogueRevisionAsync() => TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
        "SELECT (payload->>'revision')::int FROM grain_state WHERE state_name = 'partsCatalogue'");

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendKeyedAsync(string url, string json, string key, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>
    /// Keys past the longest replay window are deleted (the sweeper does it about once an hour); keys inside it, and
    /// rows of other kinds however old, stay.
    /// </summary>
    [Fact]
    public async Task KeysOlderThanTheWindow_ArePruned_AndNothingElseIs()
    {
        var (old, fresh) = (await TestFleet.DeliveredVehicleAsync(Http), await TestFleet.DeliveredVehicleAsync(Http));
        foreach (var vin in new[] { old, fresh })
        {
            await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync($"/api/vehicles/{vin}/odometer",
                $$"""{"readingKm":50,"readAt":"{{fixture.Clock.GetUtcNow().AddMinutes(-5):O}}"}""", $"prune-{vin}"));
        }

        // The old vehicle's rows as if written 25 hours ago: its key, and its archive's rows (which are history).
        await TestDatabase.ScalarAsync<object>(fixture.ConnectionString,
            "UPDATE grain_rows SET written_on = now() - interval '25 hours' WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", old));
        var oldOtherRows = await RowsAsync(old, "kind <> 'key'");

        var pruned = await fixture.Silo.Services.GetRequiredService<Silo.Hosting.OutboxSweeper>().PruneExpiredKeysAsync(TimeSpan.FromHours(24));

        Assert.True(pruned >= 1, $"pruned {pruned}");
        Assert.Equal(0L, await RowsAsync(old, "kind = 'key'"));
        Assert.Equal(1L, await RowsAsync(fresh, "kind = 'key'"));
        Assert.Equal(oldOtherRows, await RowsAsync(old, "kind <> 'key'"));
    }

    private Task<long> RowsAsync(string vin, string condition) =>
        TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            $"SELECT count(*) FROM grain_rows WHERE state_name = 'vehicle' AND grain_key = @vin AND {condition}", ("vin", vin));
}
