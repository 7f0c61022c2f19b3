using AfterSales.Domain.Complaints;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Complaints;

/// <summary>
/// One complaint's tracking card. Steps are decided by <see cref="ComplaintDecisions"/> and written once together with
/// the reports they owe the province and station-month roll-ups (<see cref="DurableState{TState}"/>), then delivered.
/// The SLA reminder is registered before an intake is written, so no acknowledged complaint runs without it. The SLA clocks run on business time:
/// a timer from the business <see cref="TimeProvider"/> calls the grain through its own reference one tick after the
/// next due instant, so a breach is recorded when it happens. While a clock runs, a durable reminder (PostgreSQL)
/// brings the card back after a restart or a move; activation records any breach missed meanwhile, with its true
/// due instant, and arms the timer again.
/// </summary>
[ProvinceHomedPlacement(stateName: "complaint", provincePath: "province")]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class ComplaintGrain(
    [PersistentState("complaint", GrainStorage.Name)] IPersistentState<ComplaintGrainState> state,
    IOptions<ComplaintOptions> options,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    IHomeRegions homes,
    ILogger<ComplaintGrain> logger) : Grain, IComplaintGrain, IRemindable, IOutboxOwner
{
    private const string ReminderName = "sla";
    private const int StationCandidates = 20;

    private readonly ComplaintOptions _options = options.Value;
    private DeadlineClock? _clock;
    private DurableState<ComplaintGrainState>? _durable;
    private IdempotencyKeys<RememberedComplaintRequest>? _keys;

    private string Id => this.GetPrimaryKeyString();

    private IdempotencyKeys<RememberedComplaintRequest> Keys => _keys ??= new(rows, "complaint", Id, _options.IdempotencyWindow, time, state.RecordExists);

    private DurableState<ComplaintGrainState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Complaint");

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    private DateTimeOffset Now => time.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Outbox.IsDefaultOrEmpty)
        {
            Durable.ResumePending();
        }

        if (state.State.IsRegistered)
        {
            try
            {
                await CheckClocksAsync();
            }
            catch (Exception ex)
            {
                // The reminder or the next call tries again; the card itself is readable.
                LogClockCheckFailed(logger, ex, Id);
            }

            homes.GoHomeIfAway(state.State.Province, MigrateOnIdle);
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _clock?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<Outcome<ComplaintView>> RegisterAsync(ComplaintIntake intake, string actor)
    {
        var fingerprint = RequestFingerprint.Of(nameof(RegisterAsync), intake);
        if (state.State.IsRegistered)
        {
            if (state.State.IntakeFingerprint != fingerprint)
            {
                return Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Complaint {Id} is already registered with a different intake: this Idempotency-Key was used for another complaint.");
            }

            return Outcome<ComplaintView>.Created(ComplaintDecisions.ToView(state.State, Id));
        }

        var station = await FindStationAsync(intake.Latitude, intake.Longitude);
        if (station is null)
        {
            DeactivateOnIdle();
            return Refusal.Conflict(ProblemCodes.NoStationInReach,
                $"No active authorised station within {_options.MaxSearchRadiusKm:0} km of ({intake.Latitude}, {intake.Longitude}); the complaint was not registered. "
                + $"Check the location, or register it with the {ComplaintDecisions.CustomerServiceDepartment} directly.");
        }

        var next = ComplaintDecisions.Register(intake, fingerprint, station, actor, Now, vehicleOptions.Value.BusinessUtcOffset, _options.Sla);
        // The reminder first: a complaint acknowledged without it could miss its SLA clocks after a crash. A reminder
        // left behind by an intake that was then not written finds no clocks and unregisters itself.
        try
        {
            await Clock.RegisterReminderAsync();
        }
        catch (Exception ex)
        {
            LogReminderFailed(logger, ex, Id);
            throw new ServiceUnavailableException($"Complaint {Id}: its SLA reminder could not be registered; nothing was registered; retry.");
        }

        await CommitAsync(next);
        LogRegistered(logger, Id, station.Code, station.DistanceKm, intake.Severity);
        await Durable.DeliverAsync();
        await ArmClocksAsync();
        homes.GoHomeIfAway(state.State.Province, MigrateOnIdle);
        return Outcome<ComplaintView>.Created(ComplaintDecisions.ToView(state.State, Id));
    }

    public async Task<Outcome<ComplaintView>> ActAsync(ComplaintCommand command, string actor, string? idempotencyKey)
    {
        if (!state.State.IsRegistered)
        {
            DeactivateOnIdle();
            return NotRegistered();
        }

        var fingerprint = RequestFingerprint.Of(nameof(ActAsync), command);
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            return remembered.Fingerprint == fingerprint
                ? Outcome<ComplaintView>.Ok(remembered.Reply)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for a different request to this complaint.");
        }

        if (Preconditions.Check(this, state.State.Revision, exists: true, $"Complaint {Id}") is { } stale)
        {
            return stale;
        }

        var caughtUp = ComplaintDecisions.CatchUp(state.State, Now);
        var (refusal, next) = ComplaintDecisions.Act(caughtUp, Id, command, actor, Now);
        if (refusal is not null)
        {
            // Clocks that ran out before this request are recorded even when the step itself is refused.
            if (!ReferenceEquals(caughtUp, state.State))
            {
                await SettleAsync(caughtUp);
            }

            return refusal;
        }

        // The reply names the version the write makes.
        next = next!.Revised(state.State);
        var view = ComplaintDecisions.ToView(next, Id);
        await SettleAsync(Remember(next, idempotencyKey, fingerprint, view));
        return Outcome<ComplaintView>.Ok(view);
    }

    public Task<Outcome<ComplaintView>> GetAsync()
    {
        if (!state.State.IsRegistered)
        {
            DeactivateOnIdle();
            return Task.FromResult<Outcome<ComplaintView>>(NotRegistered());
        }

        return Task.FromResult(Outcome<ComplaintView>.Ok(ComplaintDecisions.ToView(state.State, Id)));
    }

    public async Task CheckClocksAsync()
    {
        if (!state.State.IsRegistered)
        {
            DeactivateOnIdle();
            return;
        }

        var now = Now;
        var caughtUp = ComplaintDecisions.CatchUp(state.State, now);
        if (!ReferenceEquals(caughtUp, state.State))
        {
            await CommitAsync(caughtUp);
            foreach (var clock in caughtUp.Clocks.Where(c => c.Status == Domain.Complaints.SlaClockStatus.Breached && c.EndedAt == now))
            {
                LogBreach(logger, Id, clock.Kind, clock.DueAt, clock.EndedAt!.Value);
                AfterSalesMetrics.Breach("complaint", clock.Kind.ToString());
            }
        }

        if (Durable.HasPending)
        {
            await Durable.DeliverAsync();
        }

        await ArmClocksAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.State.IsRegistered)
        {
            // Left by an intake whose write failed after the reminder was registered: nothing to watch.
            if (await this.GetReminder(reminderName) is { } leftover)
            {
                await this.UnregisterReminder(leftover);
            }

            DeactivateOnIdle();
            return;
        }

        await CheckClocksAsync();
    }

    /// <summary>Writes, reports to the roll-ups and re-arms the clocks.</summary>
    private async Task SettleAsync(ComplaintGrainState next)
    {
        await CommitAsync(next);
        await Durable.DeliverAsync();
        await ArmClocksAsync();
    }

    /// <summary>The nearest active station, searching from the service radius outwards (doubling) up to the widest search.</summary>
    private async Task<NearbyStation?> FindStationAsync(double latitude, double longitude)
    {
        var nearby = GrainFactory.Grain<INearbyStationsGrain>(0);
        var radius = Math.Min(_options.Sla.ServiceRadiusKm, _options.MaxSearchRadiusKm);
        while (true)
        {
            var found = await nearby.FindAsync(new NearbyQuery(latitude, longitude, radius, false, StationCandidates));
            if (found.Refusal is { } refusal)
            {
                throw new InvalidOperationException($"The nearby index refused a complaint's station search: {refusal.Detail}");
            }

            if (found.Value!.FirstOrDefault(s => s.Authorisation == StationAuthorisation.Active) is { } station)
            {
                return station;
            }

            if (radius >= _options.MaxSearchRadiusKm)
            {
                return null;
            }

            radius = Math.Min(radius * 2, _options.MaxSearchRadiusKm);
        }
    }

    /// <summary>
    /// Arms the business-time timer for the next due clock (one tick after it: the due instant itself is still in
    /// time) and keeps the durable reminder registered exactly while a clock runs.
    /// </summary>
    private Task ArmClocksAsync() => Clock.ArmAsync(SlaRules.NextDue(state.State.Clocks));

    private DeadlineClock Clock => _clock ??= new(this, time, ReminderName, _options.ReminderPeriod, this.AsReference<IComplaintGrain>().CheckClocksAsync,
        ex => LogClockCheckFailed(logger, ex, Id), ex => LogReminderFailed(logger, ex, Id));

    /// <summary>The key and its reply go with the change, as a row of their own (kept for the window, whatever their number).</summary>
    private ComplaintGrainState Remember(ComplaintGrainState next, string? key, string fingerprint, ComplaintView reply) =>
        key is null ? next : next with { NewRows = [IdempotencyKeys<RememberedComplaintRequest>.Row(new RememberedComplaintRequest(key, fingerprint, Now, reply))] };

    /// <summary>
    /// Writes <paramref name="next"/> with the roll-up reports it owes (its whole current contribution to the province,
    /// to its station-month and to its month's complaints report, versioned; a newer report replaces a pending older one), under the shared failure policy.
    /// </summary>
    private async Task CommitAsync(ComplaintGrainState next)
    {
        OutboxMessage[] owed =
        [
            new RollupReport(RollupScopes.Province(next.Province), ComplaintDecisions.ProvinceContribution(next, Id)) { Id = "province" },
            new RollupReport(ComplaintDecisions.StationMonthScope(next), ComplaintDecisions.StationMonthContribution(next, Id)) { Id = "station-month" },
            new RollupReport(ComplaintDecisions.ComplaintsMonthScope(next), ComplaintDecisions.ComplaintsMonthContribution(next, Id)) { Id = "complaints-month" },
        ];
        await Durable.CommitAsync(next.WithOutbox(next.Outbox.RemoveAll(m => m.Id is "province" or "station-month" or "complaints-month")).Send(owed));
        Keys.Written(next.NewRows);
    }

    private static Refusal NotRegistered() => Refusal.NotFound(ProblemCodes.NotFound, "No complaint with this id is registered.");

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Complaint {Id} registered ({Severity}), assigned to station {Station} at {DistanceKm:0.#} km")]
    private static partial void LogRegistered(ILogger logger, string id, string station, double distanceKm, ComplaintSeverity severity);

    /// <summary>The event a recorded breach is logged with (after it is durable).</summary>
    public const int BreachEventId = 1502;

    [LoggerMessage(EventId = BreachEventId, Level = LogLevel.Warning, Message = "Complaint {Id}: SLA clock {Clock} breached (due {DueAt:O}, recorded {BreachedAt:O})")]
    private static partial void LogBreach(ILogger logger, string id, SlaClockKind clock, DateTimeOffset dueAt, DateTimeOffset breachedAt);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Complaint {Id}: checking the SLA clocks failed; the reminder retries")]
    private static partial void LogClockCheckFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "Complaint {Id}: the SLA reminder could not be updated")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string id);
}
