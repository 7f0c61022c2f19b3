using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>
/// GET /api/stations/{code}/complaints: the complaints assigned to the station, newest first, each once across pages,
/// with the customer's name and phone masked for every caller (a list records no read of personal data).
/// </summary>
[Collection(ComplaintsCollection.Name)]
public sealed class StationComplaintListTests(ClusterFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task AssignedComplaints_AreListedNewestFirst_Masked_AndOnlyTheStationsOwn()
    {
        var province = "CL" + Token();
        var (lat, lon) = NewArea();
        var station = await StationAsync(Http, province, lat, lon);
        var other = await StationAsync(Http, province, lat + 1.5, lon);
        using var callCentre = CallCentreClient(fixture);
        using var stationHttp = StationClient(fixture, station);
        using var otherHttp = StationClient(fixture, other);

        var ours = new List<string>();
        var theirs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (cLat, cLon) = North(lat, lon, 5 + i);
            ours.Add((await RegisterAsync(callCentre, cLat, cLon)).GetProperty("id").GetString()!);
            var (oLat, oLon) = North(lat + 1.5, lon, 5 + i);
            theirs.Add((await RegisterAsync(callCentre, oLat, oLon)).GetProperty("id").GetString()!);
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var reads = await ReadsAsync();
        var (first, cursor) = await PageAsync(stationHttp, station, 2, null);
        var seen = new List<JsonElement>(first);

        // A complaint registered between pages is newer than every one being paged: it shifts nothing.
        var (nLat, nLon) = North(lat, lon, 3);
        var newer = (await RegisterAsync(callCentre, nLat, nLon)).GetProperty("id").GetString()!;
        while (cursor is not null)
        {
            (var page, cursor) = await PageAsync(stationHttp, station, 2, cursor);
            seen.AddRange(page);
        }

        Assert.Equal(Enumerable.Reverse(ours), seen.Select(c => c.GetProperty("id").GetString()!));
        Assert.All(seen, c => Assert.Equal(station, c.GetProperty("stationCode").GetString()));
        Assert.All(seen, c =>
        {
            Assert.Equal("L*", c.GetProperty("intake").GetProperty("customerName").GetString());
            Assert.Equal("138****0000", c.GetProperty("intake").GetProperty("customerPhone").GetString());
        });
        var times = seen.Select(c => c.GetProperty("registeredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        // An item is the card GET /api/complaints/{id} answers, but masked even for the station it is assigned to.
        var card = await CardAsync(otherHttp, ours[0]);
        Assert.Equal(card.ToString(), seen[^1].ToString());

        // The list recorded no read of personal data (the card read by another station was masked: none either).
        Assert.Equal(reads, await ReadsAsync());

        var (fresh, last) = await PageAsync(Http, station, 50, null);
        Assert.Equal(newer, fresh[0].GetProperty("id").GetString());
        Assert.Null(last);
        Assert.Equal(6, fresh.Count);

        var (otherPage, _) = await PageAsync(otherHttp, other, 50, null);
        Assert.Equal(Enumerable.Reverse(theirs), otherPage.Select(c => c.GetProperty("id").GetString()!));

        var refused = await ExpectAsync(HttpStatusCode.Forbidden, GetAsync(otherHttp, $"/api/stations/{station}/complaints"));
        Assert.Equal("forbidden-station", refused.GetProperty("code").GetString());
    }

    private Task<long> ReadsAsync() =>
        TestDatabase.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM personal_data_reads");

    private static async Task<(List<JsonElement> Items, string? Next)> PageAsync(HttpClient http, string station, int limit, string? cursor)
    {
        var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/stations/{station}/complaints?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));
        var next = page.GetProperty("nextCursor");
        return ([.. page.GetProperty("items").EnumerateArray()], next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }
}
