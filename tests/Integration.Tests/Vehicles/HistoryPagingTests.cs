using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// The history's cursor names the last visit of a page, not an offset: visits recorded while a caller pages
/// (newest first) neither shift the pages that follow nor repeat or skip a visit that was there when paging began.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HistoryPagingTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task VisitsRecordedBetweenPages_NeitherRepeatNorSkipTheVisitsBeingPaged()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 2, 1));
        for (var i = 0; i < 5; i++)
        {
            await VisitAsync(vin, $"pg-{i}", i);
        }

        var (first, cursor) = await PageAsync(vin, 2, null);
        Assert.Equal(["pg-4", "pg-3"], first);

        // Three newer visits arrive: an offset would now hand out pg-4 and pg-3 again.
        for (var i = 5; i < 8; i++)
        {
            await VisitAsync(vin, $"pg-{i}", i);
        }

        var (second, cursor2) = await PageAsync(vin, 2, cursor);
        var (third, last) = await PageAsync(vin, 2, cursor2);
        Assert.Equal(["pg-2", "pg-1"], second);
        Assert.Equal(["pg-0"], third);
        Assert.Null(last);

        // A fresh start sees the new visits first.
        var (fresh, _) = await PageAsync(vin, 3, null);
        Assert.Equal(["pg-7", "pg-6", "pg-5"], fresh);
    }

    [Fact]
    public async Task ACursorOfAnotherVehicle_IsA400NamingTheCursor()
    {
        var (vin, other) = (await TestFleet.DeliveredVehicleAsync(Http), await TestFleet.DeliveredVehicleAsync(Http));
        await VisitAsync(vin, "own-0", 0);
        await VisitAsync(vin, "own-1", 1);
        var (_, cursor) = await PageAsync(vin, 1, null);

        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(Http, $"/api/vehicles/{other}/history?cursor={cursor}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    private async Task VisitAsync(string vin, string id, int hour)
    {
        using var posted = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/visits", new
        {
            visitId = id, stationCode = "S-PG", kind = "maintenance",
            agreedAt = Start.AddHours(hour), completedAt = Start.AddHours(hour).AddMinutes(40), mileageKm = 1_000 + hour,
        });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    private async Task<(List<string> Items, string? Next)> PageAsync(string vin, int limit, string? cursor)
    {
        var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));
        var items = page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("visit").GetProperty("visitId").GetString()!).ToList();
        var next = page.GetProperty("nextCursor");
        return (items, next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }
}
