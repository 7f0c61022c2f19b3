using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Domain.Parts;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// A station's urgent parts order (急件订单). Placing it reads the station (where it is) and its work order (still
/// open), asks the part's availability index for the depots that know the part, nearest first, and decides the route
/// with <see cref="UrgentSourcing"/> (pure). The decision is written in one statement with what it owes — the
/// reservation at the source (or back-order) depot, keyed by the order so it is made once, and for procurement the
/// line on the month's list — and delivered until acknowledged; the depot's answer (reservation id and state, or its
/// refusal) is folded into the order.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class UrgentOrderGrain(
    [PersistentState("urgentOrder", GrainStorage.Name)] IPersistentState<UrgentOrderState> state,
    IOptions<PartsOptions> options,
    IOptions<VehicleOptions> calendar,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<UrgentOrderGrain> logger) : Grain, IUrgentOrderGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private DurableState<UrgentOrderState>? _durable;

    private string Id => this.GetPrimaryKeyString();

    private DurableState<UrgentOrderState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Urgent order", Fold);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Durable.ResumePending();
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<Outcome<UrgentOrderView>> PlaceAsync(PlaceUrgentOrder command, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(PlaceAsync), command);
        if (state.State.Order is { } placed)
        {
            // The id is derived from the caller's key: the same key again is a retry, or a different request reusing it.
            return state.State.Fingerprint == fingerprint
                ? Outcome<UrgentOrderView>.Created(placed)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for urgent order {Id}, a different request.");
        }

        var station = await GrainFactory.Grain<IServiceStationGrain>(command.StationCode).GetAsync();
        if (station.Refusal is { } unknown)
        {
            return unknown;
        }

        var workOrder = await GrainFactory.Grain<IServiceStationGrain>(command.StationCode).GetWorkOrderAsync(command.WorkOrderId);
        if (workOrder.Refusal is { } missing)
        {
            return Refusal.Invalid("workOrderId", $"workOrderId: {missing.Detail} An urgent order is placed for an open work order of its station.");
        }

        if (workOrder.Value!.State is not (WorkOrderState.Open or WorkOrderState.InRepair or WorkOrderState.WaitingForParts))
        {
            return Refusal.Conflict(ProblemCodes.WorkOrderClosed, $"Work order {command.WorkOrderId} is {workOrder.Value.State.ToString().ToLowerInvariant()}; it needs no more parts.");
        }

        var where = station.Value!;
        var known = await GrainFactory.Grain<IPartAvailabilityGrain>(command.PartNo).FindKnownAsync(where.Latitude, where.Longitude, 200);
        // The station's nearest depot whatever it stocks: the transfer's destination, the back-order depot.
        var nearest = await GrainFactory.Grain<IDepotDirectoryGrain>(DepotDirectoryKeys.National).NearestAsync(where.Latitude, where.Longitude, where.Province);
        var decision = UrgentSourcing.Decide([.. known.Select(k => new SourcingCandidate(k.DepotCode, k.DistanceKm, k.Available))], command.Quantity,
            options.Value.UrgentReachKm, nearest is null ? null : new SourcingCandidate(nearest.Code, nearest.DistanceKm, 0));
        var now = time.GetUtcNow();
        var month = now.ToOffset(calendar.Value.BusinessUtcOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var (order, owed) = UrgentOrderDecisions.Place(Id, command, where.Province, decision, month, now);
        await Durable.CommitAsync((state.State with { Order = order, Fingerprint = fingerprint }).Send(owed));
        await Durable.DeliverAsync();
        return Outcome<UrgentOrderView>.Created(await WithLegsAsync(state.State.Order!));
    }

    public async Task<Outcome<UrgentOrderView>> GetAsync() => state.State.Order is { } order
        ? Outcome<UrgentOrderView>.Ok(await WithLegsAsync(order))
        : Outcome<UrgentOrderView>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"There is no urgent order {Id}."));

    /// <summary>The order with its legs as they are now, read from the depots that hold its reservations and the transfer's shipment.</summary>
    private async Task<UrgentOrderView> WithLegsAsync(UrgentOrderView order)
    {
        async Task<ReservationView?> ReadAsync(string? depot, string? reservationId) =>
            depot is null || reservationId is null ? null : (await GrainFactory.Grain<IPartsDepotGrain>(depot).GetReservationAsync(reservationId)).Value;

        var first = ReadAsync(order.ReservationDepot, order.ReservationId);
        var home = order.Route == UrgentOrderDecisions.TransferRoute ? ReadAsync(order.HomeDepot, order.HomeReservationId) : Task.FromResult<ReservationView?>(null);
        var source = await first;
        var transfer = order.Route == UrgentOrderDecisions.TransferRoute && source?.ShipmentId is { } shipmentId
            ? (await GrainFactory.Grain<IShipmentGrain>(shipmentId).GetAsync()).Value
            : null;
        return order with { Legs = UrgentOrderDecisions.Legs(order, source, await home, transfer) };
    }

    private static UrgentOrderState Fold(UrgentOrderState current, OutboxMessage message, DeliveryAnswer answer) =>
        (message, current.Order) switch
        {
            (UrgentReservation { Id: UrgentOrderDecisions.HomeMessage }, { } order) =>
                current with { Order = UrgentOrderDecisions.HomeReserved(order, answer.Reply as ReservationView, answer.Refusal) },
            (UrgentReservation, { } order) => current with { Order = UrgentOrderDecisions.Reserved(order, answer.Reply as ReservationView, answer.Refusal) },
            _ => current,
        };
}

/// <summary>The urgent order's decisions (pure).</summary>
public static class UrgentOrderDecisions
{
    public const string TransferRoute = "transfer";

    /// <summary>The outbox id of a transfer's reservation at the home depot.</summary>
    public const string HomeMessage = "home";

    /// <summary>
    /// The order as placed, and what it owes: the reservation at the source depot (back-order depot for procurement),
    /// for a transfer the reservation at the home depot with the quantity on order there, and the procurement line.
    /// Each keyed by the order id, so made once however often it is delivered.
    /// </summary>
    public static (UrgentOrderView Order, IReadOnlyList<OutboxMessage> Owed) Place(
        string id, PlaceUrgentOrder command, string region, SourcingDecision decision, string month, DateTimeOffset now)
    {
        var route = decision.Route switch
        {
            SourcingRoute.NearestDepot => "nearestDepot",
            SourcingRoute.Transfer => TransferRoute,
            _ => "procurement",
        };
        var reserveAt = decision.Route == SourcingRoute.Procurement ? decision.Home : decision.Source;
        var owed = new List<OutboxMessage>();
        var transfer = decision.Route == SourcingRoute.Transfer ? decision.Home : null;
        if (reserveAt is not null)
        {
            // A transfer's reservation at the source goes to the home depot, not to the station.
            owed.Add(new UrgentReservation(reserveAt.DepotCode,
                new ReserveParts(command.PartNo, command.Quantity, command.StationCode, command.WorkOrderId, Warranty: false, Urgent: false)
                {
                    ToDepot = transfer?.DepotCode,
                },
                "urgent:" + id) { Id = "reserve" });
        }

        if (transfer is not null)
        {
            // The home depot has the quantity on order (in transit) at once and reserves it for the work order.
            owed.Add(new UrgentReservation(transfer.DepotCode,
                new ReserveParts(command.PartNo, command.Quantity, command.StationCode, command.WorkOrderId, Warranty: false, Urgent: false)
                {
                    TransferFrom = reserveAt!.DepotCode,
                },
                $"urgent:{id}:home") { Id = HomeMessage });
        }

        if (decision.Route == SourcingRoute.Procurement)
        {
            owed.Add(new UrgentProcurementLine(month, id, region, new PartQuantity(command.PartNo, command.Quantity)) { Id = "procure" });
        }

        var order = new UrgentOrderView(id, command.StationCode, command.PartNo, command.Quantity, command.WorkOrderId, now, route,
            decision.Source?.DepotCode, decision.Source?.DistanceKm, decision.Home?.DepotCode, decision.Home?.DistanceKm,
            decision.Route == SourcingRoute.Procurement ? month : null, reserveAt?.DepotCode, null, null,
            reserveAt is null ? "sourced" : "sourcing", null);
        return (order, owed);
    }

    /// <summary>The depot's answer folded in: its reservation (allocated or queued), or its refusal (the order is refused, with why).</summary>
    public static UrgentOrderView Reserved(UrgentOrderView order, ReservationView? reservation, Refusal? refusal) =>
        refusal is not null
            ? order with { State = "refused", Reason = refusal.Detail }
            : order with { ReservationId = reservation?.Id, ReservationState = reservation?.State, State = Sourced(order, reservation?.Id, order.HomeReservationId) };

    /// <summary>The home depot's answer to a transfer folded in: its reservation for the work order, or its refusal.</summary>
    public static UrgentOrderView HomeReserved(UrgentOrderView order, ReservationView? reservation, Refusal? refusal) =>
        refusal is not null
            ? order with { State = "refused", Reason = $"Depot {order.HomeDepot}: {refusal.Detail}" }
            : order with { HomeReservationId = reservation?.Id, State = Sourced(order, order.ReservationId, reservation?.Id) };

    /// <summary>Sourced once every reservation it owes is made (a refusal stays refused).</summary>
    private static string Sourced(UrgentOrderView order, string? reservationId, string? homeReservationId) =>
        order.State == "refused" ? "refused"
        : reservationId is not null && (order.Route != TransferRoute || homeReservationId is not null) ? "sourced"
        : "sourcing";

    /// <summary>
    /// The order's legs as they are now. A transfer: "transfer" from the source depot to the home depot (reserving →
    /// queued | reserved → shipped → received, from the source reservation and its shipment) and "delivery" from the
    /// home depot to the station (awaitingTransfer → allocated → shipped → arrived); otherwise a single "delivery" from
    /// the depot that reserved it (a back-order shows "backOrdered" until stock arrives). "refused" for a leg whose
    /// reservation was refused, "released" for one given up.
    /// </summary>
    public static IReadOnlyList<UrgentOrderLeg> Legs(UrgentOrderView order, ReservationView? first, ReservationView? home, ShipmentView? transfer)
    {
        if (order.ReservationDepot is null)
        {
            return [];
        }

        string Pending(string? reservationId) => reservationId is null && order.State == "refused" ? "refused" : "reserving";

        string Delivery(ReservationView? r, string? reservationId, string waiting) => r switch
        {
            null => Pending(reservationId),
            { State: "queued" } => waiting,
            { State: "shipped" or "allocated", Arrived: true } => "arrived",
            { State: "shipped" } => "shipped",
            { State: "released" } => "released",
            _ => "allocated",
        };

        if (order.Route != TransferRoute)
        {
            return [new UrgentOrderLeg("delivery", order.ReservationDepot, order.StationCode, order.ReservationId,
                Delivery(first, order.ReservationId, order.Route == "procurement" ? "backOrdered" : "queued"), first?.ShipmentId)];
        }

        var transferState = first switch
        {
            null => Pending(order.ReservationId),
            { State: "queued" } => "queued",
            { State: "released" } => "released",
            { State: "shipped" } => transfer?.State == ShipmentDecisions.Received ? "received" : "shipped",
            _ => "reserved",
        };
        return
        [
            new UrgentOrderLeg("transfer", order.ReservationDepot, order.HomeDepot!, order.ReservationId, transferState, first?.ShipmentId),
            new UrgentOrderLeg("delivery", order.HomeDepot!, order.StationCode, order.HomeReservationId,
                Delivery(home, order.HomeReservationId, "awaitingTransfer"), home?.ShipmentId),
        ];
    }
}

/// <summary>What an urgent order persists (state_name 'urgentOrder').</summary>
public sealed record UrgentOrderState : IOutboxState<UrgentOrderState>
{
    public int SchemaVersion { get; init; } = 1;

    public UrgentOrderView? Order { get; init; }

    /// <summary>The request that placed it (a retry with the same key must be the same request).</summary>
    public string? Fingerprint { get; init; }

    public long Revision { get; init; }

    public UrgentOrderState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public UrgentOrderState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public UrgentOrderState Written() => this;
}
