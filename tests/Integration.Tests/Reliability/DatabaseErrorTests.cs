using System.Net;
using System.Net.Http.Json;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// PostgreSQL answers, but with an error (here: the state table has gone; in the field: "too many clients", a
/// permission or a cancelled statement). Behind a grain activation that is a PostgresException, which Orleans does
/// not carry to the client unless told to; it must still reach the caller as 503 + Retry-After, never as a 500.
/// </summary>
public sealed class DatabaseErrorTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private string ConnectionString => fixture.ConnectionString;

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task ServerErrorWhileAGrainLoadsItsState_Is503WithRetryAfter_AndTheGrainLoadsOnceTheDatabaseIsWhole()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http);
        var inactive = TestVins.Next();
        await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state RENAME TO grain_state_away");
        try
        {
            // A vehicle no silo holds must read its row first: the read fails inside the activation.
            using var read = await Http.GetAsync($"/api/vehicles/{inactive}/warranty");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.NotNull(read.Headers.RetryAfter);
            Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
            Assert.Equal(ProblemCodes.ClusterUnavailable, Problem.CodeOf(await read.Content.ReadAsStringAsync()));

            // A write to an active vehicle fails in its state write: refused the same way, nothing applied.
            using var write = await Http.PostAsJsonAsync($"/api/vehicles/{vin}/odometer", new { readingKm = 900, readAt = ClusterFixture.Start.AddHours(-1) });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state_away RENAME TO grain_state");
        }

        // The failed activation left nothing behind: the vehicle that was never registered is now simply unknown,
        // and the refused reading was never stored.
        using var unknown = await Http.GetAsync($"/api/vehicles/{inactive}/warranty");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("5", await TestDatabase.ScalarAsync<string>(ConnectionString,
            "SELECT payload->>'odometerKm' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
    }

    [Fact]
    public async Task AVisitWhoseReportFails_IsAcknowledged_ItsReportWaitsInTheOutbox_AndIsCountedOnceWhenDelivered()
    {
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 1), model: "QX-RETRY", batch: "B-RETRY");
        var day = new DateTimeOffset(2026, 4, 10, 9, 0, 0, TimeSpan.FromHours(8));
        var visit = new
        {
            visitId = "RETRY-V1", stationCode = "S-Q", kind = "repair", agreedAt = day, completedAt = day.AddHours(3),
            mileageKm = 2_000, faultCode = "F-RETRY", system = "brakes", workGrade = "minor", warranty = true,
        };

        // Roll-ups refuse every write; the vehicle's own row is still written.
        await TestDatabase.ScalarAsync<object>(ConnectionString, """
            CREATE FUNCTION refuse_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state_name = 'counterRollup' THEN RAISE EXCEPTION 'roll-ups are down (test)'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_rollups BEFORE INSERT OR UPDATE ON grain_state FOR EACH ROW EXECUTE FUNCTION refuse_rollups();
            """);
        try
        {
            // The visit and the reports it owes were written together: the visit is acknowledged, the quality report
            // waits in the vehicle's outbox.
            using var first = await PostVisitAsync(vin, visit, "visit-key-1");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("rollup", await TestDatabase.ScalarAsync<string>(ConnectionString,
                "SELECT payload->'outbox'->0->>'$kind' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
            // The quality report, the same repair in its week's summary, and the batch's repeat-fault watch (which
            // reports on to the month's roll-up).
            Assert.Equal(3L, await TestDatabase.ScalarAsync<long>(ConnectionString,
                "SELECT jsonb_array_length(payload->'outbox')::bigint FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, "DROP TRIGGER refuse_rollups ON grain_state; DROP FUNCTION refuse_rollups();");
        }

        // The sweeper wakes what is pending (here without waiting for its age limit); a retry of the request and a
        // second sweep deliver nothing twice.
        var sweeper = fixture.Silo.Services.GetRequiredService<OutboxSweeper>();
        Assert.True(await sweeper.SweepOnceAsync(TimeSpan.Zero) >= 1);
        using (var again = await PostVisitAsync(vin, visit, "visit-key-1"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT jsonb_array_length(payload->'outbox')::bigint FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
        using var report = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("/api/reports/quality/2026-04"));
        Assert.Equal(1, report.RootElement.GetProperty("repairs").GetInt64());
        var byFault = Assert.Single(report.RootElement.GetProperty("byFault").EnumerateArray());
        Assert.Equal("F-RETRY", byFault.GetProperty("name").GetString());
        Assert.Equal(1, byFault.GetProperty("repairs").GetInt64());

        // Its week (Friday 10 April 2026 is in 2026-W15) counted it once too.
        using var week = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("/api/reports/summaries/weekly/2026-W15"));
        var weekly = Assert.Single(week.RootElement.GetProperty("quality").GetProperty("byFault").EnumerateArray(), f => f.GetProperty("name").GetString() == "F-RETRY");
        Assert.Equal(1, weekly.GetProperty("repairs").GetInt64());
    }

    /// <summary>
    /// One failure policy for every grain: a failed write is a 503 that applies nothing, and the grain keeps answering
    /// from its last durable state. Here the state table is gone while a warranty claim is settled with its work order,
    /// so the claim's answer in between can only come from the activation that refused the write (one dropped on the
    /// failure would have to read its state, and could not); once the table is back the settle retried settles it.
    /// </summary>
    [Fact]
    public async Task AClaimWhoseSettleFails_Is503_KeepsAnsweringApproved_AndSettlesOnTheRetry()
    {
        await TestCatalogue.EnsureLoadedAsync(Http);
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "Claims" + Token(), 46.3, 127.3);
        var order = await OpenAsync(Http, station, vin, 300);
        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        var claim = appraised.GetProperty("claim").GetProperty("id").GetString()!;
        Assert.Equal("approved", appraised.GetProperty("claim").GetProperty("state").GetString());
        await MoveAsync(Http, station, order, "start");
        Assert.True((await MoveAsync(Http, station, order, "complete")).GetProperty("archivedOnVehicle").GetBoolean());

        await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state RENAME TO grain_state_away");
        try
        {
            var (status, _) = await PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/settle");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var during = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"));
            Assert.Equal("approved", during.GetProperty("state").GetString());
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state_away RENAME TO grain_state");
        }

        Assert.Equal("approved", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"))).GetProperty("state").GetString());
        Assert.Equal("settled", (await MoveAsync(Http, station, order, "settle")).GetProperty("state").GetString());
        var settled = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"));
        Assert.Equal("settled", settled.GetProperty("state").GetString());
        Assert.Equal("settled", await TestDatabase.ScalarAsync<string>(ConnectionString,
            "SELECT payload->'claim'->>'state' FROM grain_state WHERE state_name = 'claim' AND grain_key = @claim", ("claim", claim)));
    }

    /// <summary>
    /// The same for a month's parts plan: a submission while the state table is gone is a 503, the procurement list
    /// still shows the last plan written, and the retry with the same key is applied once the table is back.
    /// </summary>
    [Fact]
    public async Task APartsPlanWhoseWriteFails_Is503_KeepsAnsweringWithItsLastPlan_AndTheRetryIsApplied()
    {
        const string month = "2026-07";
        var station = await StationAsync(Http, "Plans" + Token(), 30.6, 114.3);
        var part = "P-" + Token();
        var url = $"/api/stations/{station}/parts-plans/{month}";
        using (var first = await PutPlanAsync(url, part, 4, "plan-1"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal(4, await PlannedAsync(month, part));
        await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state RENAME TO grain_state_away");
        try
        {
            using var refused = await PutPlanAsync(url, part, 9, "plan-2");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal(4, await PlannedAsync(month, part));
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, "ALTER TABLE grain_state_away RENAME TO grain_state");
        }

        Assert.Equal(4, await PlannedAsync(month, part));
        using (var retried = await PutPlanAsync(url, part, 9, "plan-2"))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        Assert.Equal(9, await PlannedAsync(month, part));
        Assert.Equal("9", await TestDatabase.ScalarAsync<string>(ConnectionString,
            "SELECT payload->'plans'->@station->'lines'->0->>'quantity' FROM grain_state WHERE state_name = 'partsPlan' AND grain_key = @month",
            ("station", station), ("month", month)));
        Assert.Equal("plan-1,plan-2", await TestDatabase.ScalarAsync<string>(ConnectionString,
            "SELECT string_agg(row_key, ',' ORDER BY row_key) FROM grain_rows WHERE state_name = 'partsPlan' AND grain_key = @month AND kind = 'key'",
            ("month", month)));
    }

    private async Task<HttpResponseMessage> PutPlanAsync(string url, string part, int quantity, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { lines = new[] { new { partNo = part, quantity } } }) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Http.SendAsync(request);
    }

    private async Task<int> PlannedAsync(string month, string part)
    {
        var list = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts-plans/{month}"));
        return list.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("partNo").GetString() == part).GetProperty("total").GetInt32();
    }

    [Fact]
    public async Task ARegistrationWhoseBatchCannotWrite_IsAcknowledged_ItsIndexEntryWaitsInTheOutbox_AndTheCampaignCountsItOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (model, batch, campaign) = ($"M-IDX-{tag}", $"B-IDX-{tag}", $"RC-IDX-{tag}");
        await OpenModelRecallAsync(campaign, model);

        var first = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 3, 1), model, batch);
        Assert.Equal(1, await AffectedAsync(campaign));

        // The batch refuses every write; the vehicle's own row is still written, with what it owes the batch.
        await TestDatabase.ScalarAsync<object>(ConnectionString, $$"""
            CREATE FUNCTION refuse_batch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state_name = 'fleetBatch' AND NEW.grain_key = '{{batch}}' THEN RAISE EXCEPTION 'the batch is down (test)'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_batch BEFORE INSERT OR UPDATE ON grain_state FOR EACH ROW EXECUTE FUNCTION refuse_batch();
            """);
        string second;
        try
        {
            second = TestVins.Next();
            using var registered = await Http.PostAsync("/api/vehicles", JsonContent.Create(new
            {
                vin = second, model, batch, productionDate = "2026-02-01", powertrain = "ice", price = 150000,
            }));
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            Assert.Equal("fleetIndex", await TestDatabase.ScalarAsync<string>(ConnectionString,
                "SELECT payload->'outbox'->0->>'$kind' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", second)));
            Assert.Equal(1, await AffectedAsync(campaign));
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, "DROP TRIGGER refuse_batch ON grain_state; DROP FUNCTION refuse_batch();");
        }

        // Woken by the sweeper, the vehicle delivers its entry: counted once, however often it is swept again.
        var sweeper = fixture.Silo.Services.GetRequiredService<OutboxSweeper>();
        Assert.True(await sweeper.SweepOnceAsync(TimeSpan.Zero) >= 1);
        await sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal(0L, await OutboxLengthAsync(second));
        Assert.Equal(2, await AffectedAsync(campaign));
        Assert.Equal(2L, await BatchVehicleRowsAsync(batch));
        Assert.NotEqual(first, second);
    }

    /// <summary>
    /// The batch took the vehicle's first entry but the vehicle could not write that it did (its acknowledgement is
    /// refused), so the entry is still owed. The batch takes a first entry as new without reading its row: delivered
    /// again, its write finds the row, applies nothing, and the batch adds it again reading the row. Counted once.
    /// </summary>
    [Fact]
    public async Task ARegistrationWhoseAcknowledgementCannotBeWritten_SendsItsFirstEntryAgain_AndTheCampaignCountsItOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (model, batch, campaign) = ($"M-ACK-{tag}", $"B-ACK-{tag}", $"RC-ACK-{tag}");
        await OpenModelRecallAsync(campaign, model);

        var vin = TestVins.Next();
        // Only the vehicle's writes that owe nothing (its acknowledgement) are refused; its registration lands.
        await using (await WriteRefusal.StartAsync(ConnectionString, "vehicle", vin, "coalesce(NEW.payload->'outbox', '[]'::jsonb) = '[]'::jsonb"))
        {
            using var registered = await Http.PostAsync("/api/vehicles", JsonContent.Create(new
            {
                vin, model, batch, productionDate = "2026-02-01", powertrain = "ice", price = 150000,
            }));
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            Assert.Equal(1, await AffectedAsync(campaign));
            Assert.Equal("fleetIndex", await TestDatabase.ScalarAsync<string>(ConnectionString,
                "SELECT payload->'outbox'->0->>'$kind' FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin)));
        }

        var sweeper = fixture.Silo.Services.GetRequiredService<OutboxSweeper>();
        Assert.True(await sweeper.SweepOnceAsync(TimeSpan.Zero) >= 1);
        await sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal(0L, await OutboxLengthAsync(vin));
        Assert.Equal(1, await AffectedAsync(campaign));
        Assert.Equal(1L, await BatchVehicleRowsAsync(batch));
        var stored = await TestDatabase.ScalarAsync<string>(ConnectionString,
            "SELECT payload::text FROM grain_state WHERE state_name = 'fleetBatch' AND grain_key = @batch", ("batch", batch));
        Assert.Contains($"\"{model}\": 1", stored, StringComparison.Ordinal);
    }

    /// <summary>Opens a campaign over one model and expects it opened.</summary>
    private async Task OpenModelRecallAsync(string campaign, string model)
    {
        using var opened = await Http.PostAsync("/api/recalls", JsonContent.Create(new
        {
            campaignId = campaign, description = "Seat rail may crack", models = new[] { model }, batches = Array.Empty<string>(),
            vins = Array.Empty<string>(), remedy = "Replace the seat rails",
        }));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
    }

    /// <summary>How many messages the vehicle's stored state still owes.</summary>
    private Task<long> OutboxLengthAsync(string vin) => TestDatabase.ScalarAsync<long>(ConnectionString,
        "SELECT coalesce(jsonb_array_length(payload->'outbox'), 0)::bigint FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin", ("vin", vin));

    /// <summary>The batch's vehicle rows.</summary>
    private Task<long> BatchVehicleRowsAsync(string batch) => TestDatabase.ScalarAsync<long>(ConnectionString,
        "SELECT count(*) FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = @batch AND kind = 'vin'", ("batch", batch));

    private async Task<long> AffectedAsync(string campaign)
    {
        using var progress = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync($"/api/recalls/{campaign}"));
        return progress.RootElement.GetProperty("affected").GetInt64();
    }

    private async Task<HttpResponseMessage> PostVisitAsync(string vin, object visit, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/vehicles/{vin}/visits") { Content = JsonContent.Create(visit) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Http.SendAsync(request);
    }
}
