using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reports;

/// <summary>
/// GET /api/reports/stations/{yyyy-MM} is paged (api.md: limit, default 50, max 500, and an opaque cursor): stations by
/// code, the weights on every page, nextCursor on every page and null on the last.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StationGradesPagingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task WalkingThePages_YieldsEveryStationOnceByCode_AndTheLastPageEnds()
    {
        var http = fixture.Http;
        var province = "GradesPg" + Token();
        var ours = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ours.Add(await StationAsync(http, province, 30.0 + (i / 10.0), 114.0, bays: 2));
        }

        var month = Month();
        // The province tells the national roll-up of its new stations by a push of its own: wait for it.
        var (wholePages, whole) = await Eventually.UntilAsync(
            () => WalkAsync(http, month, 500), w => ours.All(c => w.Rows.Any(r => Code(r) == c)), TimeSpan.FromSeconds(30), "the new stations in the report");
        var codes = whole.Select(Code).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.Subset(codes.ToHashSet(), ours.ToHashSet());

        // The cluster's other tests add stations of their own: a limit that makes some ten pages of them all.
        var limit = Math.Max(2, codes.Count / 10);
        var (pages, rows) = await WalkAsync(http, month, limit);
        Assert.Equal(codes, rows.Select(Code));
        Assert.Equal((codes.Count + limit - 1) / limit, pages.Count);
        Assert.All(pages[..^1], p => Assert.Equal(limit, p.GetProperty("stations").GetArrayLength()));
        Assert.All(pages, p =>
        {
            Assert.Equal(month, p.GetProperty("month").GetString());
            Assert.Equal(wholePages[0].GetProperty("weights").GetRawText(), p.GetProperty("weights").GetRawText());
        });

        // A cursor does not depend on the limit: from the page before the one holding our first station, one station a page.
        var at = pages.FindIndex(p => p.GetProperty("stations").EnumerateArray().Any(r => ours.Contains(Code(r))));
        var start = at * limit;
        var cursor = at == 0 ? "" : $"&cursor={pages[at - 1].GetProperty("nextCursor").GetString()}";
        var single = new List<string>();
        for (var i = 0; i < 3 && start + i < codes.Count; i++)
        {
            var one = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/reports/stations/{month}?limit=1{cursor}"));
            single.Add(Code(Assert.Single(one.GetProperty("stations").EnumerateArray())));
            cursor = one.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? $"&cursor={one.GetProperty("nextCursor").GetString()}" : "";
        }

        Assert.Equal(codes.Skip(start).Take(3), single);

        // The default page: the first 50 stations.
        var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/reports/stations/{month}"));
        Assert.Equal(codes.Take(50), page.GetProperty("stations").EnumerateArray().Select(Code));
        Assert.Equal(codes.Count > 50 ? JsonValueKind.String : JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=x", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("cursor=", "cursor")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("cursor=!!!", "cursor")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task ABadLimitOrCursor_IsA400NamingIt(string query, string field)
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(fixture.Http, $"/api/reports/stations/{Month()}?{query}"));
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal(
            field == "limit" ? "limit must be a whole number from 1 to 500."
                : query == "cursor=" ? "cursor must be the nextCursor of a previous page." : "cursor is not one this report gave; start again without it.",
            errors.GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task ACursorTooLong_IsA400NamingIt()
    {
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, GetAsync(fixture.Http, $"/api/reports/stations/{Month()}?cursor={new string('A', 201)}"));
        Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    /// <summary>
    /// Every row of the month's report, page by page at <paramref name="limit"/> rows (the last page's nextCursor null).
    /// </summary>
    internal static async Task<(List<JsonElement> Pages, List<JsonElement> Rows)> WalkAsync(HttpClient http, string month, int limit)
    {
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await ExpectAsync(HttpStatusCode.OK, GetAsync(http, $"/api/reports/stations/{month}?limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}")));
            pages.Add(page);
            var next = page.GetProperty("nextCursor");
            Assert.True(next.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"nextCursor is {next.ValueKind}");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            Assert.True(pages.Count <= 10_000, "the pages do not end");
        }
        while (cursor is not null);

        return (pages, [.. pages.SelectMany(p => p.GetProperty("stations").EnumerateArray())]);
    }

    private static string Code(JsonElement row) => row.GetProperty("code").GetString()!;

    // The month the fixture's business clock is in (UTC+8).
    private string Month() => fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
