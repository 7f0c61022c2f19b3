using System.Collections.Immutable;
using AfterSales.Domain.Claims;
using AfterSales.Grains.Catalogue;
using AfterSales.Grains.Common;
using AfterSales.Grains.Network;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Settlements;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Surveys;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Stations;

/// <summary>
/// One authorised station per code, with its work orders. Commands are decided by <see cref="StationDecisions"/> and
/// written once together with the messages they owe (<see cref="DurableState{TState}"/>): a work order's visit for
/// the vehicle's archive, and once the vehicle has it, the grade roll-ups. After every change the station pushes its
/// summary to its geo cell and its province (awaited), so the nearby index and the roll-ups are current when the
/// command returns.
/// </summary>
[ProvinceHomedPlacement(stateName: "station", provincePath: "registry.province")]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class ServiceStationGrain(
    [PersistentState("station", GrainStorage.Name)] IPersistentState<StationState> state,
    IOptions<StationOptions> options,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    PartsCatalogueCopy catalogue,
    IGrainRowReader rows,
    IHomeRegions homes,
    ILogger<ServiceStationGrain> logger) : Grain, IServiceStationGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private readonly StationOptions _options = options.Value;
    private long _publishedVersion = -1;
    private StationRegistration? _publishedRegistry;
    private DurableState<StationState>? _durable;
    private IdempotencyKeys<RememberedStationRequest>? _keys;

    private string Code => this.GetPrimaryKeyString();

    private IdempotencyKeys<RememberedStationRequest> Keys => _keys ??= new(rows, "station", Code, _options.IdempotencyWindow, time, state.RecordExists);

    private DurableState<StationState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Station", FoldAnswer);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Outbox.IsDefaultOrEmpty)
        {
            Durable.ResumePending();
        }

        homes.GoHomeIfAway(state.State.Registry?.Province, MigrateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public Task<string?> GetProvinceAsync() => Task.FromResult(state.State.Registry?.Province);

    public Task<bool> ServesVehicleAsync(string vin) => Task.FromResult(state.State.WorkOrders.Any(o => o.Vin == vin));

    private DateTimeOffset Now => time.GetUtcNow();

    public async Task<Outcome<StationView>> RegisterAsync(StationRegistration registration, string? idempotencyKey)
    {
        var created = !state.State.IsRegistered;
        var result = await ExecuteAsync(nameof(RegisterAsync), registration, idempotencyKey, created,
            s => StationDecisions.Register(s, registration, _options.MaxBays),
            s => new RememberedStationRequest("", "", Now, created, StationDecisions.ToView(s, Code), null, null));
        homes.GoHomeIfAway(state.State.Registry?.Province, MigrateOnIdle);
        return result.Refusal is { } refused ? refused
            : result.Remembered.Created ? Outcome<StationView>.Created(result.Remembered.Station!) : Outcome<StationView>.Ok(result.Remembered.Station!);
    }

    public async Task<Outcome<StationView>> SetAuthorisationAsync(StationAuthorisation authorisation, string? reason, string? idempotencyKey)
    {
        var result = await ExecuteAsync(nameof(SetAuthorisationAsync), (authorisation, reason), idempotencyKey, false,
            s => StationDecisions.SetAuthorisation(s, Code, authorisation, reason),
            s => new RememberedStationRequest("", "", Now, false, StationDecisions.ToView(s, Code), null, null));
        return result.Refusal is { } refused ? refused : Outcome<StationView>.Ok(result.Remembered.Station!);
    }

    public async Task<Outcome<StationPerson>> SetPersonAsync(StationPerson person, string? idempotencyKey)
    {
        var result = await ExecuteAsync(nameof(SetPersonAsync), person, idempotencyKey, false,
            s => StationDecisions.SetPerson(s, Code, person),
            s => new RememberedStationRequest("", "", Now, false, null, null, null, s.People.FirstOrDefault(p => p.PersonId == person.PersonId) ?? person));
        return result.Refusal is { } refused ? refused : Outcome<StationPerson>.Ok(result.Remembered.Person!);
    }

    public Task<Outcome<IReadOnlyList<StationPerson>>> GetPeopleAsync() =>
        Task.FromResult(state.State.IsRegistered
            ? Outcome<IReadOnlyList<StationPerson>>.Ok([.. state.State.People.OrderBy(p => p.PersonId, StringComparer.Ordinal)])
            : NotRegistered());

    public Task<Outcome<StationView>> GetAsync() =>
        Task.FromResult(state.State.IsRegistered ? Outcome<StationView>.Ok(StationDecisions.ToView(state.State, Code)) : NotRegistered());

    public Task<Outcome<StationLoadView>> GetLoadAsync() =>
        Task.FromResult(state.State.IsRegistered ? Outcome<StationLoadView>.Ok(StationDecisions.Load(state.State)) : NotRegistered());

    public async Task<Outcome<WorkOrderView>> OpenWorkOrderAsync(OpenWorkOrder command, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(OpenWorkOrderAsync), command);
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return replay.Refusal is { } refused ? refused : Outcome<WorkOrderView>.Created(replay.Remembered!.WorkOrder!);
        }

        await EnsurePublishedAsync();
        if (StationDecisions.CanOpen(state.State, Code, command) is { } refusal)
        {
            return refusal;
        }

        if (command.Kind == VisitKind.Recall && await RecallNotOpenOnVehicleAsync(command) is { } notOpen)
        {
            return notOpen;
        }

        // The vehicle judges the reading (never backwards); a refusal leaves no work order behind.
        var reading = await GrainFactory.Grain<IVehicleGrain>(command.Vin).RecordOdometerAsync(new RecordOdometer(command.OdometerKm, Now), null);
        if (reading.Refusal is { } vehicleRefusal)
        {
            return vehicleRefusal with { Detail = $"Vehicle {command.Vin}: {vehicleRefusal.Detail}" };
        }

        var decision = StationDecisions.Open(state.State, Code, command, Now, out var order);
        await CommitAsync(Remember(decision.Next!, idempotencyKey, fingerprint, new RememberedStationRequest("", "", Now, true, null, order, null)));
        await EnsurePublishedAsync();
        return Versioned(Outcome<WorkOrderView>.Created(order));
    }

    public async Task<Outcome<WorkOrderView>> MoveWorkOrderAsync(string workOrderId, WorkOrderCommand command, string? idempotencyKey) =>
        Versioned(await MoveAsync(workOrderId, command, idempotencyKey));

    private async Task<Outcome<WorkOrderView>> MoveAsync(string workOrderId, WorkOrderCommand command, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(MoveWorkOrderAsync), (workOrderId, command));
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            if (replay.Refusal is { } refused)
            {
                return refused;
            }

            // A completion is remembered as written, before its visit reached the vehicle: say where it stands now.
            var first = replay.Remembered!.WorkOrder!;
            return Outcome<WorkOrderView>.Ok(first is { State: WorkOrderState.Completed, ArchivedOnVehicle: false }
                && StationDecisions.Find(state.State, Code, first.Id, out var current) is null ? current : first);
        }

        if (Preconditions.Check(this, state.State.Revision, state.State.IsRegistered, $"Station {Code}") is { } stale)
        {
            return stale;
        }

        await EnsurePublishedAsync();
        var (missing, found) = await FindAsync(workOrderId);
        if (missing is not null)
        {
            return missing;
        }

        var order = found!;

        // A completion whose visit has not reached the vehicle yet is sent again now by completing again.
        if (command == WorkOrderCommand.Complete && order.State == WorkOrderState.Completed && !order.ArchivedOnVehicle)
        {
            return await ArchiveAsync(WithVisit(state.State, order), order, idempotencyKey, fingerprint);
        }

        var decision = StationDecisions.Move(state.State, order, command, Now, out var moved);
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        var next = decision.Next!;
        // An approved appraisal is already on the vehicle as a running repair: it is told the work order was
        // cancelled. A completed order goes to the vehicle's archive.
        if ((command == WorkOrderCommand.Cancel && StationDecisions.HasApprovedClaim(moved)) || command == WorkOrderCommand.Complete)
        {
            next = WithVisit(next, moved);
        }

        if (command == WorkOrderCommand.Settle && moved.ClaimState == ClaimState.Settled && moved.ClaimId is { } claimId)
        {
            var settled = await GrainFactory.Grain<IClaimGrain>(claimId).SettleAsync(Now);
            if (settled.Refusal is { } claimRefusal)
            {
                return claimRefusal;
            }
        }

        if (command == WorkOrderCommand.Complete)
        {
            return await ArchiveAsync(next, moved, idempotencyKey, fingerprint);
        }

        await CommitAsync(Remember(next, idempotencyKey, fingerprint, new RememberedStationRequest("", "", Now, false, null, moved, null)));
        // Deliver before publishing: a push that fails after the write is a 503, and what the write owes must not
        // wait for the sweeper because of it (see ArchiveAsync).
        await Durable.DeliverAsync();
        await EnsurePublishedAsync();
        return Outcome<WorkOrderView>.Ok(moved);
    }

    public async Task<Outcome<AppraisalResult>> AppraiseAsync(string workOrderId, Appraisal appraisal, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(AppraiseAsync), (workOrderId, appraisal));
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return replay.Refusal is { } refused ? refused : Outcome<AppraisalResult>.Ok(replay.Remembered!.Appraisal!);
        }

        if (Preconditions.Check(this, state.State.Revision, state.State.IsRegistered, $"Station {Code}") is { } stale)
        {
            return stale;
        }

        var (missing, found) = await FindAsync(workOrderId);
        if (missing is not null)
        {
            return missing;
        }

        var order = found!;

        // The appraiser's certificate must be in force on the business date of the appraisal (today).
        if (StationDecisions.CanAppraise(state.State, order, appraisal, vehicleOptions.Value.Warranty.DateOf(Now)) is { } refusal)
        {
            return refusal;
        }

        // Coverage on the repair date at the repair's odometer, from the vehicle that owns the answer.
        var repairDate = vehicleOptions.Value.Warranty.DateOf(order.OpenedAt);
        var warranty = await GrainFactory.Grain<IVehicleGrain>(order.Vin).GetWarrantyAsync(repairDate, order.OdometerKm);
        if (warranty.Refusal is { } vehicleRefusal)
        {
            return vehicleRefusal with { Detail = $"Vehicle {order.Vin}: {vehicleRefusal.Detail}" };
        }

        var decision = ClaimRules.Adjudicate(new ClaimFacts
        {
            WarrantyRequested = appraisal.Warranty,
            Cause = appraisal.Cause is { } cause ? (Domain.Claims.FailureCause)(int)cause : null,
            System = (Domain.Repairs.VehicleSystem)(int)order.System,
            Parts = [.. appraisal.Parts.Select(p => new Domain.Repairs.PartLine(p.PartNo, p.Quantity))],
            RepairDate = repairDate,
            MileageKm = order.OdometerKm,
            Coverages = [.. warranty.Value!.Coverages.Select(c => new Domain.Warranty.CoverageStatus(
                c.Name, (Domain.Warranty.CoverageState)(int)c.State, c.EndsOn, c.EndsAtKm, c.RemainingDays, c.RemainingKm))],
            ServicedElsewhere = appraisal.ServicedElsewhere,
        });

        // The catalogue in force on the repair date prices the claim (when it states labour rates) and says which
        // parts are main parts; a line it does not list is the station's to correct, and nothing is filed.
        var version = (await catalogue.GetAsync(GrainFactory)).VersionOn(repairDate);
        Domain.Claims.ClaimPrice? price = null;
        if (appraisal.Warranty && version is { PricesClaims: true })
        {
            price = Domain.Claims.ClaimPricing.Price(version, Code, state.State.Registry!.Province,
                [.. appraisal.Parts.Select(p => new ClaimPartLine(p.PartNo, p.Quantity))],
                [.. (appraisal.Operations ?? []).Select(o => new ClaimOperationLine(o.Code, o.Quantity))],
                out var priceErrors);
            if (price is null)
            {
                return Refusal.Invalid(priceErrors);
            }
        }

        var reviewReasons = decision.Verdict == ClaimVerdict.NeedsInformation || !(appraisal.Warranty || appraisal.Unclear)
            ? []
            : ClaimReview.Reasons(new ReviewFacts
            {
                Unclear = appraisal.Unclear,
                SeriousSafety = appraisal.SeriousSafety,
                UnitReplacement = appraisal.Parts.Any(p => p.UnitReplaced),
                Total = price?.Total,
                ReviewAbove = _options.ClaimReviewAbove,
            });
        var claimState = reviewReasons.Count > 0 ? ClaimState.Submitted : decision.Verdict switch
        {
            ClaimVerdict.Approved => ClaimState.Approved,
            ClaimVerdict.Rejected => ClaimState.Rejected,
            _ => ClaimState.NeedsInformation,
        };
        string? model = null;
        if (appraisal.Warranty)
        {
            model = (await GrainFactory.Grain<IVehicleGrain>(order.Vin).GetAsync()).Value?.Model;
        }

        var amount = price is null ? null : new ClaimAmount(price.Labour, price.PartsAmount, price.Total);
        var pricing = price is null ? null : new Interfaces.Claims.ClaimPricing(price.CatalogueVersion, price.LabourRate,
            [.. price.Operations.Select(o => new ClaimOperationPrice(o.Code, o.Quantity, o.Hours, o.Amount))],
            [.. price.Parts.Select(p => new ClaimPartPrice(p.PartNo, p.Quantity, p.UnitPrice, p.Amount, p.Supplier))]);
        var claimId = StationDecisions.NextClaimId(order);
        var filing = new ClaimFiling(
            Code, order.Id, order.Vin, appraisal.Appraiser, repairDate, order.OdometerKm, claimState, decision.Reasons, Now,
            amount, pricing, reviewReasons.Count > 0 ? reviewReasons : null, model, order.System, appraisal.Cause);
        // The claim is filed through the outbox, in the same write as the work order that names it: a crash between
        // the two can neither leave a claim the order does not know (whose decision would then find no order) nor an
        // order naming a claim never filed. The reply shows the claim as filing makes it (the same pure function).
        var filed = Claims.ClaimDecisions.File(new Claims.ClaimGrainState(), claimId, filing, vehicleOptions.Value.Warranty.DateOf(filing.FiledAt)).Claim!;

        // Which parts are main parts is the catalogue's to say (the version in force on the repair date); a whole unit
        // replaced counts as that, not as its main parts.
        var mainParts = version?.MainPartsAmong(
            (Domain.Repairs.VehicleSystem)(int)order.System, appraisal.Parts.Where(p => !p.UnitReplaced).Select(p => p.PartNo)) ?? [];
        var appraised = order with { Appraisal = appraisal, ClaimId = claimId, ClaimState = claimState, MainParts = [.. mainParts], ClaimAmount = amount };
        var result = new AppraisalResult(appraised, filed);
        var next = (StationDecisions.Replace(state.State, appraised) with { Version = state.State.Version + 1 })
            .Send(new ClaimFilingToClaim(claimId, filing) { Id = "claim:" + claimId });
        if (StationDecisions.HasApprovedClaim(appraised))
        {
            // What the approved appraisal found counts from now (a repair running since it was agreed), not only once the
            // work is done: a fault found persisting, a unit failing in the first week, days in the workshop.
            next = WithVisit(next, appraised);
        }

        await CommitAsync(Remember(next, idempotencyKey, fingerprint, new RememberedStationRequest("", "", Now, false, null, null, result)));
        await Durable.DeliverAsync();
        return Outcome<AppraisalResult>.Ok(result);
    }

    public async Task<Outcome<WorkOrderView>> GetWorkOrderAsync(string workOrderId)
    {
        var (missing, order) = await FindAsync(workOrderId);
        return missing is not null ? Outcome<WorkOrderView>.Refused(missing) : Versioned(Outcome<WorkOrderView>.Ok(order!));
    }

    /// <summary>
    /// A work order is part of its station's state, so the station's version is the order's (its ETag): coarser than
    /// the order itself (another order's change moves it too), never stale.
    /// </summary>
    private Outcome<WorkOrderView> Versioned(Outcome<WorkOrderView> outcome) =>
        outcome.Value is { } order ? outcome with { Value = order with { Revision = state.State.Revision } } : outcome;

    /// <summary>A live work order from the document, a closed one from its row (read on demand), or why there is none.</summary>
    private async Task<(Refusal? Missing, WorkOrderView? Order)> FindAsync(string workOrderId)
    {
        if (StationDecisions.Find(state.State, Code, workOrderId, out var live) is not { } missing)
        {
            return (null, live);
        }

        // An order numbered past the ones this activation knows of is made up, or was opened by another activation of
        // the station that this one is behind: it reads the stored state again before saying the order does not exist.
        if (StationDecisions.IsPastOpened(state.State, Code, workOrderId))
        {
            await Durable.ReloadAsync();
            if (StationDecisions.Find(state.State, Code, workOrderId, out live) is null)
            {
                return (null, live);
            }
        }

        return StationDecisions.IsClosed(state.State, Code, workOrderId)
            && await rows.ReadOneAsync<WorkOrderView>("station", Code, StationState.ClosedWorkOrderKind, workOrderId) is { } closed
            ? (null, closed)
            : (missing, null);
    }

    public async Task<Outcome<WorkOrderView>> PartsArrivedAsync(string workOrderId, string reservationId)
    {
        var (missing, found) = await FindAsync(workOrderId);
        if (missing is not null)
        {
            return missing;
        }

        var order = found!;

        if (order.PartsArrived?.Contains(reservationId) == true)
        {
            return Outcome<WorkOrderView>.Ok(order);
        }

        if (order.State is WorkOrderState.Completed or WorkOrderState.Settled or WorkOrderState.Cancelled)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Work order {workOrderId} is {order.State.ToString().ToLowerInvariant()}; it no longer waits for parts.");
        }

        var told = order with { PartsArrived = [.. order.PartsArrived ?? [], reservationId] };
        await CommitAsync(StationDecisions.Replace(state.State, told));
        return Outcome<WorkOrderView>.Ok(told);
    }

    public async Task<Outcome<WorkOrderView>> ClaimDecidedAsync(string workOrderId, string claimId, ClaimState decided, ClaimAmount? amount)
    {
        var (missing, found) = await FindAsync(workOrderId);
        if (missing is not null)
        {
            return missing;
        }

        var order = found!;
        if (order.ClaimId != claimId || order.ClaimState == decided || order.ClaimState is not ClaimState.Submitted)
        {
            // Another claim of the order, or this decision already taken in: nothing to change.
            return Outcome<WorkOrderView>.Ok(order);
        }

        var told = order with { ClaimState = decided, ClaimAmount = amount ?? order.ClaimAmount };
        var next = StationDecisions.Replace(state.State, told) with { Version = state.State.Version + 1 };
        if (StationDecisions.HasApprovedClaim(told))
        {
            // Approved: the appraisal's findings now count on the vehicle (its running or completed visit is sent
            // again, as a warranty repair); a comeback's cost goes back to the station whose repair failed.
            next = WithVisit(next, told).Send(Chargebacks(told));
        }

        await CommitAsync(next);
        await Durable.DeliverAsync();
        return Outcome<WorkOrderView>.Ok(told);
    }

    /// <summary>
    /// A comeback inside the repair-quality guarantee of another repair, paid as an approved claim here, is charged
    /// back to the station whose repair failed (seed 002), and shows on this station's statement as recovered from it.
    /// Keyed by the work order, so it is charged once however often it is sent.
    /// </summary>
    private List<OutboxMessage> Chargebacks(WorkOrderView order)
    {
        if (order.ComebackOf is not { } responsible || order.ClaimAmount is not { Total: > 0 } amount || !StationDecisions.HasApprovedClaim(order) || order.ClaimId is not { } claimId)
        {
            return [];
        }

        var today = vehicleOptions.Value.Warranty.DateOf(Now);
        var owed = new List<OutboxMessage>
        {
            new SettlementLineToStation(responsible, new SettlementLine("chargeback:" + order.Id, SettlementLineKind.ChargedBack, claimId, order.Id, order.Vin, amount, today, Code))
            {
                Id = "chargeback:" + order.Id,
            },
        };
        if (responsible != Code)
        {
            owed.Add(new SettlementLineToStation(Code, new SettlementLine("recovered:" + order.Id, SettlementLineKind.RecoveredFromOther, claimId, order.Id, order.Vin, amount, today, responsible))
            {
                Id = "recovered:" + order.Id,
            });
        }

        return owed;
    }

    public async Task<Outcome<StationGradeRecord>> RecordGradeAsync(StationGradeRecord record)
    {
        if (!state.State.IsRegistered)
        {
            return NotRegistered();
        }

        await EnsurePublishedAsync();
        if (StationDecisions.RecordGrade(state.State, record, out var recorded) is { } next)
        {
            await CommitAsync(next);
            if (recorded.SuspendedFor is not null && next.Authorisation != state.State.Authorisation)
            {
                LogSuspendedByGrades(logger, Code, string.Join(", ", recorded.SuspendedFor));
            }

            // A suspension takes the station out of the nearby index before the sheet hears back.
            await EnsurePublishedAsync();
        }

        return Outcome<StationGradeRecord>.Ok(recorded);
    }

    public Task<Outcome<IReadOnlyList<StationGradeRecord>>> GetGradesAsync() =>
        Task.FromResult(state.State.IsRegistered
            ? Outcome<IReadOnlyList<StationGradeRecord>>.Ok([.. state.State.Grades.Values.Reverse()])
            : Outcome<IReadOnlyList<StationGradeRecord>>.Refused(NotRegistered()));

    public Task<StationSummary?> GetSummaryAsync(string groupKey)
    {
        var current = state.State;
        var belongs = current.Registry is { } r && (groupKey == GroupKeys.Cell(r) || groupKey == GroupKeys.Province(r));
        return Task.FromResult(belongs ? StationDecisions.ToSummary(current, Code) : null);
    }

    /// <summary>
    /// Writes the completed order with its visit in the outbox (and the key), then delivers it: the vehicle appends it
    /// (idempotent by visit id) and the station marks the order archived and owes the grade roll-ups. A refusal from
    /// the vehicle is the caller's answer; a vehicle that cannot be reached gets the visit later, from the outbox.
    /// </summary>
    private async Task<Outcome<WorkOrderView>> ArchiveAsync(StationState next, WorkOrderView order, string? idempotencyKey, string fingerprint)
    {
        await CommitAsync(Remember(next, idempotencyKey, fingerprint, new RememberedStationRequest("", "", Now, false, null, order, null)));
        // The visit goes out before the summary is pushed: when the push fails (a 503 after the write landed), the
        // visit has been delivered or its retry timer armed. Pushed first, a failed push left it owed with no timer,
        // for the sweeper to find 20-35 s later, and a keyed retry only replayed "not yet archived".
        var answers = await Durable.DeliverAsync();
        await EnsurePublishedAsync();
        if (answers.GetValueOrDefault(VisitMessageId(order)) is { Refusal: { } refusal })
        {
            LogArchiveRefused(logger, order.Id, refusal.Detail);
            return refusal with
            {
                Detail = $"Work order {order.Id} is completed at the station, but vehicle {order.Vin} refused the visit: {refusal.Detail} Complete it again once that is resolved.",
            };
        }

        StationDecisions.Find(state.State, Code, order.Id, out var current);
        return Outcome<WorkOrderView>.Ok(current);
    }

    private static string VisitMessageId(WorkOrderView order) => "visit:" + order.Id + ":" + order.State.ToString().ToLowerInvariant();

    /// <summary>
    /// The order's visit as the vehicle should now hold it (running, completed or cancelled), replacing a pending
    /// older one: the newer carries everything, and the vehicle must not get them out of order.
    /// </summary>
    private static StationState WithVisit(StationState state, WorkOrderView order)
    {
        foreach (var stale in state.Outbox.Where(m => m is VisitToVehicle v && v.Visit.VisitId == order.Id).Select(m => m.Id).ToList())
        {
            state = state.Acknowledge(stale);
        }

        return state.Send(new VisitToVehicle(order.Vin, StationDecisions.ToVisit(order)) { Id = VisitMessageId(order) });
    }

    /// <summary>
    /// Takes a vehicle's answer to a completed order's visit into the state: the order is archived, and the station
    /// now owes the monthly grades the completion (in the month of its business date) and, for a comeback, the
    /// month of the station whose earlier repair did not hold (work-order ids are <c>{code}-{n}</c>). Final
    /// contributions keyed by the order, so a second delivery counts nothing twice.
    /// </summary>
    private StationState FoldAnswer(StationState current, OutboxMessage message, DeliveryAnswer answer)
    {
        if (message is not VisitToVehicle { Visit.CompletedAt: not null, Visit.Cancelled: false } visit || answer.Refusal is not null
            || StationDecisions.Find(current, Code, visit.Visit.VisitId, out var order) is not null || order.ArchivedOnVehicle)
        {
            return current;
        }

        var completedOn = vehicleOptions.Value.Warranty.DateOf(order.CompletedAt ?? Now);
        var counters = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, long>
        {
            [StationMonthCounters.CompletedWorkOrders] = 1,
            [StationMonthCounters.RecallsCompleted] = order.Kind == VisitKind.Recall ? 1 : 0,
        });
        var completion = new CounterContribution("wo:" + order.Id, 1, counters, Final: true);
        var owed = new List<OutboxMessage>
        {
            new RollupReport(RollupScopes.StationMonth(Code, completedOn.Year, completedOn.Month), completion)
            {
                Id = "grade:" + order.Id,
            },
        };
        // The same completion in the weekly and annual summaries (service:{yyyy-MM}, service:week:{yyyy-Www}).
        owed.AddRange(SummaryReports.Service(Code, completedOn, completion, "grade:" + order.Id));
        string? comebackOf = null;
        if (answer.Reply is RepairRecordView { Comeback: { } comeback } && comeback.PreviousVisitId.LastIndexOf('-') is > 0 and var dash)
        {
            var responsible = comeback.PreviousVisitId[..dash];
            comebackOf = responsible;
            var charged = new CounterContribution("comeback:" + order.Id, 1,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(StationMonthCounters.Comebacks, 1L)]), Final: true);
            owed.Add(new RollupReport(RollupScopes.StationMonth(responsible, completedOn.Year, completedOn.Month), charged)
            {
                Id = "comeback:" + order.Id,
            });
            owed.AddRange(SummaryReports.Service(responsible, completedOn, charged, "comeback:" + order.Id));
        }

        // The customer satisfaction survey the visit owes (seed 000 §5.6), counted in the month of the completion.
        owed.Add(new SurveyDueToSurvey(new SurveyDue(order.Id, Code, order.Vin, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(order.Kind.ToString()), order.CompletedAt ?? Now,
            completedOn.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)))
        {
            Id = "survey:" + order.Id,
        });

        var archived = order with { ArchivedOnVehicle = true, ComebackOf = comebackOf };
        owed.AddRange(Chargebacks(archived));
        return StationDecisions.Replace(current, archived).Send(owed);
    }

    /// <summary>A recall work order needs the campaign open on that vehicle: covering it and not yet completed.</summary>
    private async Task<Refusal?> RecallNotOpenOnVehicleAsync(OpenWorkOrder command)
    {
        var warranty = await GrainFactory.Grain<IVehicleGrain>(command.Vin).GetWarrantyAsync(null, null);
        if (warranty.Refusal is { } refusal)
        {
            return refusal with { Detail = $"Vehicle {command.Vin}: {refusal.Detail}" };
        }

        return command.RecallCampaignId is { } campaign && warranty.Value!.OpenRecalls.Contains(campaign)
            ? null
            : Refusal.Conflict(ProblemCodes.RecallNotOpen, $"Vehicle {command.Vin} has no open recall {command.RecallCampaignId}: the campaign does not cover it, is not open, or was already completed on it.");
    }

    /// <summary>Replay a known key, decide, write once, remember the key, publish.</summary>
    private async Task<(Refusal? Refusal, RememberedStationRequest Remembered)> ExecuteAsync<TCommand>(
        string operation, TCommand command, string? idempotencyKey, bool created, Func<StationState, StationDecision> decide,
        Func<StationState, RememberedStationRequest> reply)
    {
        var fingerprint = RequestFingerprint.Of(operation, command);
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return (replay.Refusal, replay.Remembered!);
        }

        // A PUT that creates the station has nothing to match: If-Match there names a station that must exist.
        if (Preconditions.Check(this, state.State.Revision, state.State.IsRegistered, $"Station {Code}") is { } stale)
        {
            return (stale, null!);
        }

        await EnsurePublishedAsync();
        var decision = decide(state.State);
        if (decision.Refusal is { } refusal)
        {
            if (!state.State.IsRegistered)
            {
                DeactivateOnIdle();
            }

            return (refusal, null!);
        }

        // The reply names the version the write makes.
        var next = decision.Next?.Revised(state.State) ?? state.State;
        var remembered = reply(next) with { Created = created };
        if (decision.Next is not null || idempotencyKey is not null)
        {
            await CommitAsync(Remember(next, idempotencyKey, fingerprint, remembered));
        }

        await EnsurePublishedAsync();
        return (null, remembered);
    }

    private async ValueTask<(Refusal? Refusal, RememberedStationRequest? Remembered)?> ReplayAsync(string? key, string fingerprint)
    {
        if (key is null || await Keys.FindAsync(key) is not { } remembered)
        {
            return null;
        }

        return remembered.Fingerprint == fingerprint
            ? (null, remembered)
            : (Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{key}' was already used for a different request to this station."), null);
    }

    /// <summary>The key and its reply go with the change, as a row of their own (kept for the window, whatever their number).</summary>
    private StationState Remember(StationState next, string? key, string fingerprint, RememberedStationRequest reply) =>
        key is null ? next : next with { NewRows = [IdempotencyKeys<RememberedStationRequest>.Row(reply with { Key = key, Fingerprint = fingerprint, At = Now })] };

    /// <summary>
    /// Pushes the station's summary to its geo cell and province (and takes it out of the ones it left) unless the
    /// current version is already there. Runs after every change and, after a reactivation or a failed push, before
    /// the next command, so the groups never miss a version for long.
    /// </summary>
    private async Task EnsurePublishedAsync()
    {
        var current = state.State;
        if (current.Registry is not { } registry || current.Version == _publishedVersion)
        {
            return;
        }

        var summary = StationDecisions.ToSummary(current, Code);
        var pushes = new List<Task>
        {
            GrainFactory.Grain<IStationGroupGrain>(GroupKeys.Cell(registry)).UpsertAsync(summary),
            GrainFactory.Grain<IStationGroupGrain>(GroupKeys.Province(registry)).UpsertAsync(summary),
        };
        if (_publishedRegistry is { } previous)
        {
            foreach (var left in new[] { GroupKeys.Cell(previous), GroupKeys.Province(previous) }.Except([GroupKeys.Cell(registry), GroupKeys.Province(registry)]))
            {
                pushes.Add(GrainFactory.Grain<IStationGroupGrain>(left).RemoveAsync(Code, current.Version));
            }
        }

        await Task.WhenAll(pushes);
        _publishedVersion = current.Version;
        _publishedRegistry = registry;
    }

    /// <summary>Makes <paramref name="next"/> and its outbox durable, then current (the shared failure policy).</summary>
    private async Task CommitAsync(StationState next)
    {
        _publishedRegistry ??= state.State.Registry;
        await Durable.CommitAsync(next);
        Keys.Written(next.NewRows);
    }

    private static Refusal NotRegistered() => Refusal.NotFound(ProblemCodes.StationNotRegistered, "No station with this code is registered.");

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Station {Code} suspended by the graded assessment: graded D in {Months}")]
    private static partial void LogSuspendedByGrades(ILogger logger, string code, string months);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Work order {WorkOrderId}: the vehicle refused the visit: {Detail}")]
    private static partial void LogArchiveRefused(ILogger logger, string workOrderId, string detail);
}
