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

    /// <summary>
    /// The SLA reminder is registered before the intake is written: when the reminder table refuses it, the intake is
    /// a 503 and no card exists; the retry with the same key registers both.
    /// </summary>
    [Fact]
    public async Task AnIntakeWhoseReminderCannotBeRegistered_Is503_AndNoCardExistsWithoutItsReminder()
    {
        var province = "CMP" + Token();
        var (lat, lon) = NewArea();
        await StationAsync(fixture.Http, province, lat, lon);
        await TestDatabase.ScalarAsync<object>(fixture.ConnectionString, """
            CREATE FUNCTION refuse_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'reminders are down (test)'; END $$;
            CREATE TRIGGER refuse_reminders BEFORE INSERT OR UPDATE ON reminder FOR EACH ROW EXECUTE FUNCTION refuse_reminders();
            """);
        var body = Body(lat, lon);
        const string Cards = "SELECT count(*) FROM grain_state WHERE state_name = 'complaint' AND payload ? 'intake'";
        var before = await TestDatabase.ScalarAsync<long>(fixture.ConnectionString, Cards);
        try
        {
            var (status, _) = await SendIntakeAsync(body);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal(before, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString, Cards));
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(fixture.ConnectionString, "DROP TRIGGER refuse_reminders ON reminder; DROP FUNCTION refuse_reminders();");
        }

        var (retried, card) = await SendIntakeAsync(body);
        Assert.Equal(System.Net.HttpStatusCode.Created, retried);
        var id = card.GetProperty("id").GetString()!;
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM reminder WHERE grain_id LIKE @key AND reminder_name = 'sla'", ("key", $"%{id}%")));
    }

    private async Task<(System.Net.HttpStatusCode Status, System.Text.Json.JsonElement Body)> SendIntakeAsync(string body)
    {
        using var callCentre = fixture.Api.CreateClient(AfterSales.Api.Security.Roles.CallCentre);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "intake-reminder-first");
        using var response = await callCentre.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : System.Text.Json.JsonDocument.Parse(text).RootElement.Clone());
    }

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
