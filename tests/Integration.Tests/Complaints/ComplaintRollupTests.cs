using System.Collections.Concurrent;
using System.Net;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>A cluster of its own: the national counters must hold only this test's complaints.</summary>
[CollectionDefinition(Name)]
public sealed class ComplaintRollupCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "complaintRollups";
}

[Collection(ComplaintRollupCollection.Name)]
public sealed class ComplaintRollupTests(ClusterFixture fixture)
{
    private const int Count = 240;

    private HttpClient Http => fixture.Http;

    [Fact]
    [Trait("Category", "Slow")] // about ten seconds of brute-force or outage work: left out of ./test.sh --fast
    public async Task Rollups_OfHundredsOfRandomComplaints_MatchABruteForceCount()
    {
        var random = new Random(20261123);
        var provinces = new[] { "CMP" + Token(), "CMP" + Token() };
        var stations = new List<(string Province, double Latitude, double Longitude)>();
        foreach (var province in provinces)
        {
            for (var i = 0; i < 2; i++)
            {
                var (lat, lon) = NewArea();
                await StationAsync(Http, province, lat, lon);
                stations.Add((province, lat, lon));
            }
        }

        var before = await CountersAsync(fixture, RollupScopes.National);
        var plans = Enumerable.Range(0, Count).Select(_ => new
        {
            Station = stations[random.Next(stations.Count)],
            Far = random.NextDouble() < 0.3,
            RespondEarly = random.NextDouble() < 0.6,
            SecondEarly = random.NextDouble() < 0.5,
            Close = random.NextDouble() < 0.5,
            ReopenOnce = random.NextDouble() < 0.3,
            Major = random.NextDouble() < 0.1,
        }).ToList();

        var ids = new string[Count];
        await ForEachAsync(Enumerable.Range(0, Count), async i =>
        {
            var p = plans[i];
            var (lat, lon) = North(p.Station.Latitude, p.Station.Longitude, p.Far ? 150 : 10);
            ids[i] = (await RegisterAsync(Http, lat, lon, severity: p.Major ? "major" : "general")).GetProperty("id").GetString()!;
        });

        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        await ForEachAsync(Enumerable.Range(0, Count).Where(i => plans[i].RespondEarly), i => StepAsync(Http, ids[i], "respond"));
        fixture.Clock.Advance(TimeSpan.FromMinutes(21));
        await ForEachAsync(Enumerable.Range(0, Count).Where(i => !plans[i].RespondEarly), i => StepAsync(Http, ids[i], "respond"));
        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        await ForEachAsync(Enumerable.Range(0, Count).Where(i => plans[i].SecondEarly), i => SecondStepAsync(i));
        fixture.Clock.Advance(TimeSpan.FromHours(4));
        await ForEachAsync(Enumerable.Range(0, Count).Where(i => !plans[i].SecondEarly), i => SecondStepAsync(i));
        await ForEachAsync(Enumerable.Range(0, Count).Where(i => plans[i].Close || plans[i].ReopenOnce), async i =>
        {
            await StepAsync(Http, ids[i], "plan", Plan());
            await StepAsync(Http, ids[i], "resolve");
            if (plans[i].ReopenOnce)
            {
                await StepAsync(Http, ids[i], "callback", Callback(false, 2));
                if (plans[i].Close)
                {
                    await StepAsync(Http, ids[i], "plan", Plan());
                    await StepAsync(Http, ids[i], "resolve");
                }
            }

            if (plans[i].Close)
            {
                await StepAsync(Http, ids[i], "callback", Callback(true, 4));
            }
        });

        // What the plan implies, and what the cards themselves say.
        var expected = new Dictionary<string, (long Open, long Complaints, long Breaches)>();
        foreach (var province in provinces)
        {
            var mine = Enumerable.Range(0, Count).Where(i => plans[i].Station.Province == province).ToList();
            expected[province] = (mine.Count(i => !plans[i].Close), mine.Count, mine.Sum(i => (plans[i].RespondEarly ? 0 : 1) + (plans[i].SecondEarly ? 0 : 1)));
        }

        var cards = new ConcurrentBag<(string Province, bool Open, int Breaches)>();
        await ForEachAsync(ids, async id =>
        {
            var card = await CardAsync(Http, id);
            cards.Add((card.GetProperty("province").GetString()!, card.GetProperty("state").GetString() != "closed", Breaches(card).Length));
        });
        foreach (var province in provinces)
        {
            var counted = cards.Where(c => c.Province == province).ToList();
            Assert.Equal(expected[province], (counted.LongCount(c => c.Open), counted.LongCount(), counted.Sum(c => (long)c.Breaches)));
        }

        foreach (var province in provinces)
        {
            var (open, complaints, breaches) = expected[province];
            var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/network/provinces/{province}"));
            Assert.Equal(open, view.GetProperty("openComplaints").GetInt64());
            Assert.Equal(breaches, view.GetProperty("slaBreaches").GetInt64());
            Assert.Equal(complaints, (await CountersAsync(fixture, RollupScopes.Province(province)))[CounterNames.Complaints]);
        }

        var national = await CountersAsync(fixture, RollupScopes.National);
        Assert.Equal(expected.Values.Sum(e => e.Open), national[CounterNames.OpenComplaints] - before[CounterNames.OpenComplaints]);
        Assert.Equal(expected.Values.Sum(e => e.Complaints), national[CounterNames.Complaints] - before[CounterNames.Complaints]);
        Assert.Equal(expected.Values.Sum(e => e.Breaches), national[CounterNames.SlaBreaches] - before[CounterNames.SlaBreaches]);
        Assert.Equal(plans.Count(p => p.Major), national["escalations"] - before["escalations"]);
        var summary = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, "/api/network/summary"));
        Assert.Equal(national[CounterNames.SlaBreaches], summary.GetProperty("slaBreaches").GetInt64());

        Task SecondStepAsync(int i) => plans[i].Far
            ? StepAsync(Http, ids[i], "reply", Reply(fixture.Clock.GetUtcNow().AddDays(1)))
            : StepAsync(Http, ids[i], "arrive");
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, _) => await body(item));
}
