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
    ILogger<UrgentOrderGrain> logger) : Grain, IUrgentOrderGrain, IOutboxOwner
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
        var decision = UrgentSourcing.Decide([.. known.Select(k => new SourcingCandidate(k.DepotCode, k.DistanceKm, k.Available))], command.Quantity, options.Value.UrgentReachKm);
        var now = time.GetUtcNow();
        var month = now.ToOffset(calendar.Value.BusinessUtcOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var (order, owed) = UrgentOrderDecisions.Place(Id, command, where.Province, decision, month, now);
        await Durable.CommitAsync((state.State with { Order = order, Fingerprint = fingerprint }).Send(owed));
        await Durable.DeliverAsync();
        return Outcome<UrgentOrderView>.Created(state.State.Order!);
    }

    public Task<Outcome<UrgentOrderView>> GetAsync() => Task.FromResult(state.State.Order is { } order
        ? Outcome<UrgentOrderView>.Ok(order)
        : Outcome<UrgentOrderView>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"There is no urgent order {Id}.")));

    private static UrgentOrderState Fold(UrgentOrderState current, OutboxMessage message, DeliveryAnswer answer) =>
        message is UrgentReservation && current.Order is { } order
            ? current with { Order = UrgentOrderDecisions.Reserved(order, answer.Reply as ReservationView, answer.Refusal) }
            : current;
}

/// <summary>The urgent order's decisions (pure).</summary>
public static class UrgentOrderDecisions
{
    /// <summary>The order as placed, and what it owes: the reservation at the source depot (back-order depot for procurement) and the procurement line.</summary>
    public static (UrgentOrderView Order, IReadOnlyList<OutboxMessage> Owed) Place(
        string id, PlaceUrgentOrder command, string region, SourcingDecision decision, string month, DateTimeOffset now)
    {
        var route = decision.Route switch
        {
            SourcingRoute.NearestDepot => "nearestDepot",
            SourcingRoute.Transfer => "transfer",
            _ => "procurement",
        };
        var reserveAt = decision.Route == SourcingRoute.Procurement ? decision.Home : decision.Source;
        var owed = new List<OutboxMessage>();
        if (reserveAt is not null)
        {
            owed.Add(new UrgentReservation(reserveAt.DepotCode,
                new ReserveParts(command.PartNo, command.Quantity, command.StationCode, command.WorkOrderId, Warranty: false, Urgent: false),
                "urgent:" + id) { Id = "reserve" });
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
            : order with { ReservationId = reservation?.Id, ReservationState = reservation?.State, State = "sourced" };
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
