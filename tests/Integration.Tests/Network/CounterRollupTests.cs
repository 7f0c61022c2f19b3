using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.DependencyInjection;

namespace AfterSales.Integration.Tests.Network;

/// <summary>
/// The counter roll-ups behind the network view: newest contribution per source wins, retries and reordering never
/// count twice, final contributions fold into the base, and provinces add up to the national scope.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CounterRollupTests(ClusterFixture fixture)
{
    private IClusterClient Cluster => fixture.Api.Services.GetRequiredService<IClusterClient>();

    [Fact]
    public async Task AFinalReportRetried_AfterMoreThanAThousandOthers_CountsOnce_AndTheDocumentStaysSmall()
    {
        var scope = RollupScopes.StationMonth("SRETRY" + Guid.NewGuid().ToString("N")[..6], 2026, 11);
        var one = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("completedWorkOrders", 1L)]);
        var rollup = Cluster.GetGrain<ICounterRollupGrain>(scope);
        await rollup.ReportAsync(new CounterContribution("wo:first", 1, one, Final: true));
        // More final sources than the old fixed window of 1,024 remembered ones.
        for (var i = 0; i < 1_100; i++)
        {
            await rollup.ReportAsync(new CounterContribution($"wo:{i}", 1, one, Final: true));
        }

        await rollup.ReportAsync(new CounterContribution("wo:first", 1, one, Final: true));
        Assert.Equal(1_101, (await rollup.GetCountersAsync())["completedWorkOrders"]);

        // The sources are rows in PostgreSQL written with each fold, not a list in the document.
        Assert.Equal(1_101, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            $"SELECT count(*) FROM grain_rows WHERE state_name = 'counterRollup' AND grain_key = '{scope}' AND kind = 'final'"));
        var stored = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            $"SELECT payload::text FROM grain_state WHERE state_name = 'counterRollup' AND grain_key = '{scope}'");
        Assert.True(stored!.Length < 2_000, $"the document stays small: {stored.Length} characters");
    }

    [Fact]
    public async Task RandomReports_RetriedAndReordered_MatchABruteForceSumPerProvinceAndNationally()
    {
        var random = new Random(7);
        var provinces = Enumerable.Range(0, 4).Select(i => $"RollupLand{Guid.NewGuid():N}"[..16] + i).ToList();
        var nationalBefore = (await Cluster.GetGrain<ICounterRollupGrain>(RollupScopes.National).GetCountersAsync()).Counters;

        // The truth: each source's newest contribution (final ones included, they never change again).
        var latest = new Dictionary<(string Province, string Source), CounterContribution>();
        var sent = new List<(string Province, CounterContribution Report)>();
        for (var i = 0; i < 600; i++)
        {
            var province = provinces[random.Next(provinces.Count)];
            var source = $"complaint-{random.Next(80)}";
            var key = (province, source);
            if (latest.TryGetValue(key, out var held) && held.Final)
            {
                continue;
            }

            var version = (held?.Version ?? 0) + 1 + random.Next(3);
            var report = new CounterContribution(source, version,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, long>
                {
                    [CounterNames.OpenComplaints] = random.Next(2),
                    [CounterNames.SlaBreaches] = random.Next(4),
                }),
                Final: random.Next(10) == 0);
            latest[key] = report;
            sent.Add((province, report));
        }

        // Deliver every report, then a shuffled copy of them all again (retries, late duplicates, old versions).
        foreach (var (province, report) in sent)
        {
            await Cluster.GetGrain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(report);
        }

        foreach (var (province, report) in sent.OrderBy(_ => random.Next()))
        {
            await Cluster.GetGrain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(report);
        }

        long Expected(string province, string counter) =>
            latest.Where(l => l.Key.Province == province).Sum(l => l.Value.Counters.GetValueOrDefault(counter));

        foreach (var province in provinces)
        {
            var totals = await Cluster.GetGrain<ICounterRollupGrain>(RollupScopes.Province(province)).GetCountersAsync();
            Assert.Equal(Expected(province, CounterNames.OpenComplaints), totals[CounterNames.OpenComplaints]);
            Assert.Equal(Expected(province, CounterNames.SlaBreaches), totals[CounterNames.SlaBreaches]);
        }

        var national = await Cluster.GetGrain<ICounterRollupGrain>(RollupScopes.National).GetCountersAsync();
        foreach (var counter in new[] { CounterNames.OpenComplaints, CounterNames.SlaBreaches })
        {
            Assert.Equal(nationalBefore.GetValueOrDefault(counter) + provinces.Sum(p => Expected(p, counter)), national[counter]);
        }

        Assert.All(provinces, p => Assert.Equal(Expected(p, CounterNames.SlaBreaches),
            national.ByProvince![p].GetValueOrDefault(CounterNames.SlaBreaches)));

        // The HTTP view shows the same numbers for a province.
        var view = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/network/provinces/{provinces[0]}")).RootElement;
        Assert.Equal(Expected(provinces[0], CounterNames.SlaBreaches), view.GetProperty("slaBreaches").GetInt64());
        Assert.Equal(Expected(provinces[0], CounterNames.OpenComplaints), view.GetProperty("openComplaints").GetInt64());
        Assert.Equal(0, view.GetProperty("stations").GetInt32());
    }

    [Fact]
    public async Task Totals_SurviveTheRollupsDeactivation_AndTheStoredStateIsReadableJson()
    {
        var province = $"Persist{Guid.NewGuid():N}"[..16];
        var scope = RollupScopes.Province(province);
        var grain = Cluster.GetGrain<ICounterRollupGrain>(scope);
        await grain.ReportAsync(Contribution("depot-1", 1, CounterNames.PartsShortages, 3));
        await grain.ReportAsync(Contribution("complaint-9", 4, CounterNames.SlaBreaches, 2, final: true));

        // Deactivate every idle activation: the roll-up comes back from PostgreSQL alone.
        await Cluster.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var totals = await grain.GetCountersAsync();
        Assert.Equal(3, totals[CounterNames.PartsShortages]);
        Assert.Equal(2, totals[CounterNames.SlaBreaches]);

        // The folded source stays folded: a retried final report does not count again.
        await grain.ReportAsync(Contribution("complaint-9", 4, CounterNames.SlaBreaches, 2, final: true));
        Assert.Equal(2, (await grain.GetCountersAsync())[CounterNames.SlaBreaches]);

        var stored = await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload->'base'->>'slaBreaches' FROM grain_state WHERE state_name = 'counterRollup' AND grain_key = @key", ("key", scope));
        Assert.Equal("2", stored);
    }

    [Fact]
    public async Task ProvinceWithNothingRegistered_Is404()
    {
        using var response = await fixture.Http.GetAsync($"/api/network/provinces/Nowhere{Guid.NewGuid():N}"[..40]);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static CounterContribution Contribution(string source, long version, string counter, long value, bool final = false) =>
        new(source, version, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(counter, value)]), final);
}
