using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// The repair archive is rows beside the vehicle's document, written with the change that added each visit, and
/// the history is paged (api.md: limit 1–500, default 50, opaque cursor): a reading does not rewrite the archive.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ArchiveRowsTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task AHundredAndTwentyVisits_AreRowsNotDocument_AndTheHistoryPagesThroughThemNewestFirst()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 2, 1));
        var start = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));
        for (var i = 0; i < 120; i++)
        {
            using var posted = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/visits", new
            {
                visitId = $"arc-{i:D3}", stationCode = "S-ARC", kind = "maintenance",
                agreedAt = start.AddHours(i), completedAt = start.AddHours(i).AddMinutes(40), mileageKm = 1_000 + i,
            });
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        Assert.Equal("0 120 120", await TestDatabase.ScalarAsync<string>(fixture.ConnectionString, """
            SELECT (CASE WHEN payload ? 'visits' THEN 1 ELSE 0 END) || ' ' || (payload->>'visitCount') || ' '
                   || (SELECT count(*) FROM grain_rows r WHERE r.state_name = 'vehicle' AND r.grain_key = g.grain_key AND r.kind = 'visit')
            FROM grain_state g WHERE state_name = 'vehicle' AND grain_key = @vin
            """, ("vin", vin)));

        // A reading writes the small document; the archive rows are not touched.
        var rowsWrittenBefore = await ArchiveWrittenAtAsync(vin);
        using (var reading = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 1_500, readAt = fixture.Clock.GetUtcNow() }))
        {
            Assert.Equal(HttpStatusCode.OK, reading.StatusCode);
        }

        Assert.Equal(rowsWrittenBefore, await ArchiveWrittenAtAsync(vin));
        Assert.True(await TestDatabase.ScalarAsync<int>(fixture.ConnectionString,
            "SELECT octet_length(payload::text) FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)) < 3_000);

        var seen = new List<string>();
        string? cursor = null;
        var pages = new List<int>();
        do
        {
            var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history" + (cursor is null ? "" : $"?cursor={cursor}")));
            var items = page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("visitId").GetString()!).ToList();
            pages.Add(items.Count);
            seen.AddRange(items);
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal([50, 50, 20], pages);
        Assert.Equal(Enumerable.Range(0, 120).Reverse().Select(i => $"arc-{i:D3}"), seen);

        var small = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history?limit=500"));
        Assert.Equal(120, small.GetProperty("items").GetArrayLength());

        foreach (var bad in new[] { "limit=0", "limit=501", "limit=ten" })
        {
            var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/vehicles/{vin}/history?{bad}"));
            Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _), bad);
        }

        var unknown = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/vehicles/{vin}/history?cursor=bm90LWEtY3Vyc29y"));
        Assert.True(unknown.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    private Task<string?> ArchiveWrittenAtAsync(string vin) =>
        TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT max(written_on)::text FROM grain_rows WHERE state_name = 'vehicle' AND grain_key = @vin AND kind = 'visit'", ("vin", vin));
}
