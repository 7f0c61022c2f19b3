using System.Collections.Immutable;
using AfterSales.Domain.Parts;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// A parts depot. Stock rules are <see cref="DepotBook"/>'s (pure); the grain validates, writes the new book once
/// together with what it owes (available stock for each changed part's availability index, the number of short parts
/// for the province roll-up, both idempotent by version) and only then makes it current, then delivers those until
/// acknowledged (<see cref="DurableState{TState}"/>): a failed push is retried, not lost.
/// </summary>
[ProvinceHomedPlacement(stateName: "depot", provincePath: "registration.province")]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class PartsDepotGrain(
    [PersistentState("depot", GrainStorage.Name)] IPersistentState<DepotState> state,
    IOptions<PartsOptions> options,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    IHomeRegions homes,
    ILogger<PartsDepotGrain> logger) : Grain, IPartsDepotGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private readonly PartsOptions _options = options.Value;

    private DurableState<DepotState>? _durable;
    private IdempotencyKeys<Remembered>? _keys;

    private string Code => this.GetPrimaryKeyString();

    private IdempotencyKeys<Remembered> Keys => _keys ??= new(rows, "depot", Code, _options.IdempotencyWindow, time, state.RecordExists);

    private DurableState<DepotState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Depot");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Outbox.IsDefaultOrEmpty)
        {
            Durable.ResumePending();
        }

        homes.GoHomeIfAway(state.State.Registration?.Province, MigrateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<Outcome<DepotView>> RegisterAsync(DepotRegistration registration, string? idempotencyKey)
    {
        if (await ReplayAsync(idempotencyKey, (nameof(RegisterAsync), registration)) is { } replay)
        {
            // The depot as it is now: its stock may have moved since, its registration is the one sent.
            return replay.Refusal ?? (replay.Created ? Outcome<DepotView>.Created(View(state.State)) : Outcome<DepotView>.Ok(View(state.State)));
        }

        // A PUT that creates the depot has nothing to match: If-Match there names a depot that must exist.
        if (Preconditions.Check(this, state.State.Revision, state.State.Registration is not null, $"Depot {Code}") is { } stale)
        {
            return stale;
        }

        var created = state.State.Registration is null;
        // The reply names the version the write makes.
        // A changed registration is listed again in the depot directory (CommitAsync owes it).
        var next = (state.State with { Registration = registration, Listed = false }).Revised(state.State);
        var view = View(next);
        await CommitAsync(Remember(next, idempotencyKey, (nameof(RegisterAsync), registration), new Remembered { Created = created }),
            [.. next.Book.OnHand.Keys]);
        homes.GoHomeIfAway(registration.Province, MigrateOnIdle);
        return created ? Outcome<DepotView>.Created(view) : Outcome<DepotView>.Ok(view);
    }

    public Task<Outcome<IReadOnlyList<PartStockView>>> ReceiveAsync(IReadOnlyList<PartQuantity> lines, string? idempotencyKey) =>
        MoveStockAsync(nameof(ReceiveAsync), lines, idempotencyKey, (book, line) => book.Receive(line.PartNo, line.Quantity, out _));

    public Task<Outcome<IReadOnlyList<PartStockView>>> OrderAsync(IReadOnlyList<PartQuantity> lines, string? idempotencyKey) =>
        MoveStockAsync(nameof(OrderAsync), lines, idempotencyKey, (book, line) => book.Order(line.PartNo, line.Quantity));

    public async Task<Outcome<ReservationView>> ReserveAsync(ReserveParts command, string? idempotencyKey)
    {
        // The key is a row written with the reservation (24 h, like the depot's other keys), so a retry is replayed
        // however many requests came in between and whether or not the reservation has since finished and left the
        // book. The reply is the reservation as it is now. (The fingerprint has the form reservations used to keep in
        // the book, which migration 0012 copied into their key rows.)
        var fingerprint = RequestFingerprint.Of(nameof(ReserveAsync), command);
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            if (remembered.ReservationId is null || remembered.Fingerprint != fingerprint)
            {
                return Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for a different request to this depot.");
            }

            var (_, made, arrived) = await FindAsync(remembered.ReservationId);
            return made is not null
                ? Outcome<ReservationView>.Created(View(made, arrived))
                : remembered.Reservation is { } first ? Outcome<ReservationView>.Created(first)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was used for reservation {remembered.ReservationId}, which this depot no longer has.");
        }

        if (NotRegistered() is { } missing)
        {
            return missing;
        }

        var (warranty, urgent, refusal) = await PriorityOfAsync(command);
        if (refusal is not null)
        {
            return refusal;
        }

        // An urgent order's transfer: at the source the reservation goes to the destination depot; at the destination
        // the quantity is on order (in transit) at once and the work order's reservation waits for it.
        var id = $"{Code}-R{state.State.Book.NextSequence}";
        var book = command.TransferFrom is not null
            ? state.State.Book.ExpectTransfer(id, command.PartNo, command.Quantity, command.StationCode, command.WorkOrderId, warranty, urgent, out var reservation)
            : state.State.Book.Reserve(id, command.PartNo, command.Quantity, command.StationCode, command.WorkOrderId, warranty, urgent, out reservation,
                command.ToDepot);
        var view = View(reservation, arrived: false);
        var next = state.State with { Book = book };
        if (idempotencyKey is not null)
        {
            next = next with
            {
                NewRows = [IdempotencyKeys<Remembered>.Row(new Remembered
                {
                    Key = idempotencyKey, Fingerprint = fingerprint, At = time.GetUtcNow(), Created = true, ReservationId = id, Reservation = view,
                })],
            };
        }

        await CommitAsync(next, [command.PartNo]);
        return Outcome<ReservationView>.Created(view);
    }

    /// <summary>
    /// A reservation's priority is its work order's, never the caller's say: a 三包 (warranty) repair is a repair whose
    /// claim was approved, and an urgent order (急件) is one whose vehicle waits for parts. A request may leave both out;
    /// asserting one the work order does not hold is refused.
    /// </summary>
    private async Task<(bool Warranty, bool Urgent, Refusal? Refusal)> PriorityOfAsync(ReserveParts command)
    {
        var found = await GrainFactory.Grain<IServiceStationGrain>(command.StationCode).GetWorkOrderAsync(command.WorkOrderId);
        if (found.Refusal is { } missing)
        {
            return (false, false, Refusal.Invalid("workOrderId", $"workOrderId: {missing.Detail} A reservation is made for an open work order of its station."));
        }

        var order = found.Value!;
        if (order.State is not (WorkOrderState.Open or WorkOrderState.InRepair or WorkOrderState.WaitingForParts))
        {
            return (false, false, Refusal.Conflict(ProblemCodes.WorkOrderClosed, $"Work order {order.Id} is {order.State.ToString().ToLowerInvariant()}; it needs no more parts."));
        }

        var warranty = order.Kind == Interfaces.Vehicles.VisitKind.Repair && order.ClaimState is Interfaces.Claims.ClaimState.Approved or Interfaces.Claims.ClaimState.Settled;
        var urgent = order.State == WorkOrderState.WaitingForParts;
        if (command.Warranty && !warranty)
        {
            return (false, false, Refusal.Forbidden(ProblemCodes.AssertionNotAllowed, $"warranty: work order {order.Id} has no approved warranty claim, so its parts are not for a 三包 repair; leave warranty out (priority comes from the work order)."));
        }

        if (command.Urgent && !urgent)
        {
            return (false, false, Refusal.Forbidden(ProblemCodes.AssertionNotAllowed, $"urgent: work order {order.Id} is not waiting for parts, so this is no urgent order (急件); move it to wait-for-parts first, or leave urgent out."));
        }

        return (warranty, urgent, null);
    }

    public async Task<Outcome<ReservationView>> ShipAsync(string reservationId, int? quantity, string? idempotencyKey)
    {
        var fingerprint = (nameof(ShipAsync), reservationId, quantity);
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return replay.Refusal ?? Outcome<ReservationView>.Ok(replay.Reservation!);
        }

        var (missing, reservation, arrived) = await FindAsync(reservationId);
        if (reservation is null)
        {
            return missing!;
        }

        if (reservation.State != ReservationState.Allocated)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Reservation {reservationId} is {Describe(reservation.State)}; only an allocated reservation ships.");
        }

        var units = quantity ?? reservation.Held;
        if (units > reservation.Held)
        {
            return Refusal.Conflict(ProblemCodes.InsufficientStock, $"Reservation {reservationId} holds {reservation.Held} unit(s); {units} cannot ship.");
        }

        // The shipment notice with its detail list (配件发运通知单 / 明细表, seed 000 §5.5.2) is owed with the shipping:
        // written in the same statement, delivered to the shipment (and from there to the station) until acknowledged.
        var shipmentId = $"{Code}-S{state.State.ShipmentsIssued + 1}";
        // A transfer's notice goes to the destination depot, which receives it into its stock.
        var notice = new ShipmentNotice(shipmentId, Code, state.State.Registration!.Name, reservation.StationCode, time.GetUtcNow(),
            [new ShipmentLine(reservation.Id, reservation.PartNo, units, reservation.Warranty, reservation.WorkOrderId)]) { ToDepot = reservation.ToDepot };
        var book = state.State.Book.Ship(reservation, units, out var shipped, shipmentId);
        var view = View(shipped, arrived) with { ShipmentId = shipmentId };
        var next = (state.State with { Book = book, ShipmentsIssued = state.State.ShipmentsIssued + 1 })
            .Send(new ShipmentNoticeToShipment(notice) { Id = "shipment:" + shipmentId });
        await CommitAsync(Remember(next, idempotencyKey, fingerprint, new Remembered { Reservation = view }), [reservation.PartNo]);
        return Outcome<ReservationView>.Ok(view);
    }

    public async Task<Outcome<ReservationView>> ReleaseAsync(string reservationId, string? idempotencyKey)
    {
        var fingerprint = (nameof(ReleaseAsync), reservationId);
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return replay.Refusal ?? Outcome<ReservationView>.Ok(replay.Reservation!);
        }

        var (missing, reservation, arrived) = await FindAsync(reservationId);
        if (reservation is null)
        {
            return missing!;
        }

        if (reservation.State is not (ReservationState.Allocated or ReservationState.Queued))
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Reservation {reservationId} is {Describe(reservation.State)}; only an allocated or queued reservation can be released.");
        }

        var book = state.State.Book.Release(reservation, out _);
        var view = View(reservation with { State = ReservationState.Released }, arrived);
        await CommitAsync(Remember(state.State with { Book = book }, idempotencyKey, fingerprint, new Remembered { Reservation = view }),
            [reservation.PartNo]);
        return Outcome<ReservationView>.Ok(view);
    }

    public async Task<Outcome<ReservationView>> ConfirmArrivalAsync(string reservationId, string? idempotencyKey)
    {
        var (missing, reservation, arrived) = await FindAsync(reservationId);
        if (reservation is null)
        {
            return missing!;
        }

        if (reservation.Shipped == 0)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Reservation {reservationId} is {Describe(reservation.State)} and nothing of it has shipped; nothing can arrive yet.");
        }

        if (reservation.ToDepot is { } destination)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Reservation {reservationId} is a transfer to depot {destination}: it arrives there by that depot's receipt of its shipment, not at a station.");
        }

        // The station hears first, so a retry after a failure below tells it again (it ignores a repeat).
        var told = await GrainFactory.Grain<IServiceStationGrain>(reservation.StationCode).PartsArrivedAsync(reservation.WorkOrderId, reservationId);
        if (told.Refusal is { } refusal)
        {
            return refusal with { Detail = $"Station {reservation.StationCode}: {refusal.Detail}" };
        }

        if (!arrived)
        {
            // A live reservation is marked in the document; a finished one has left it, so its row is rewritten.
            var live = state.State.Book.Reservations.Any(r => r.Id == reservationId);
            await CommitAsync(live
                ? state.State with { Arrived = state.State.Arrived.Add(reservationId) }
                : state.State with { NewRowsReservations = [FinishedRow(reservation, arrived: true)] }, []);
        }

        _ = idempotencyKey; // arrival is idempotent by reservation, so a key adds nothing
        return Outcome<ReservationView>.Ok(View(reservation, arrived: true));
    }

    public async Task<Outcome<IReadOnlyList<PartStockView>>> ReceiveTransferAsync(ShipmentNotice notice)
    {
        if (NotRegistered() is { } missing)
        {
            return missing;
        }

        if (notice.ToDepot != Code)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Shipment {notice.Id} goes to {notice.ToDepot ?? "station " + notice.StationCode}, not to depot {Code}.");
        }

        var parts = notice.Lines.Select(l => l.PartNo).Distinct(StringComparer.Ordinal).ToList();
        // Received once per shipment, whenever its shipment delivers it again: the receipt is a row of its own, written with the stock.
        if (await rows.ReadOneAsync<TransferReceipt>("depot", Code, DepotState.TransferReceiptKind, notice.Id) is not null)
        {
            return Outcome<IReadOnlyList<PartStockView>>.Ok([.. parts.Select(p => Stock(state.State.Book, p))]);
        }

        var book = notice.Lines.Aggregate(state.State.Book, (b, line) => b.Receive(line.PartNo, line.Quantity, out _));
        var receipt = new TransferReceipt(notice.Id, notice.DepotCode, time.GetUtcNow(), [.. notice.Lines.Select(l => new PartQuantity(l.PartNo, l.Quantity))]);
        await CommitAsync(state.State with { Book = book, NewRowsTransfers = [new(DepotState.TransferReceiptKind, notice.Id, receipt)] }, parts);
        return Outcome<IReadOnlyList<PartStockView>>.Ok([.. parts.Select(p => Stock(state.State.Book, p))]);
    }

    public async Task<Outcome<ReservationView>> GetReservationAsync(string reservationId)
    {
        var (missing, reservation, arrived) = await FindAsync(reservationId);
        return reservation is null ? Outcome<ReservationView>.Refused(missing!) : Outcome<ReservationView>.Ok(View(reservation, arrived));
    }

    public Task<Outcome<PartStockView>> GetStockAsync(string partNo)
    {
        if (NotRegistered() is { } missing)
        {
            return Task.FromResult<Outcome<PartStockView>>(missing);
        }

        return Task.FromResult(state.State.Book.Knows(partNo)
            ? Outcome<PartStockView>.Ok(Stock(state.State.Book, partNo))
            : Outcome<PartStockView>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"Depot {Code} has never received, ordered or been asked for part {partNo}.")));
    }

    public Task<Outcome<DepotView>> GetAsync() =>
        Task.FromResult(NotRegistered() is { } missing ? Outcome<DepotView>.Refused(missing) : Outcome<DepotView>.Ok(View(state.State)));

    private async Task<Outcome<IReadOnlyList<PartStockView>>> MoveStockAsync(
        string operation, IReadOnlyList<PartQuantity> lines, string? idempotencyKey, Func<DepotBook, PartQuantity, DepotBook> apply)
    {
        var fingerprint = (operation, string.Join(';', lines.Select(l => $"{l.PartNo}:{l.Quantity}")));
        if (await ReplayAsync(idempotencyKey, fingerprint) is { } replay)
        {
            return replay.Refusal ?? Outcome<IReadOnlyList<PartStockView>>.Ok(replay.Stock!);
        }

        if (NotRegistered() is { } missing)
        {
            return missing;
        }

        var book = lines.Aggregate(state.State.Book, apply);
        var parts = lines.Select(l => l.PartNo).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<PartStockView> stock = [.. parts.Select(p => Stock(book, p))];
        await CommitAsync(Remember(state.State with { Book = book }, idempotencyKey, fingerprint, new Remembered { Stock = stock }), parts);
        return Outcome<IReadOnlyList<PartStockView>>.Ok(stock);
    }

    private Refusal? NotRegistered() =>
        state.State.Registration is null ? Refusal.NotFound(ProblemCodes.DepotNotRegistered, $"No depot {Code} is registered.") : null;

    /// <summary>
    /// A live reservation from the book, a finished one from its row (read on demand, so none is forgotten however
    /// many the depot has served), with whether its parts arrived; or why there is none.
    /// </summary>
    private async Task<(Refusal? Missing, Reservation? Reservation, bool Arrived)> FindAsync(string reservationId)
    {
        if (NotRegistered() is { } unregistered)
        {
            return (unregistered, null, false);
        }

        if (state.State.Book.Reservations.FirstOrDefault(r => r.Id == reservationId) is { } live)
        {
            return (null, live, state.State.Arrived.Contains(reservationId));
        }

        return await rows.ReadOneAsync<FinishedReservation>("depot", Code, DepotState.FinishedReservationKind, reservationId) is { } finished
            ? (null, finished.Reservation, finished.Arrived)
            : (Refusal.NotFound(ProblemCodes.NotFound, $"Depot {Code} has no reservation {reservationId}."), null, false);
    }

    private static TypedRow<FinishedReservation> FinishedRow(Reservation reservation, bool arrived) =>
        new(DepotState.FinishedReservationKind, reservation.Id, new FinishedReservation(reservation, arrived));

    /// <summary>
    /// Finished reservations leave the book in the write that finished them (or, for a document stored before they
    /// did, in its next write), each as a row with its arrival; the arrival marks kept are those of live reservations.
    /// </summary>
    private static DepotState MoveFinishedOut(DepotState next)
    {
        var book = next.Book.TakeFinished(out var finished);
        var liveIds = book.Reservations.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var arrived = next.Arrived.Count == 0 || next.Arrived.All(liveIds.Contains) ? next.Arrived : next.Arrived.Intersect(liveIds);
        if (finished.Count == 0)
        {
            return arrived == next.Arrived ? next : next with { Arrived = arrived };
        }

        var rows = finished.Select(r => FinishedRow(r, next.Arrived.Contains(r.Id)));
        return next with
        {
            Book = book,
            Arrived = arrived,
            NewRowsReservations = next.NewRowsReservations is { } pending ? pending.AddRange(rows) : [.. rows],
        };
    }

    private PartStockView Stock(DepotBook book, string partNo)
    {
        var levels = book.Levels(partNo);
        var reorderPoint = _options.ReorderPointOf(partNo);
        return new PartStockView(partNo, levels.OnHand, levels.Reserved, levels.Available, levels.OnOrder, levels.Queued, reorderPoint, levels.Available < reorderPoint);
    }

    private DepotView View(DepotState s) => new(
        Code, s.Registration!.Name, s.Registration.Province, s.Registration.Latitude, s.Registration.Longitude,
        [.. s.Book.Parts.Select(p => Stock(s.Book, p))],
        s.Book.Reservations.Count(r => r.State is ReservationState.Allocated or ReservationState.Queued)) { Revision = s.Revision };

    private ReservationView View(Reservation r, bool arrived) => new(
        r.Id, Code, r.PartNo, r.Quantity, r.StationCode, r.WorkOrderId, r.Warranty, r.Urgent, Describe(r.State), r.Shipped, arrived)
    {
        ShipmentId = r.ShipmentId,
        ToDepot = r.ToDepot,
    };

    private static string Describe(ReservationState s) => s.ToString().ToLowerInvariant();

    private async ValueTask<(Refusal? Refusal, ReservationView? Reservation, IReadOnlyList<PartStockView>? Stock, bool Created)?> ReplayAsync(string? key, object request)
    {
        if (key is null || await Keys.FindAsync(key) is not { } remembered)
        {
            return null;
        }

        return remembered.Fingerprint != RequestFingerprint.Of("depot", request)
            ? (Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{key}' was already used for a different request to this depot."), null, null, false)
            : (null, remembered.Reservation, remembered.Stock, remembered.Created);
    }

    /// <summary>The key and its reply go with the change, as a row of their own (kept for the window, whatever their number).</summary>
    private DepotState Remember(DepotState next, string? key, object request, Remembered reply) =>
        key is null ? next : next with
        {
            NewRows = [IdempotencyKeys<Remembered>.Row(reply with { Key = key, Fingerprint = RequestFingerprint.Of("depot", request), At = time.GetUtcNow() })],
        };

    /// <summary>
    /// Writes <paramref name="next"/> with the updates it owes (the changed parts' availability and the province's
    /// shortage count; a newer update replaces a pending older one of the same part), then delivers them.
    /// </summary>
    private async Task CommitAsync(DepotState next, IReadOnlyList<string> changedParts)
    {
        next = MoveFinishedOut(next) with { Version = state.State.Version + 1 };
        if (next.Registration is { } registry)
        {
            var shortages = next.Book.Parts.Count(p => Stock(next.Book, p).Short);
            var owed = changedParts.Select(p => (OutboxMessage)new AvailabilityUpdate(p, new DepotAvailability(
                    Code, registry.Name, registry.Province, registry.Latitude, registry.Longitude, next.Book.Levels(p).Available, next.Version))
                {
                    Id = "availability:" + p,
                })
                .Append(new RollupReport(RollupScopes.Province(registry.Province), new CounterContribution(
                    "depot:" + Code, next.Version, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                    [KeyValuePair.Create(CounterNames.PartsShortages, (long)shortages), KeyValuePair.Create(CounterNames.Depots, 1L)])))
                {
                    Id = "shortages",
                })
                .ToList();
            if (!next.Listed)
            {
                // The depot directory learns where the depot is (once per registration; a depot stored before the
                // directory existed is listed with its next change).
                owed.Add(new DepotDirectoryEntry(new DepotLocation(Code, registry.Name, registry.Province, registry.Latitude, registry.Longitude, next.Version))
                {
                    Id = "directory",
                });
                next = next with { Listed = true };
            }

            var superseded = owed.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            next = next.WithOutbox(next.Outbox.RemoveAll(m => superseded.Contains(m.Id))).Send(owed);
        }

        await Durable.CommitAsync(next);
        Keys.Written(next.NewRows);
        await Durable.DeliverAsync();
    }
}

/// <summary>What a depot persists (state_name 'depot').</summary>
public sealed record DepotState : IOutboxState<DepotState>
{
    public int SchemaVersion { get; init; } = 1;

    public long Version { get; init; }

    public DepotRegistration? Registration { get; init; }

    public DepotBook Book { get; init; } = DepotBook.Empty;

    /// <summary>Shipments issued so far (shipment ids are <c>{code}-S{n}</c>).</summary>
    public long ShipmentsIssued { get; init; }

    /// <summary>The grain_rows kind of a finished reservation (key its id, body a <see cref="FinishedReservation"/>).</summary>
    public const string FinishedReservationKind = "reservation";

    /// <summary>Live reservations whose parts the station confirmed as arrived (a finished one's row carries its own).</summary>
    public ImmutableSortedSet<string> Arrived { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Reservations that finished with this change, or whose arrival it marks (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<FinishedReservation>>? NewRowsReservations { get; init; }

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<Remembered>>? NewRows { get; init; }

    /// <summary>The grain_rows kind of a received transfer shipment (key the shipment id, body a <see cref="TransferReceipt"/>).</summary>
    public const string TransferReceiptKind = "transferReceipt";

    /// <summary>The transfer shipment received with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<TransferReceipt>>? NewRowsTransfers { get; init; }

    /// <summary>Whether the depot directory has been sent the current registration.</summary>
    public bool Listed { get; init; }

    /// <summary>Index and roll-up updates written with the change that owes them, until acknowledged.</summary>
    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public DepotState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public DepotState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public DepotState Written() => NewRows is null && NewRowsReservations is null && NewRowsTransfers is null
        ? this
        : this with { NewRows = null, NewRowsReservations = null, NewRowsTransfers = null };
}

/// <summary>An idempotency key, the fingerprint of its request and the reply it got.</summary>
public sealed record Remembered : IRememberedReply
{
    public string Key { get; init; } = "";

    public string Fingerprint { get; init; } = "";

    public DateTimeOffset At { get; init; }

    public ReservationView? Reservation { get; init; }

    /// <summary>The reservation a reservation request made (its replay answers it as it is now).</summary>
    public string? ReservationId { get; init; }

    public IReadOnlyList<PartStockView>? Stock { get; init; }

    public bool Created { get; init; }
}

/// <summary>A reservation that was shipped in full or released, as its row in grain_rows keeps it, and whether its parts arrived.</summary>
public sealed record FinishedReservation(Reservation Reservation, bool Arrived);

/// <summary>A transfer shipment the depot received: from which depot, when, and what.</summary>
public sealed record TransferReceipt(string ShipmentId, string FromDepot, DateTimeOffset At, IReadOnlyList<PartQuantity> Lines);
