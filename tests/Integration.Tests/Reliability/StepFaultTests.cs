using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Integration.Tests.Vehicles;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using static AfterSales.Integration.Tests.Complaints.Complaints;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Reliability;

/// <summary>
/// A cluster of its own whose silo runs a fault-injecting grain call filter (<see cref="CallFaults"/>), keeps a
/// complaint's SLA reminder at one second, and may be restarted.
/// </summary>
public sealed class StepFaultFixture : RestartableClusterFixture
{
    public CallFaults Faults { get; } = new();

    /// <summary>The outbox sweeper of the silo running now.</summary>
    public OutboxSweeper Sweeper => Silo.Services.GetRequiredService<OutboxSweeper>();

    protected override IReadOnlyDictionary<string, string?>? SiloSettings { get; } =
        new Dictionary<string, string?> { ["Policies:Complaints:ReminderPeriod"] = "00:00:01" };

    protected override void ConfigureSiloServices(IServiceCollection services) => services.AddSingleton<IIncomingGrainCallFilter>(Faults);
}

/// <summary>
/// Issue 15, item 6: the main cross-grain flow — work order open → appraise → complete (the station writes the
/// completion and the visit it owes the vehicle) → the vehicle archives the visit (and owes the quality roll-up and
/// the batch watch) → the station hears it and owes its month's grades → settle (which waits for the archive) — and
/// the complaint and depot flows, with a failure injected between each pair of steps: PostgreSQL refusing exactly
/// one grain's write (<see cref="WriteRefusal"/>), a recipient that cannot be reached, a reply lost after its write
/// landed (<see cref="CallFaults"/>), the silo stopping between a write and its delivery. Each test is named for the
/// boundary it breaks, and proves that once the fault clears the flow finishes exactly once: the visit once in the
/// vehicle's history, counted once by the grades and the quality report, settled once.
/// </summary>
public sealed class StepFaultTests(StepFaultFixture fixture) : IClassFixture<StepFaultFixture>, IAsyncLifetime
{
    /// <summary>The bound of a wait for a grain's own retry (its timer retries every 5 s).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The complaint intake desk's token subject: a keyed intake's complaint id is derived from it and the key.</summary>
    private const string DeskSubject = "step-fault-desk";

    // Far from every complaint area (Complaints.NewArea), so no complaint is assigned to a work-order station.
    private const double StationLatitude = -38.0;
    private const double StationLongitude = -63.0;

    private HttpClient Http => fixture.Http;

    private string ConnectionString => fixture.ConnectionString;

    /// <summary>The business day of everything here (the fixture's clock stays on 2026-06-01).</summary>
    private DateTimeOffset Today => fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));

    private string Month => Today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private string QualityScope => AfterSales.Interfaces.Reports.QualityCounters.Scope(Today.Year, Today.Month);

    private string StationMonthScope(string station) => RollupScopes.StationMonth(station, Today.Year, Today.Month);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Faults.Clear();
        return Task.CompletedTask;
    }

    // ───────────────────────── open → appraise ─────────────────────────

    [Fact]
    public async Task Open_VehicleReadingLanded_StationWriteRefused_Is503_AndTheKeyedRetryOpensOneOrder()
    {
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "Faults" + Token(), StationLatitude, StationLongitude);
        var body = JsonSerializer.Serialize(new { vin, odometerKm = 1_500, kind = "repair", faultCode = "F-OPEN", system = "brakes", description = "check" });

        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "station", station))
        {
            var refused = await RequestAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders", body, "open-1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.True(refused.RetryAfter, "a 503 without Retry-After");
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        // The step before the boundary happened (the vehicle took the reading); the order was not opened.
        Assert.Equal(1_500, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}"))).GetProperty("odometerKm").GetInt32());
        Assert.Equal(0, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}"))).GetProperty("workOrders").GetInt32());

        var opened = await RequestAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders", body, "open-1");
        Assert.Equal(HttpStatusCode.Created, opened.Status);
        var again = await RequestAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders", body, "open-1");
        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(opened.Body.GetProperty("id").GetString(), again.Body.GetProperty("id").GetString());

        var view = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}"));
        Assert.Equal(1, view.GetProperty("workOrders").GetInt32());
        Assert.Equal(1, (await LoadAsync(Http, station)).GetProperty("openWorkOrders").GetInt32());
    }

    [Fact]
    public async Task Appraise_StationWriteRefused_Is503_NothingIsFiled_AndTheKeyedRetryFilesTheClaimOnce()
    {
        var (station, vin, order, fault) = await OpenedOrderAsync();
        await MoveAsync(Http, station, order, "start");
        var url = $"/api/stations/{station}/work-orders/{order}/appraisal";

        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "station", station))
        {
            var refused = await RequestAsync(HttpMethod.Post, url, Appraisal(), "appraise-1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        // The claim goes out with the station's write (its outbox): refused together, so no claim exists that the
        // work order does not name.
        Assert.Equal(0L, await ClaimsOfAsync(order));
        var unappraised = await WorkOrderAsync(station, order);
        Assert.True(!unappraised.TryGetProperty("claimId", out var noClaim) || noClaim.ValueKind == JsonValueKind.Null, $"claim on the order: {unappraised}");
        Assert.Equal(0, await HistoryCountAsync(vin, order));

        var appraised = await RequestAsync(HttpMethod.Post, url, Appraisal(), "appraise-1");
        Assert.Equal(HttpStatusCode.OK, appraised.Status);
        var claim = appraised.Body.GetProperty("claim").GetProperty("id").GetString()!;
        Assert.Equal("approved", appraised.Body.GetProperty("claim").GetProperty("state").GetString());
        var replayed = await RequestAsync(HttpMethod.Post, url, Appraisal(), "appraise-1");
        Assert.Equal(claim, replayed.Body.GetProperty("claim").GetProperty("id").GetString());
        Assert.Equal(1L, await ClaimsOfAsync(order));
        Assert.Equal(claim, (await WorkOrderAsync(station, order)).GetProperty("claimId").GetString());

        // The flow goes on to the end, once.
        Assert.True((await MoveAsync(Http, station, order, "complete")).GetProperty("archivedOnVehicle").GetBoolean());
        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task Appraise_ClaimUnreachable_The2xxIsTheStationsWrite_TheFilingArrivesFromItsOutbox_Once()
    {
        var (station, vin, order, fault) = await OpenedOrderAsync();
        await MoveAsync(Http, station, order, "start");
        var claimId = $"{order}-C1";
        var unreachable = fixture.Faults.Arm<AfterSales.Interfaces.Claims.IClaimGrain>(nameof(AfterSales.Interfaces.Claims.IClaimGrain.FileAsync), claimId, CallFault.Unreachable);

        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        Assert.Equal(1, unreachable.Fired);
        Assert.Equal((claimId, "approved"), (appraised.GetProperty("claim").GetProperty("id").GetString(), appraised.GetProperty("claim").GetProperty("state").GetString()));
        Assert.Equal(claimId, (await WorkOrderAsync(station, order)).GetProperty("claimId").GetString());
        Assert.Contains("claim:" + claimId, await OutboxAsync("station", station));

        // The station's own retry files it; the claim is then readable, filed once.
        await Eventually.UntilAsync(() => OutboxAsync("station", station), pending => !pending.Contains("claim:" + claimId), Patience, $"station {station} to file claim {claimId}");
        var filed = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claimId}"));
        Assert.Equal(("approved", order), (filed.GetProperty("state").GetString(), filed.GetProperty("workOrderId").GetString()));
        Assert.Equal(1L, await ClaimsOfAsync(order));

        Assert.True((await MoveAsync(Http, station, order, "complete")).GetProperty("archivedOnVehicle").GetBoolean());
        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claimId);
    }

    // ───────────────────────── appraise → vehicle (the running repair) ─────────────────────────

    [Fact]
    public async Task Appraise_VehicleRefusesTheRunningVisit_TheCompletionSupersedesIt_AndCompletingAgainArchivesOneVisit()
    {
        var (station, vin, order, fault) = await OpenedOrderAsync();
        await MoveAsync(Http, station, order, "start");
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "vehicle", vin);

        // The 2xx is the station's write: the running repair it owes the vehicle waits in its outbox.
        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        var claim = appraised.GetProperty("claim").GetProperty("id").GetString()!;
        Assert.Equal([$"visit:{order}:inrepair"], await OutboxAsync("station", station));
        Assert.Equal(0, await HistoryCountAsync(vin, order));

        // The completion replaces the running visit still owed: the vehicle will get the newer one only.
        var completed = await MoveAsync(Http, station, order, "complete");
        Assert.False(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.Equal([$"visit:{order}:completed"], await OutboxAsync("station", station));
        var early = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/settle"));
        Assert.Contains("has not reached vehicle", early.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.True(await refusal.LiftAsync() >= 2);
        // A retried request (completing again) sends it now.
        Assert.True((await MoveAsync(Http, station, order, "complete")).GetProperty("archivedOnVehicle").GetBoolean());
        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    // ───────────────────────── complete → station write → reply ─────────────────────────

    [Fact]
    public async Task Complete_StationWriteRefused_Is503_NothingReachesTheVehicle_AndTheKeyedRetryCompletesOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var url = $"/api/stations/{station}/work-orders/{order}/complete";

        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "station", station))
        {
            var refused = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.True(refused.RetryAfter, "a 503 without Retry-After");
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        // Nothing of the completion happened: the order is in repair, the vehicle holds the repair as running.
        Assert.Equal("inRepair", (await WorkOrderAsync(station, order)).GetProperty("state").GetString());
        Assert.Equal((1, 0), await HistoryAsync(vin, order));
        Assert.Equal(0L, await GradeCompletedAsync(station));

        var completed = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.OK, completed.Status);
        Assert.True(completed.Body.GetProperty("archivedOnVehicle").GetBoolean());
        var replayed = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        Assert.Equal("completed", replayed.Body.GetProperty("state").GetString());

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task Complete_WrittenAndDelivered_ReplyToTheCallerLost_TheKeyedRetryIsReplayed_NotAppliedTwice()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var url = $"/api/stations/{station}/work-orders/{order}/complete";
        var lost = fixture.Faults.Arm<IServiceStationGrain>(nameof(IServiceStationGrain.MoveWorkOrderAsync), station, CallFault.LoseReply);

        var first = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(1, lost.Fired);

        var retried = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal("completed", retried.Body.GetProperty("state").GetString());
        Assert.True(retried.Body.GetProperty("archivedOnVehicle").GetBoolean());
        // The first attempt was applied: completing once more without the key is an illegal move.
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, url));

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task Complete_WrittenButPublishingTheStationSummaryFails_Is503_YetTheVisitWasDelivered_AndTheKeyedRetrySaysSo()
    {
        var province = "Faults" + Token();
        var fault = "F-" + Token();
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, province, StationLatitude, StationLongitude);
        var order = await OpenAsync(Http, station, vin, 1_500, fault: fault);
        var claim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal())))
            .GetProperty("claim").GetProperty("id").GetString()!;
        // Starting publishes the station's summary as it stands (before a command the station pushes a version it
        // has not pushed yet), so the push that fails below is the one after the completion is written.
        await MoveAsync(Http, station, order, "start");
        var url = $"/api/stations/{station}/work-orders/{order}/complete";
        // The province's station group (the network roll-up) cannot be reached when the completion is published.
        var unreachable = fixture.Faults.Arm<IStationGroupGrain>(nameof(IStationGroupGrain.UpsertAsync), "province:" + province, CallFault.Unreachable);

        var first = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(1, unreachable.Fired);

        // The completion was written, and the visit it owes went out with it: the failed push is no reason to hold it
        // back until the sweeper finds it.
        Assert.Equal((1, 1), await HistoryAsync(vin, order));
        var retried = await RequestAsync(HttpMethod.Post, url, "{}", "complete-1");
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.True(retried.Body.GetProperty("archivedOnVehicle").GetBoolean(), $"replayed completion: {retried.Body}");

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    // ───────────────────────── station outbox → vehicle archive → station hears ─────────────────────────

    [Fact]
    [Trait("Category", "Slow")] // waits for the grain's own 5 s delivery timer: left out of ./test.sh --fast
    public async Task VisitToVehicle_VehicleWriteRefused_TheVisitWaitsInTheStationOutbox_SettleWaits_AndTheStationTimerDeliversItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "vehicle", vin);

        // Acknowledged: the completion and the visit it owes are durable together.
        var completed = await CompleteKeyedAsync(station, order);
        Assert.False(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.Equal([$"visit:{order}:completed"], await OutboxAsync("station", station));
        Assert.Equal((1, 0), await HistoryAsync(vin, order));
        var early = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/settle"));
        Assert.Contains("has not reached vehicle", early.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await GradeCompletedAsync(station));
        Assert.Equal(0L, await QualityRepairsAsync(fault));

        Assert.True(await refusal.LiftAsync() >= 1);
        // Nobody asks again: the station's own retry timer delivers it.
        await Eventually.UntilAsync(() => OutboxAsync("station", station), pending => pending.Length == 0, Patience, $"station {station}'s outbox to drain");
        Assert.True((await WorkOrderAsync(station, order)).GetProperty("archivedOnVehicle").GetBoolean());

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task VisitToVehicle_ArchiveWrittenButItsReplyLost_CompletingAgainSendsItAgain_AndTheArchiveHoldsItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var lost = fixture.Faults.Arm<IVehicleGrain>(nameof(IVehicleGrain.AppendVisitAsync), vin, CallFault.LoseReply);

        var completed = await CompleteKeyedAsync(station, order);
        Assert.Equal(1, lost.Fired);
        Assert.False(completed.GetProperty("archivedOnVehicle").GetBoolean());
        // The vehicle has it (and reported the repair); the station did not hear, so owes it still and grades nothing.
        Assert.Equal((1, 1), await HistoryAsync(vin, order));
        Assert.Equal(1L, await QualityRepairsAsync(fault));
        Assert.Equal([$"visit:{order}:completed"], await OutboxAsync("station", station));
        Assert.Equal(0L, await GradeCompletedAsync(station));

        // A retried request: completing again (a new request, so a new key) sends the visit now.
        var again = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders/{order}/complete", "complete-2"));
        Assert.True(again.GetProperty("archivedOnVehicle").GetBoolean());

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task ArchiveAnswer_StationCannotWriteIt_TheVisitIsSentAgainBySweeper_AndArchivedAndGradedOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        // Only the station's write that takes the vehicle's answer in (the order archived, the grades owed).
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "station", station,
            $"NEW.payload @> {WriteRefusal.Literal(JsonSerializer.Serialize(new { workOrders = new[] { new { id = order, archivedOnVehicle = true } } }))}::jsonb");

        var completed = await CompleteKeyedAsync(station, order);
        Assert.False(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.True(await refusal.RefusedAsync() >= 1);
        Assert.Equal((1, 1), await HistoryAsync(vin, order));
        Assert.Equal([$"visit:{order}:completed"], await OutboxAsync("station", station));
        Assert.Equal(0L, await GradeCompletedAsync(station));
        await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/settle"));

        await refusal.LiftAsync();
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Empty(await OutboxAsync("station", station));
        Assert.True((await WorkOrderAsync(station, order)).GetProperty("archivedOnVehicle").GetBoolean());

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    [Fact]
    public async Task VisitToVehicle_SiloStopsBetweenTheCompletionAndItsDelivery_TheNextSilosSweeperDeliversItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var refusal = await WriteRefusal.StartAsync(ConnectionString, "vehicle", vin);
        try
        {
            var completed = await CompleteKeyedAsync(station, order);
            Assert.False(completed.GetProperty("archivedOnVehicle").GetBoolean());

            // The silo goes (with the station's retry timer) while the visit is owed; the vehicle can write again
            // before a new silo starts. Nothing calls the station afterwards: only the stored outbox remembers.
            await fixture.RestartSiloAsync(TimeSpan.FromSeconds(60), () => refusal.Lift());
        }
        finally
        {
            await refusal.DisposeAsync();
        }

        Assert.Equal([$"visit:{order}:completed"], await OutboxAsync("station", station));
        Assert.True(await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero) >= 1);
        Assert.Empty(await OutboxAsync("station", station));

        await AssertFinishedOnceAsync(station, vin, order, fault);
        await AssertSettlesOnceAsync(station, order, claim);
    }

    // ───────────────────────── station → its month's grades ─────────────────────────

    [Fact]
    public async Task GradeReport_StationMonthRollupRefusesIt_SettleDoesNotWait_AndTheSweeperDeliversItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var scope = StationMonthScope(station);
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "counterRollup", scope);

        var completed = await CompleteKeyedAsync(station, order);
        Assert.True(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.Equal([$"grade:{order}"], await OutboxAsync("station", station));
        Assert.Equal(0L, await GradeCompletedAsync(station));
        // Settling waits for the archive, not for the grades.
        await AssertSettlesOnceAsync(station, order, claim);

        Assert.True(await refusal.LiftAsync() >= 1);
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Empty(await OutboxAsync("station", station));
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        await AssertFinishedOnceAsync(station, vin, order, fault);
        Assert.Equal(1L, await FinalRowsAsync(scope, "wo:" + order));
    }

    [Fact]
    [Trait("Category", "Slow")] // waits for the grain's own 5 s delivery timer: left out of ./test.sh --fast
    public async Task GradeReport_CountedButItsReplyLost_TheStationSendsItAgain_AndTheMonthCountsItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var scope = StationMonthScope(station);
        var lost = fixture.Faults.Arm<ICounterRollupGrain>(nameof(ICounterRollupGrain.ReportAsync), scope, CallFault.LoseReply);

        var completed = await CompleteKeyedAsync(station, order);
        Assert.True(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.Equal(1, lost.Fired);
        // Counted, but the station did not hear it: the report is still owed.
        Assert.Equal(1L, await GradeCompletedAsync(station));
        Assert.Equal([$"grade:{order}"], await OutboxAsync("station", station));

        await Eventually.UntilAsync(() => OutboxAsync("station", station), pending => pending.Length == 0, Patience, $"station {station}'s outbox to drain");
        await AssertFinishedOnceAsync(station, vin, order, fault);
        Assert.Equal(1L, await FinalRowsAsync(scope, "wo:" + order));
        await AssertSettlesOnceAsync(station, order, claim);
    }

    // ───────────────────────── vehicle → quality report ─────────────────────────

    [Fact]
    [Trait("Category", "Slow")] // waits for the grain's own 5 s delivery timer: left out of ./test.sh --fast
    public async Task QualityReport_QualityRollupRefusesIt_TheVehicleKeepsIt_AndItsTimerDeliversItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "counterRollup", QualityScope);

        var completed = await CompleteKeyedAsync(station, order);
        Assert.True(completed.GetProperty("archivedOnVehicle").GetBoolean());
        Assert.Equal((1, 1), await HistoryAsync(vin, order));
        Assert.Equal(1L, await GradeCompletedAsync(station));
        Assert.Equal(0L, await QualityRepairsAsync(fault));
        Assert.Contains($"repair:{order}", await OutboxAsync("vehicle", vin));
        await AssertSettlesOnceAsync(station, order, claim);

        Assert.True(await refusal.LiftAsync() >= 1);
        await Eventually.UntilAsync(() => OutboxAsync("vehicle", vin), pending => pending.Length == 0, Patience, $"vehicle {vin}'s outbox to drain");
        await AssertFinishedOnceAsync(station, vin, order, fault);
        Assert.Equal(1L, await FinalRowsAsync(QualityScope, "repair:" + order));
    }

    [Fact]
    [Trait("Category", "Slow")] // waits for the grain's own 5 s delivery timer: left out of ./test.sh --fast
    public async Task QualityReport_CountedButItsReplyLost_TheVehicleSendsItAgain_AndTheMonthCountsItOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        var source = "repair:" + order;
        var lost = fixture.Faults.Arm<ICounterRollupGrain>(nameof(ICounterRollupGrain.ReportAsync), QualityScope, CallFault.LoseReply,
            firstArgument: a => a is CounterContribution c && c.Source == source);

        await CompleteKeyedAsync(station, order);
        Assert.Equal(1, lost.Fired);
        Assert.Equal(1L, await QualityRepairsAsync(fault));
        Assert.Contains(source, await OutboxAsync("vehicle", vin));

        await Eventually.UntilAsync(() => OutboxAsync("vehicle", vin), pending => pending.Length == 0, Patience, $"vehicle {vin}'s outbox to drain");
        await AssertFinishedOnceAsync(station, vin, order, fault);
        Assert.Equal(1L, await FinalRowsAsync(QualityScope, source));
        await AssertSettlesOnceAsync(station, order, claim);
    }

    // ───────────────────────── settle → claim → station write → reply ─────────────────────────

    [Fact]
    public async Task Settle_ClaimWriteRefused_Is503_TheOrderStaysCompleted_AndTheKeyedRetrySettlesOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        await MoveAsync(Http, station, order, "complete");
        var url = $"/api/stations/{station}/work-orders/{order}/settle";

        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "claim", claim))
        {
            var refused = await RequestAsync(HttpMethod.Post, url, "{}", "settle-1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        Assert.Equal("completed", (await WorkOrderAsync(station, order)).GetProperty("state").GetString());
        Assert.Equal("approved", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"))).GetProperty("state").GetString());

        await AssertSettlesOnceAsync(station, order, claim, "settle-1");
        await AssertFinishedOnceAsync(station, vin, order, fault);
    }

    [Fact]
    public async Task Settle_ClaimSettled_StationWriteRefused_Is503_AndTheKeyedRetrySettlesOnce()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        await MoveAsync(Http, station, order, "complete");
        var url = $"/api/stations/{station}/work-orders/{order}/settle";

        // Only the write that takes the order out of the station's live orders (settling closes it).
        var live = WriteRefusal.Literal(JsonSerializer.Serialize(new { workOrders = new[] { new { id = order } } }));
        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "station", station, $"NOT (NEW.payload @> {live}::jsonb)"))
        {
            var refused = await RequestAsync(HttpMethod.Post, url, "{}", "settle-1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        // The step before the boundary happened: the claim is settled, the order is not.
        Assert.Equal("settled", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"))).GetProperty("state").GetString());
        Assert.Equal("completed", (await WorkOrderAsync(station, order)).GetProperty("state").GetString());

        await AssertSettlesOnceAsync(station, order, claim, "settle-1");
        await AssertFinishedOnceAsync(station, vin, order, fault);
    }

    [Fact]
    public async Task Settle_WrittenButItsReplyLost_TheKeyedRetryIsReplayed_AndAnotherSettleIsRefused()
    {
        var (station, vin, order, fault, claim) = await AppraisedOrderAsync();
        await MoveAsync(Http, station, order, "complete");
        var lost = fixture.Faults.Arm<IServiceStationGrain>(nameof(IServiceStationGrain.MoveWorkOrderAsync), station, CallFault.LoseReply);

        var first = await RequestAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders/{order}/settle", "{}", "settle-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(1, lost.Fired);
        Assert.Equal("settled", (await WorkOrderAsync(station, order)).GetProperty("state").GetString());

        await AssertSettlesOnceAsync(station, order, claim, "settle-1");
        await AssertFinishedOnceAsync(station, vin, order, fault);
    }

    // ───────────────────────── complaint intake → SLA reminder → card → roll-ups ─────────────────────────
    // (The reminder table refusing the intake — 503, no card — is ComplaintRestartTests' first test.)

    [Fact]
    public async Task ComplaintIntake_ReminderRegistered_CardWriteRefused_Is503_TheLeftoverReminderRemovesItself_AndTheRetryRegistersOneCard()
    {
        var (station, body) = await ComplaintAreaAsync();
        var key = "intake-" + Token();
        var id = ComplaintId(key);
        // Records every registration of this complaint's reminder, which its own tick may remove again within a second.
        var audit = "reminders_" + Token().ToLowerInvariant();
        await TestDatabase.ScalarAsync<object>(ConnectionString, $"""
            CREATE TABLE {audit} (grain_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION {audit}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO {audit} (grain_id) VALUES (NEW.grain_id); RETURN NULL; END $$;
            CREATE TRIGGER {audit} AFTER INSERT OR UPDATE ON reminder FOR EACH ROW
                WHEN (NEW.grain_id LIKE {WriteRefusal.Literal($"%{id}%")}) EXECUTE FUNCTION {audit}();
            """);
        try
        {
            await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "complaint", id))
            {
                var refused = await IntakeAsync(body, key);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
                Assert.True(await refusal.LiftAsync() >= 1);
            }

            // The step before the boundary happened: the reminder was registered, before the card's refused write.
            Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(ConnectionString, $"SELECT count(*) FROM {audit}"));
        }
        finally
        {
            await TestDatabase.ScalarAsync<object>(ConnectionString, $"DROP TRIGGER {audit} ON reminder");
        }

        await ExpectAsync(HttpStatusCode.NotFound, GetAsync(Http, $"/api/complaints/{id}"));
        // The reminder registered before the refused write finds no card on its first tick and unregisters itself.
        await Eventually.UntilAsync(() => RemindersOfAsync(id), count => count == 0, Patience, $"the reminder left by complaint {id}'s refused intake to go");

        var registered = await IntakeAsync(body, key);
        Assert.Equal(HttpStatusCode.Created, registered.Status);
        Assert.Equal(id, registered.Body.GetProperty("id").GetString());
        Assert.Equal(station, registered.Body.GetProperty("stationCode").GetString());
        Assert.Equal(1L, await RemindersOfAsync(id));
        Assert.Equal(1L, await CardsAsync(id));
        Assert.Equal(1L, await GradeInputAsync(station, "serviceRequests"));
    }

    [Fact]
    public async Task ComplaintIntake_CardWrittenButItsReplyLost_TheKeyedRetryReturnsTheSameCard_CountedOnce()
    {
        var (station, body) = await ComplaintAreaAsync();
        var key = "intake-" + Token();
        var id = ComplaintId(key);
        var lost = fixture.Faults.Arm<IComplaintGrain>(nameof(IComplaintGrain.RegisterAsync), id, CallFault.LoseReply);

        var first = await IntakeAsync(body, key);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(1, lost.Fired);

        var retried = await IntakeAsync(body, key);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Equal(id, retried.Body.GetProperty("id").GetString());
        Assert.Equal(1L, await CardsAsync(id));
        Assert.Equal(1L, await RemindersOfAsync(id));
        Assert.Equal(1L, await GradeInputAsync(station, "serviceRequests"));
    }

    [Fact]
    public async Task ComplaintReport_StationMonthRollupRefusesIt_TheCardIs201_AndTheSweeperDeliversItOnce()
    {
        var (station, body) = await ComplaintAreaAsync();
        var key = "intake-" + Token();
        var id = ComplaintId(key);
        var scope = StationMonthScope(station);

        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "counterRollup", scope);
        var registered = await IntakeAsync(body, key);
        Assert.Equal(HttpStatusCode.Created, registered.Status);
        Assert.Equal(id, registered.Body.GetProperty("id").GetString());
        // The card is durable with the report it owes its station's month, which waits in its outbox.
        Assert.NotEmpty(await OutboxAsync("complaint", id));
        Assert.Equal(0L, await GradeInputAsync(station, "serviceRequests"));

        Assert.True(await refusal.LiftAsync() >= 1);
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Empty(await OutboxAsync("complaint", id));
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Created, (await IntakeAsync(body, key)).Status);
        Assert.Equal(1L, await GradeInputAsync(station, "serviceRequests"));
    }

    // ───────────────────────── depot reservation → part availability index ─────────────────────────

    [Fact]
    [Trait("Category", "Slow")] // waits for the grain's own 5 s delivery timer: left out of ./test.sh --fast
    public async Task Reservation_AvailabilityIndexRefusesTheUpdate_TheReservationIs201_AndTheIndexCatchesUpOnce()
    {
        var (depot, part, body) = await StockedDepotAsync();
        await using var refusal = await WriteRefusal.StartAsync(ConnectionString, "partAvailability", part);

        var reserved = await RequestAsync(HttpMethod.Post, $"/api/depots/{depot}/reservations", body, "reserve-1");
        Assert.Equal(HttpStatusCode.Created, reserved.Status);
        Assert.Equal("allocated", reserved.Body.GetProperty("state").GetString());
        Assert.Equal(2, await AvailableAtDepotAsync(depot, part));
        // The index still shows the stock before the reservation; the update waits in the depot's outbox.
        Assert.Equal(5, await IndexedAvailableAsync(depot, part));
        Assert.Contains($"availability:{part}", await OutboxAsync("depot", depot));

        Assert.True(await refusal.LiftAsync() >= 1);
        await Eventually.UntilAsync(() => OutboxAsync("depot", depot), pending => pending.Length == 0, Patience, $"depot {depot}'s outbox to drain");
        Assert.Equal(2, await IndexedAvailableAsync(depot, part));

        var retried = await RequestAsync(HttpMethod.Post, $"/api/depots/{depot}/reservations", body, "reserve-1");
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Equal(reserved.Body.GetProperty("id").GetString(), retried.Body.GetProperty("id").GetString());
        Assert.Equal(2, await AvailableAtDepotAsync(depot, part));
        Assert.Equal(2, await IndexedAvailableAsync(depot, part));
    }

    [Fact]
    public async Task Reservation_WrittenButItsReplyLost_TheKeyedRetryReturnsTheSameReservation_StockReservedOnce()
    {
        var (depot, part, body) = await StockedDepotAsync();
        var lost = fixture.Faults.Arm<IPartsDepotGrain>(nameof(IPartsDepotGrain.ReserveAsync), depot, CallFault.LoseReply);

        var first = await RequestAsync(HttpMethod.Post, $"/api/depots/{depot}/reservations", body, "reserve-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Status);
        Assert.Equal(1, lost.Fired);

        var retried = await RequestAsync(HttpMethod.Post, $"/api/depots/{depot}/reservations", body, "reserve-1");
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));
        Assert.Equal(3, stock.GetProperty("reserved").GetInt32());
        Assert.Equal(2, stock.GetProperty("available").GetInt32());
        var depotView = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}"));
        Assert.Equal(1, depotView.GetProperty("openReservations").GetInt32());
        Assert.Equal(2, await IndexedAvailableAsync(depot, part));
    }

    [Fact]
    public async Task AvailabilityUpdate_IndexedButItsReplyLost_TheDepotSendsItAgain_AndTheIndexKeepsTheNewest()
    {
        var (depot, part, body) = await StockedDepotAsync();
        var lost = fixture.Faults.Arm<IPartAvailabilityGrain>(nameof(IPartAvailabilityGrain.UpsertAsync), part, CallFault.LoseReply);

        await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/depots/{depot}/reservations", "reserve-1", body));
        Assert.Equal(1, lost.Fired);
        Assert.Equal(2, await IndexedAvailableAsync(depot, part));
        Assert.Contains($"availability:{part}", await OutboxAsync("depot", depot));

        // A later change overtakes the pending update; both resends end with the newest quantity.
        await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post, $"/api/depots/{depot}/receipts", "receipt-2",
            JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = 4 } } })));
        await Eventually.UntilAsync(() => OutboxAsync("depot", depot), pending => pending.Length == 0, Patience, $"depot {depot}'s outbox to drain");
        Assert.Equal(6, await IndexedAvailableAsync(depot, part));
        Assert.Equal(6, await AvailableAtDepotAsync(depot, part));
    }

    // ───────────────────────── urgent order → depots, shipment → depot and station (issue 21 item 5) ─────────────────────────

    [Fact]
    public async Task UrgentTransfer_SourceReservedButItsReplyLost_TheOrderSendsItAgain_AndTheSourceReservesOnce()
    {
        var (station, order, part, home, far) = await TransferSetupAsync();
        var lost = fixture.Faults.Arm<IPartsDepotGrain>(nameof(IPartsDepotGrain.ReserveAsync), far, CallFault.LoseReply);

        var placed = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));
        var id = placed.GetProperty("id").GetString()!;
        Assert.Equal(1, lost.Fired);
        // Reserved at the source, but the order did not hear it: still sourcing, the reservation still owed.
        Assert.Equal("sourcing", placed.GetProperty("state").GetString());
        Assert.Equal(["reserve"], await OutboxAsync("urgentOrder", id));
        Assert.Equal((4, 1), await ReservedAsync(far, part));

        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        await Eventually.UntilAsync(() => OutboxAsync("urgentOrder", id), pending => pending.Length == 0, Patience, $"urgent order {id}'s outbox to drain");
        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/urgent-orders/{id}"));
        Assert.Equal(("sourced", "reserved"), (read.GetProperty("state").GetString(), read.GetProperty("legs")[0].GetProperty("state").GetString()));
        Assert.Equal((4, 1), await ReservedAsync(far, part));
        Assert.Equal(placed.GetProperty("reservationDepot").GetString(), far);
        // The keyed retry of the order is the same order; nothing is reserved again anywhere.
        await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal((4, 1), await ReservedAsync(far, part));
        Assert.Equal((1, 4, 0, 4), await LevelsAsync(home, part));
    }

    [Fact]
    public async Task UrgentTransfer_HomeDepotCannotWrite_TheOrderIs201Sourcing_AndTheSweeperPutsItOnOrderThereOnce()
    {
        var (station, order, part, home, far) = await TransferSetupAsync();
        string id;
        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "depot", home))
        {
            var placed = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));
            id = placed.GetProperty("id").GetString()!;
            Assert.True(await refusal.RefusedAsync() >= 1);
            Assert.Equal("sourcing", placed.GetProperty("state").GetString());
            Assert.Equal(["home"], await OutboxAsync("urgentOrder", id));
            // Nothing on order at home yet; the source reserved.
            Assert.Equal((1, 0, 0, 0), await LevelsAsync(home, part));
            Assert.Equal((4, 1), await ReservedAsync(far, part));
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        await Eventually.UntilAsync(() => OutboxAsync("urgentOrder", id), pending => pending.Length == 0, Patience, $"urgent order {id}'s outbox to drain");
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        Assert.Equal((1, 4, 0, 4), await LevelsAsync(home, part));
        var read = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/urgent-orders/{id}"));
        Assert.Equal(("sourced", "awaitingTransfer"), (read.GetProperty("state").GetString(), read.GetProperty("legs")[1].GetProperty("state").GetString()));
        Assert.Equal(1, (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{home}"))).GetProperty("openReservations").GetInt32());
    }

    [Fact]
    public async Task TransferShipment_NoticeAndReceiptRepliesLost_TheyAreSentAgain_AndTheHomeDepotReceivesItOnce()
    {
        var (station, order, part, home, far) = await TransferSetupAsync();
        var placed = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));
        var id = placed.GetProperty("id").GetString()!;
        var transfer = placed.GetProperty("reservationId").GetString()!;
        var shipmentId = $"{far}-S1";
        var noticeLost = fixture.Faults.Arm<IShipmentGrain>(nameof(IShipmentGrain.IssueAsync), shipmentId, CallFault.LoseReply);
        var receiptLost = fixture.Faults.Arm<IPartsDepotGrain>(nameof(IPartsDepotGrain.ReceiveTransferAsync), home, CallFault.LoseReply);

        var shipped = await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post, $"/api/depots/{far}/reservations/{transfer}/ship", "ship-1"));
        Assert.Equal(shipmentId, shipped.GetProperty("shipmentId").GetString());
        Assert.Equal((1, 1), (noticeLost.Fired, receiptLost.Fired));
        // Received at home (its write landed) though neither sender heard it: both still owe their message.
        Assert.Equal([$"shipment:{shipmentId}"], await OutboxAsync("depot", far));
        Assert.Equal(["depot"], await OutboxAsync("shipment", shipmentId));
        Assert.Equal((5, 0, 4, 0), await LevelsAsync(home, part));

        for (var sweep = 0; sweep < 2; sweep++)
        {
            await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        }

        await Eventually.UntilAsync(async () => (await OutboxAsync("depot", far)).Length + (await OutboxAsync("shipment", shipmentId)).Length,
            pending => pending == 0, Patience, "the source depot's and the shipment's outboxes to drain");
        Assert.Equal((5, 0, 4, 0), await LevelsAsync(home, part));
        Assert.Equal("received", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/shipments/{shipmentId}"))).GetProperty("state").GetString());
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'depot' AND grain_key = @key AND kind = 'transferReceipt'", ("key", home)));
        var legs = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/urgent-orders/{id}"))).GetProperty("legs");
        Assert.Equal(("received", "allocated"), (legs[0].GetProperty("state").GetString(), legs[1].GetProperty("state").GetString()));
    }

    [Fact]
    public async Task DeliveryToTheStation_StationPartsCannotWriteTheInspection_TheSweeperDeliversIt_AndTheStockCountsItOnce()
    {
        var (station, order, part, home, far) = await TransferSetupAsync();
        var placed = await ExpectAsync(HttpStatusCode.Created, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/urgent-orders", "urgent-1", Urgent(part, 4, order)));
        var id = placed.GetProperty("id").GetString()!;
        await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post, $"/api/depots/{far}/reservations/{placed.GetProperty("reservationId").GetString()}/ship", "ship-1"));
        var delivery = (await ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post,
            $"/api/depots/{home}/reservations/{placed.GetProperty("homeReservationId").GetString()}/ship", "ship-2"))).GetProperty("shipmentId").GetString()!;
        var inspection = JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, accepted = 4, rejected = 0 } } });
        using var stationClient = fixture.Api.CreateClient(Roles.Station, station);

        await using (var refusal = await WriteRefusal.StartAsync(ConnectionString, "stationParts", station))
        {
            var inspected = await RequestAsync(HttpMethod.Post, $"/api/shipments/{delivery}/inspection", inspection, "inspect-1", stationClient);
            Assert.Equal(HttpStatusCode.OK, inspected.Status);
            Assert.True(await refusal.RefusedAsync() >= 1);
            Assert.Equal(["station"], await OutboxAsync("shipment", delivery));
            var before = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/parts-stock"));
            Assert.Equal(0, before.GetProperty("shipmentsInspected").GetInt32());
            Assert.True(await refusal.LiftAsync() >= 1);
        }

        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        await Eventually.UntilAsync(() => OutboxAsync("shipment", delivery), pending => pending.Length == 0, Patience, $"shipment {delivery}'s outbox to drain");
        // A retried inspection is replayed and changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(HttpMethod.Post, $"/api/shipments/{delivery}/inspection", inspection, "inspect-1", stationClient)).Status);
        await fixture.Sweeper.SweepOnceAsync(TimeSpan.Zero);
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(stationClient, $"/api/stations/{station}/parts-stock"));
        Assert.Equal(1, stock.GetProperty("shipmentsInspected").GetInt32());
        Assert.Equal(4, Assert.Single(stock.GetProperty("parts").EnumerateArray().ToList()).GetProperty("accepted").GetInt32());
        var legs = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/urgent-orders/{id}"))).GetProperty("legs");
        Assert.Equal(("received", "arrived"), (legs[0].GetProperty("state").GetString(), legs[1].GetProperty("state").GetString()));
        Assert.Equal((1, 0, 0, 0), await LevelsAsync(home, part));
    }

    // ───────────────────────── helpers ─────────────────────────

    /// <summary>A fresh vehicle and station, and an open repair order for a fault code no other test uses.</summary>
    private async Task<(string Station, string Vin, string Order, string Fault)> OpenedOrderAsync()
    {
        var fault = "F-" + Token();
        var vin = await DeliveredVehicleAsync(Http);
        var station = await StationAsync(Http, "Faults" + Token(), StationLatitude, StationLongitude);
        var order = await OpenAsync(Http, station, vin, 1_500, fault: fault);
        return (station, vin, order, fault);
    }

    /// <summary>An order in repair whose warranty claim was approved (its running repair already on the vehicle).</summary>
    private async Task<(string Station, string Vin, string Order, string Fault, string Claim)> AppraisedOrderAsync()
    {
        var (station, vin, order, fault) = await OpenedOrderAsync();
        await MoveAsync(Http, station, order, "start");
        var appraised = await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station}/work-orders/{order}/appraisal", Appraisal()));
        Assert.Equal("approved", appraised.GetProperty("claim").GetProperty("state").GetString());
        Assert.Equal((1, 0), await HistoryAsync(vin, order));
        return (station, vin, order, fault, appraised.GetProperty("claim").GetProperty("id").GetString()!);
    }

    /// <summary>
    /// The completion is in the vehicle's history once and completed, the station's month counts it once and the
    /// quality report counts the repair once, and nothing is owed any more.
    /// </summary>
    private async Task AssertFinishedOnceAsync(string station, string vin, string order, string fault)
    {
        Assert.Equal((1, 1), await HistoryAsync(vin, order));
        Assert.Equal(1L, await GradeCompletedAsync(station));
        Assert.Equal(1L, await QualityRepairsAsync(fault));
        Assert.Equal(1L, await FinalRowsAsync(StationMonthScope(station), "wo:" + order));
        Assert.Equal(1L, await FinalRowsAsync(QualityScope, "repair:" + order));
        Assert.Empty(await OutboxAsync("vehicle", vin));
        Assert.Empty(await OutboxAsync("station", station));
    }

    /// <summary>Settles (with <paramref name="key"/>, again with it, then once more without): one settlement, then replays and a refusal.</summary>
    private async Task AssertSettlesOnceAsync(string station, string order, string claim, string key = "settle-final")
    {
        var url = $"/api/stations/{station}/work-orders/{order}/settle";
        var settled = await RequestAsync(HttpMethod.Post, url, "{}", key);
        Assert.True(settled.Status == HttpStatusCode.OK, $"settle: {settled.Status} {settled.Body}");
        Assert.Equal("settled", settled.Body.GetProperty("state").GetString());
        var replayed = await RequestAsync(HttpMethod.Post, url, "{}", key);
        Assert.Equal(HttpStatusCode.OK, replayed.Status);
        Assert.Equal("settled", replayed.Body.GetProperty("state").GetString());
        var again = await ExpectAsync(HttpStatusCode.Conflict, PostAsync(Http, url));
        Assert.Contains("is settled", again.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal("settled", (await WorkOrderAsync(station, order)).GetProperty("state").GetString());
        Assert.Equal("settled", (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/claims/{claim}"))).GetProperty("state").GetString());
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'station' AND grain_key = @code AND kind = 'workOrder' AND row_key = @order",
            ("code", station), ("order", order)));
    }

    /// <summary>How often the visit is in the vehicle's history, and how often as completed.</summary>
    private async Task<(int Visits, int Completed)> HistoryAsync(string vin, string visitId)
    {
        var items = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/vehicles/{vin}/history?limit=500"))).GetProperty("items")
            .EnumerateArray().Select(i => i.GetProperty("visit")).Where(v => v.GetProperty("visitId").GetString() == visitId).ToList();
        return (items.Count, items.Count(v => v.TryGetProperty("completedAt", out var at) && at.ValueKind == JsonValueKind.String));
    }

    private async Task<int> HistoryCountAsync(string vin, string visitId) => (await HistoryAsync(vin, visitId)).Visits;

    private Task<JsonElement> WorkOrderAsync(string station, string order) =>
        ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}/work-orders/{order}"));

    private async Task<long> GradeCompletedAsync(string station) => await GradeInputAsync(station, "completedWorkOrders");

    /// <summary>One input of the station's row in this month's grades report.</summary>
    private async Task<long> GradeInputAsync(string station, string input)
    {
        var (_, rows) = await Reports.StationGradesPagingTests.WalkAsync(Http, Month, 500);
        var row = rows.Single(s => s.GetProperty("code").GetString() == station);
        return row.GetProperty("inputs").GetProperty(input).GetInt64();
    }

    /// <summary>Repairs of <paramref name="fault"/> in this month's quality report (0 when it does not list the fault).</summary>
    private async Task<long> QualityRepairsAsync(string fault)
    {
        var report = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/reports/quality/{Month}"));
        return report.GetProperty("byFault").EnumerateArray().Where(f => f.GetProperty("name").GetString() == fault)
            .Select(f => f.GetProperty("repairs").GetInt64()).SingleOrDefault();
    }

    /// <summary>Completes the order with the key "complete-1" (the key each test retries with), expecting 200.</summary>
    private Task<JsonElement> CompleteKeyedAsync(string station, string order) =>
        ExpectAsync(HttpStatusCode.OK, SendKeyedAsync(HttpMethod.Post, $"/api/stations/{station}/work-orders/{order}/complete", "complete-1"));

    /// <summary>The ids of the messages in the grain's stored outbox (what it owes and has not had acknowledged).</summary>
    private async Task<string[]> OutboxAsync(string stateName, string grainKey)
    {
        var ids = await TestDatabase.ScalarAsync<string>(ConnectionString, """
            SELECT coalesce(string_agg(m->>'id', ',' ORDER BY m->>'id'), '')
            FROM grain_state g, jsonb_array_elements(coalesce(g.payload->'outbox', '[]'::jsonb)) AS m
            WHERE g.state_name = @state AND g.grain_key = @key
            """, ("state", stateName), ("key", grainKey));
        return string.IsNullOrEmpty(ids) ? [] : ids.Split(',');
    }

    /// <summary>How often <paramref name="source"/> is recorded as folded into the roll-up (a final report counts when that row is written).</summary>
    private Task<long> FinalRowsAsync(string scope, string source) =>
        TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM grain_rows WHERE state_name = 'counterRollup' AND grain_key = @scope AND kind = 'final' AND row_key = @source",
            ("scope", scope), ("source", source));

    private Task<long> ClaimsOfAsync(string order) =>
        TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM grain_state WHERE state_name = 'claim' AND payload->'claim'->>'workOrderId' = @order", ("order", order));

    // Complaints

    /// <summary>A station of its own in an area of its own, and an intake there.</summary>
    private async Task<(string Station, string Body)> ComplaintAreaAsync()
    {
        var (lat, lon) = NewArea();
        var station = await StationAsync(Http, "FaultsC" + Token(), lat, lon);
        return (station, Body(lat, lon));
    }

    /// <summary>The complaint id the API derives from the caller and the key (ComplaintsApi.NewId), so a test can break that card before it exists.</summary>
    private static string ComplaintId(string key) =>
        "C" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{DeskSubject}\n{key}")))[..20];

    private async Task<Reply> IntakeAsync(string body, string key)
    {
        using var desk = fixture.Api.CreateClient();
        desk.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.Token(Roles.CallCentre, subject: DeskSubject));
        return await RequestAsync(HttpMethod.Post, "/api/complaints", body, key, desk);
    }

    private Task<long> RemindersOfAsync(string complaintId) =>
        TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM reminder WHERE grain_id LIKE @key AND reminder_name = 'sla'", ("key", $"%{complaintId}%"));

    private Task<long> CardsAsync(string complaintId) =>
        TestDatabase.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM grain_state WHERE state_name = 'complaint' AND grain_key = @id AND payload ? 'intake'", ("id", complaintId));

    // Depots

    /// <summary>A depot with 5 of a fresh part (indexed as 5), and a reservation request for 3 of them for an open work order.</summary>
    private async Task<(string Depot, string Part, string Reservation)> StockedDepotAsync()
    {
        var depot = "D-" + Token();
        var part = "P-" + Token();
        await ExpectAsync(HttpStatusCode.Created, Stations.Api.SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province = "FaultsD" + Token(), latitude = -34.6, longitude = -58.4 })));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts",
            JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = 5 } } })));
        await Eventually.UntilAsync(() => IndexedAvailableAsync(depot, part), available => available == 5, Patience, $"part {part}'s index to list depot {depot}");
        var (station, _, order, _) = await OpenedOrderAsync();
        var reservation = JsonSerializer.Serialize(new { partNo = part, quantity = 3, stationCode = station, workOrderId = order, warranty = false, urgent = false });
        return (depot, part, reservation);
    }

    /// <summary>
    /// A station (far from every other test's) with a repair waiting for parts, a home depot next to it with 1 of a part
    /// nobody else uses and a depot ~900 km away with 6: an urgent order for 4 is a transfer.
    /// </summary>
    private async Task<(string Station, string Order, string Part, string Home, string Far)> TransferSetupAsync()
    {
        var (station, _, order, _, _) = await AppraisedOrderAsync();
        await MoveAsync(Http, station, order, "wait-for-parts");
        var province = (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{station}"))).GetProperty("province").GetString()!;
        var part = "P-" + Token();
        var home = await UrgentDepotAsync(province, StationLatitude - 0.05, StationLongitude - 0.05, part, 1);
        var far = await UrgentDepotAsync(province, StationLatitude + 8, StationLongitude, part, 6);
        return (station, order, part, home, far);
    }

    private async Task<string> UrgentDepotAsync(string province, double latitude, double longitude, string part, int stock)
    {
        var depot = "D-" + Token();
        await ExpectAsync(HttpStatusCode.Created, Stations.Api.SendAsync(Http, HttpMethod.Put, $"/api/depots/{depot}",
            JsonSerializer.Serialize(new { name = $"Depot {depot}", province, latitude, longitude })));
        await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/depots/{depot}/receipts",
            JsonSerializer.Serialize(new { lines = new[] { new { partNo = part, quantity = stock } } })));
        await Eventually.UntilAsync(() => OutboxAsync("depot", depot), pending => pending.Length == 0, Patience, $"depot {depot}'s outbox to drain");
        return depot;
    }

    private static string Urgent(string part, int quantity, string order) => JsonSerializer.Serialize(new { partNo = part, quantity, workOrderId = order });

    /// <summary>A part's levels at a depot as (onHand, onOrder, reserved, queued).</summary>
    private async Task<(int, int, int, int)> LevelsAsync(string depot, string part)
    {
        var stock = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"));
        return (stock.GetProperty("onHand").GetInt32(), stock.GetProperty("onOrder").GetInt32(), stock.GetProperty("reserved").GetInt32(), stock.GetProperty("queued").GetInt32());
    }

    /// <summary>The part's reserved quantity at a depot and the depot's open reservations.</summary>
    private async Task<(int, int)> ReservedAsync(string depot, string part) =>
        ((await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"))).GetProperty("reserved").GetInt32(),
            (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}"))).GetProperty("openReservations").GetInt32());

    private async Task<int> AvailableAtDepotAsync(string depot, string part) =>
        (await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/depots/{depot}/stock/{part}"))).GetProperty("available").GetInt32();

    /// <summary>What the part's availability index says the depot has (0 when it does not list the depot).</summary>
    private async Task<int> IndexedAvailableAsync(string depot, string part)
    {
        var found = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/parts/{part}/availability?latitude=-34.6&longitude=-58.4"));
        return found.EnumerateArray().Where(d => d.GetProperty("depotCode").GetString() == depot).Select(d => d.GetProperty("available").GetInt32()).SingleOrDefault();
    }

    // HTTP

    private sealed record Reply(HttpStatusCode Status, JsonElement Body, bool RetryAfter);

    private async Task<Reply> RequestAsync(HttpMethod method, string url, string json, string key, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await (client ?? Http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Headers.RetryAfter is not null);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendKeyedAsync(HttpMethod method, string url, string key, string json = "{}")
    {
        var reply = await RequestAsync(method, url, json, key);
        return (reply.Status, reply.Body);
    }
}
