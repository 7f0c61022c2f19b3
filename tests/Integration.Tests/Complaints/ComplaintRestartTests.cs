using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Complaints;

/// <summary>A restartable cluster whose complaints keep their SLA reminder at one second (production: one minute).</summary>
public sealed class ComplaintRestartFixture : RestartableClusterFixture
{
    protected override IReadOnlyDictionary<string, string?>? SiloSettings { get; } =
        new Dictionary<string, string?> { ["Policies:Complaints:ReminderPeriod"] = "00:00:01" };
}

/// <summary>A clock that runs out while no silo holds the card is recorded by the durable reminder after the restart.</summary>
public sealed class ComplaintRestartTests(ComplaintRestartFixture fixture) : IClassFixture<ComplaintRestartFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Breach_WhileTheSiloIsDown_IsRecordedAfterTheRestart_WithoutAnyoneReadingTheCard()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        await StationAsync(fixture.Http, province, lat, lon);
        var card = await RegisterAsync(fixture.Http, lat, lon);
        var id = card.GetProperty("id").GetString()!;
        var respondBy = card.GetProperty("sla").GetProperty("respondBy").GetDateTimeOffset();
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM reminder WHERE grain_id LIKE @key AND reminder_name = 'sla'", ("key", $"%{id}%")));

        // Business time passes the due instant while no silo runs: no timer exists to notice it.
        await fixture.RestartSiloAsync(Deadline, () => fixture.Clock.Advance(TimeSpan.FromMinutes(45)));
        var restartedAt = fixture.Clock.GetUtcNow();

        // Nobody touches the card until the new silo logs the breach: the reminder re-activated it. It is durable.
        await fixture.Logs.WaitForAsync(BreachOf(id), 1, Deadline, $"the reminder to record the breach of complaint {id}");
        Assert.Equal("breached", await TestDatabase.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT payload->'clocks'->0->>'status' FROM grain_state WHERE state_name = 'complaint' AND grain_key = @key", ("key", id)));
        var breach = Assert.Single((await CardAsync(fixture.Http, id)).GetProperty("sla").GetProperty("breaches").EnumerateArray());
        Assert.Equal("respond", breach.GetProperty("clock").GetString());
        Assert.Equal(respondBy, breach.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(restartedAt, breach.GetProperty("breachedAt").GetDateTimeOffset());
        var rollup = await ExpectAsync(System.Net.HttpStatusCode.OK, GetAsync(fixture.Http, $"/api/network/provinces/{province}"));
        Assert.Equal(1, rollup.GetProperty("slaBreaches").GetInt64());
    }
}
