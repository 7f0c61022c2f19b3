using AfterSales.Domain.Complaints;
using AfterSales.Grains.Common;
using AfterSales.Grains.Network;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;
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
    ILogger<ComplaintGrain> logger) : Grain, IComplaintGrain, IRemindable, IOutboxOwner, IIncomingGrainCallFilter
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

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    private DateTimeOffset Now => time.GetUtcNow();

    private TimeSpan BusinessOffset => vehicleOptions.Value.BusinessUtcOffset;

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

        var policyName = intake.SlaPolicy ?? (intake.Kind == ComplaintKind.Complaint ? _options.ComplaintPolicy : _options.ServiceRequestPolicy);
        if (_options.Policy(policyName) is not { } policy)
        {
            DeactivateOnIdle();
            return Refusal.Invalid("slaPolicy", $"'{policyName}' names no SLA policy. Allowed: {string.Join(", ", _options.PolicyNames)}.");
        }

        // A service request goes to the nearest active station in reach; a complaint to the station it is about, else the
        // vehicle's last servicing station. With none, the card waits in the call centre's queue: intake never fails.
        var (station, attribution, invalid) = intake.Kind == ComplaintKind.Complaint
            ? await AttributeAsync(intake)
            : (await FindStationAsync(intake.Latitude, intake.Longitude) is { } nearest
                ? (new CardStation(nearest.Code, nearest.Name, nearest.Province, nearest.DistanceKm), StationAttribution.Nearest, null)
                : (null, StationAttribution.CallCentreQueue, (Refusal?)null));
        if (invalid is not null)
        {
            DeactivateOnIdle();
            return invalid;
        }

        var next = ComplaintDecisions.Register(intake, fingerprint, station, attribution, policyName, policy, actor, Now, BusinessOffset);
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
        LogRegistered(logger, Id, intake.Kind, intake.Severity, station?.Code ?? "(call centre's queue)", attribution);
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

        var caughtUp = ComplaintDecisions.CatchUp(state.State, Now, BusinessOffset);
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

    public async Task<Outcome<ComplaintView>> AssignAsync(string stationCode, string actor, string? idempotencyKey)
    {
        var (refusal, view, _) = await DecideAsync(nameof(AssignAsync), stationCode, idempotencyKey, null, async current =>
        {
            if (!current.IsQueued)
            {
                return (ComplaintDecisions.Assign(current, Id, new CardStation(stationCode, "", "", null), actor, Now).Refusal, null, null);
            }

            var found = await GrainFactory.GetGrain<IServiceStationGrain>(stationCode).GetAsync();
            if (found.Value is not { } station)
            {
                return (Refusal.Invalid("stationCode", $"No station is registered under code {stationCode}."), null, null);
            }

            double? distance = null;
            if (current.Intake!.Kind == ComplaintKind.ServiceRequest)
            {
                if (station.Authorisation != StationAuthorisation.Active)
                {
                    return (Refusal.Conflict(ProblemCodes.StationNotActive, $"Station {stationCode} is {station.Authorisation.ToString().ToLowerInvariant()}; a service request goes to an active station."), null, null);
                }

                distance = Domain.Geo.GreatCircle.DistanceKm(new(current.Intake.Latitude, current.Intake.Longitude), new(station.Latitude, station.Longitude));
            }

            var (invalid, next) = ComplaintDecisions.Assign(current, Id, new CardStation(station.Code, station.Name, station.Province, distance), actor, Now);
            return (invalid, next, null);
        }, next => [new RollupReport(RollupScopes.National, ComplaintDecisions.QueueRelease(next, Id)) { Id = "queue-release" }]);
        if (refusal is not null)
        {
            return refusal;
        }

        homes.GoHomeIfAway(state.State.Province, MigrateOnIdle);
        return Outcome<ComplaintView>.Ok(view!);
    }

    public async Task<Outcome<CorrectiveActionView>> OpenCorrectiveActionAsync(OpenCorrectiveAction request, string actor, string? idempotencyKey)
    {
        var (refusal, view, actionId) = await DecideAsync(nameof(OpenCorrectiveActionAsync), request, idempotencyKey, null, current =>
        {
            var (invalid, next, action) = ComplaintDecisions.OpenAction(current, Id, request, actor, Now, BusinessOffset);
            return Task.FromResult((invalid, next, action?.Id));
        });
        return refusal ?? Outcome<CorrectiveActionView>.Created(view!.CorrectiveActions.First(a => a.Id == actionId));
    }

    public async Task<Outcome<CorrectiveActionView>> ActOnCorrectiveActionAsync(string actionId, CorrectiveActionStep step, string? note, string actor, string? idempotencyKey)
    {
        var (refusal, view, _) = await DecideAsync(nameof(ActOnCorrectiveActionAsync), (actionId, step, note), idempotencyKey, actionId, current =>
        {
            var (invalid, next, _) = ComplaintDecisions.ActOnAction(current, actionId, step, note, actor, Now);
            return Task.FromResult((invalid, next, (string?)actionId));
        });
        return refusal ?? Outcome<CorrectiveActionView>.Ok(view!.CorrectiveActions.First(a => a.Id == actionId));
    }

    /// <summary>
    /// The command pattern shared by the card's other writes: replay by idempotency key, check If-Match, catch the clocks
    /// up, decide, then write the change with its reports (and <paramref name="extra"/> messages) and the key in one write.
    /// Returns the card after the change and the corrective action the change concerns, if any.
    /// </summary>
    private async Task<(Refusal? Refusal, ComplaintView? View, string? ActionId)> DecideAsync(
        string method, object request, string? idempotencyKey, string? actionId,
        Func<ComplaintGrainState, Task<(Refusal? Refusal, ComplaintGrainState? Next, string? ActionId)>> decide,
        Func<ComplaintGrainState, OutboxMessage[]>? extra = null)
    {
        if (!state.State.IsRegistered)
        {
            DeactivateOnIdle();
            return (NotRegistered(), null, null);
        }

        var fingerprint = RequestFingerprint.Of(method, request);
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            return remembered.Fingerprint == fingerprint
                ? (null, remembered.Reply, remembered.ActionId)
                : (Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for a different request to this complaint."), null, null);
        }

        if (Preconditions.Check(this, state.State.Revision, exists: true, $"Complaint {Id}") is { } stale)
        {
            return (stale, null, null);
        }

        var caughtUp = ComplaintDecisions.CatchUp(state.State, Now, BusinessOffset);
        var (refusal, next, decidedAction) = await decide(caughtUp);
        if (refusal is not null || next is null)
        {
            if (!ReferenceEquals(caughtUp, state.State))
            {
                await SettleAsync(caughtUp);
            }

            return (refusal ?? Refusal.Conflict(ProblemCodes.IllegalTransition, $"Complaint {Id}: nothing to change."), null, null);
        }

        next = next.Revised(state.State);
        var view = ComplaintDecisions.ToView(next, Id);
        var remember = idempotencyKey is null ? next
            : next with { NewRows = [IdempotencyKeys<RememberedComplaintRequest>.Row(new RememberedComplaintRequest(idempotencyKey, fingerprint, Now, view) { ActionId = decidedAction ?? actionId })] };
        await CommitAsync(remember, extra?.Invoke(next) ?? []);
        await Durable.DeliverAsync();
        await ArmClocksAsync();
        return (null, view, decidedAction ?? actionId);
    }

    /// <summary>A complaint's responsible station: the one it is about, else the vehicle's last servicing station, else none (the queue).</summary>
    private async Task<(CardStation? Station, StationAttribution Attribution, Refusal? Invalid)> AttributeAsync(ComplaintIntake intake)
    {
        if (intake.AboutStation is { } about)
        {
            var found = await GrainFactory.GetGrain<IServiceStationGrain>(about).GetAsync();
            return found.Value is { } station
                ? (new CardStation(station.Code, station.Name, station.Province, null), StationAttribution.AboutStation, null)
                : (null, StationAttribution.CallCentreQueue, Refusal.Invalid("aboutStation", $"No station is registered under code {about}."));
        }

        if (intake.Vin is { } vin)
        {
            var history = await GrainFactory.GetGrain<IVehicleGrain>(vin).GetHistoryAsync(1, null);
            if (history.Value is { Items: [var newest, ..] } && (await GrainFactory.GetGrain<IServiceStationGrain>(newest.Visit.StationCode).GetAsync()).Value is { } station)
            {
                return (new CardStation(station.Code, station.Name, station.Province, null), StationAttribution.LastServicingStation, null);
            }
        }

        return (null, StationAttribution.CallCentreQueue, null);
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
        var caughtUp = ComplaintDecisions.CatchUp(state.State, now, BusinessOffset);
        if (!ReferenceEquals(caughtUp, state.State))
        {
            await CommitAsync(caughtUp);
            foreach (var clock in caughtUp.Clocks.Where(c => c.Status == Domain.Complaints.SlaClockStatus.Breached && c.EndedAt == now))
            {
                LogBreach(logger, Id, clock.Kind, clock.DueAt, clock.EndedAt!.Value);
                AfterSalesMetrics.Breach("complaint", clock.Kind.ToString());
            }

            foreach (var action in caughtUp.CorrectiveActions.Where(a => a.Overdue && a.OverdueAt == now))
            {
                LogActionOverdue(logger, Id, action.Id, action.DueOn, action.Owner);
                AfterSalesMetrics.Breach("correctiveAction", "due");
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
    private Task ArmClocksAsync() => Clock.ArmAsync(ComplaintDecisions.NextDue(state.State, BusinessOffset));

    private DeadlineClock Clock => _clock ??= new(this, time, ReminderName, _options.ReminderPeriod, this.AsReference<IComplaintGrain>().CheckClocksAsync,
        ex => LogClockCheckFailed(logger, ex, Id), ex => LogReminderFailed(logger, ex, Id));

    /// <summary>The key and its reply go with the change, as a row of their own (kept for the window, whatever their number).</summary>
    private ComplaintGrainState Remember(ComplaintGrainState next, string? key, string fingerprint, ComplaintView reply) =>
        key is null ? next : next with { NewRows = [IdempotencyKeys<RememberedComplaintRequest>.Row(new RememberedComplaintRequest(key, fingerprint, Now, reply))] };

    /// <summary>
    /// Writes <paramref name="next"/> with the roll-up reports it owes (its whole current contribution to the province,
    /// to its station-month and to its month's complaints report, and the same to its week's complaints and its month's and
    /// week's service summaries, versioned; a newer report replaces a pending older one), under the shared failure policy.
    /// </summary>
    private async Task CommitAsync(ComplaintGrainState next, params OutboxMessage[] extra)
    {
        var day = ComplaintDecisions.IntakeDay(next, BusinessOffset);
        var complaints = ComplaintDecisions.ComplaintsMonthContribution(next, Id);
        var owed = new List<OutboxMessage>
        {
            new RollupReport(ComplaintDecisions.ProvinceScope(next), ComplaintDecisions.ProvinceContribution(next, Id)) { Id = "province" },
            new RollupReport(ComplaintDecisions.ComplaintsMonthScope(next), complaints) { Id = "complaints-month" },
            new RollupReport(RollupScopes.ComplaintsWeek(ReportPeriods.Week(day)), complaints) { Id = "complaints-week" },
        };
        if (!next.IsQueued)
        {
            // A card in the call centre's queue counts at no station until it is assigned.
            var station = ComplaintDecisions.StationMonthContribution(next, Id);
            owed.Add(new RollupReport(ComplaintDecisions.StationMonthScope(next), station) { Id = "station-month" });
            owed.AddRange(SummaryReports.Service(next.StationCode, day, station, "station"));
        }

        owed.AddRange(extra);
        await Durable.CommitAsync(next.WithOutbox(next.Outbox.RemoveAll(m => m.Id is "province" or "station-month" or "complaints-month"
            or "complaints-week" or "station:service-month" or "station:service-week")).Send([.. owed]));
        Keys.Written(next.NewRows);
    }

    private static Refusal NotRegistered() => Refusal.NotFound(ProblemCodes.NotFound, "No complaint with this id is registered.");

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Complaint {Id} registered ({Kind}, {Severity}): station {Station} ({Attribution})")]
    private static partial void LogRegistered(ILogger logger, string id, ComplaintKind kind, ComplaintSeverity severity, string station, StationAttribution attribution);

    /// <summary>The event a recorded breach is logged with (after it is durable).</summary>
    public const int BreachEventId = 1502;

    [LoggerMessage(EventId = BreachEventId, Level = LogLevel.Warning, Message = "Complaint {Id}: SLA clock {Clock} breached (due {DueAt:O}, recorded {BreachedAt:O})")]
    private static partial void LogBreach(ILogger logger, string id, SlaClockKind clock, DateTimeOffset dueAt, DateTimeOffset breachedAt);

    /// <summary>The event an overdue corrective action is logged with (after it is durable).</summary>
    public const int ActionOverdueEventId = 1505;

    [LoggerMessage(EventId = ActionOverdueEventId, Level = LogLevel.Warning, Message = "Complaint {Id}: corrective action {ActionId} is overdue (due on {DueOn}, owner {Owner})")]
    private static partial void LogActionOverdue(ILogger logger, string id, string actionId, DateOnly dueOn, string owner);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Complaint {Id}: checking the SLA clocks failed; the reminder retries")]
    private static partial void LogClockCheckFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "Complaint {Id}: the SLA reminder could not be updated")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string id);
}
