using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// One shipment: the notice its depot issued (from the depot's outbox, once) and the station's receipt inspection.
/// Each command: replay a known key → decide (<see cref="ShipmentDecisions"/>) → write the state with what it owes (the
/// station's list and stock, the depot's arrival confirmation and the re-reservation of rejected parts) in one
/// statement → reply → deliver until acknowledged, so a crash anywhere delays those but never loses or doubles them.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class ShipmentGrain(
    [PersistentState("shipment", GrainStorage.Name)] IPersistentState<ShipmentState> state,
    IOptions<PartsOptions> options,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    ILogger<ShipmentGrain> logger) : Grain, IShipmentGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private DurableState<ShipmentState>? _durable;
    private IdempotencyKeys<RememberedInspection>? _keys;

    private string Id => this.GetPrimaryKeyString();

    private IdempotencyKeys<RememberedInspection> Keys => _keys ??= new(rows, "shipment", Id, options.Value.IdempotencyWindow, time, state.RecordExists);

    private DurableState<ShipmentState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Shipment",
        (current, message, answer) => ShipmentDecisions.FoldReceipt(current, message, answer, time.GetUtcNow()));

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Durable.ResumePending();
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<Outcome<ShipmentView>> IssueAsync(ShipmentNotice notice)
    {
        if (state.State.Notice is { } issued)
        {
            return Outcome<ShipmentView>.Ok(ShipmentDecisions.View(issued, state.State.Inspection, state.State.ReceivedAt));
        }

        // A transfer goes to its depot, which receives it into stock; any other shipment to the station's list.
        var view = ShipmentDecisions.View(notice, null);
        await Durable.CommitAsync((state.State with { Notice = notice }).Send(notice.ToDepot is { } depot
            ? new TransferToDepot(depot, notice) { Id = "depot" }
            : new ShipmentToStation(notice.StationCode, view) { Id = "station" }));
        await Durable.DeliverAsync();
        return Outcome<ShipmentView>.Created(ShipmentDecisions.View(notice, null, state.State.ReceivedAt));
    }

    public async Task<Outcome<ShipmentView>> InspectAsync(IReadOnlyList<InspectionLine> lines, string inspectedBy, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(InspectAsync), lines);
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            return remembered.Fingerprint == fingerprint
                ? Outcome<ShipmentView>.Ok(remembered.Shipment)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for a different request to shipment {Id}.");
        }

        if (state.State.Notice is not { } notice)
        {
            return Refusal.NotFound(ProblemCodes.NotFound, $"There is no shipment {Id}.");
        }

        if (notice.ToDepot is { } toDepot)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Shipment {Id} is a transfer to depot {toDepot}, which receives it; a station inspects only what is shipped to it.");
        }

        var (inspection, refusal) = ShipmentDecisions.Inspect(notice, state.State.Inspection, lines, inspectedBy, time.GetUtcNow());
        if (refusal is not null)
        {
            return refusal;
        }

        var view = ShipmentDecisions.View(notice, inspection);
        // A station copy of the notice still pending is superseded by the inspected one.
        var next = state.State with { Inspection = inspection };
        next = next.WithOutbox(next.Outbox.IsDefaultOrEmpty ? [] : next.Outbox.RemoveAll(m => m.Id == "station")).Send(ShipmentDecisions.Owed(notice, inspection!));
        if (idempotencyKey is not null)
        {
            next = next with { NewRows = [IdempotencyKeys<RememberedInspection>.Row(new RememberedInspection(idempotencyKey, fingerprint, time.GetUtcNow(), view))] };
        }

        await Durable.CommitAsync(next);
        Keys.Written(next.NewRows);
        await Durable.DeliverAsync();
        return Outcome<ShipmentView>.Ok(view);
    }

    public Task<Outcome<ShipmentView>> GetAsync() => Task.FromResult(state.State.Notice is { } notice
        ? Outcome<ShipmentView>.Ok(ShipmentDecisions.View(notice, state.State.Inspection, state.State.ReceivedAt))
        : Outcome<ShipmentView>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"There is no shipment {Id}.")));
}

/// <summary>What a shipment persists (state_name 'shipment').</summary>
public sealed record ShipmentState : IOutboxState<ShipmentState>
{
    public int SchemaVersion { get; init; } = 1;

    public ShipmentNotice? Notice { get; init; }

    public ShipmentInspection? Inspection { get; init; }

    /// <summary>A transfer: when its depot acknowledged the receipt.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The idempotency key written with the inspection (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedInspection>>? NewRows { get; init; }

    public long Revision { get; init; }

    public ShipmentState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public ShipmentState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public ShipmentState Written() => NewRows is null ? this : this with { NewRows = null };
}

/// <summary>An inspection's idempotency key, the fingerprint of its request and the shipment it answered with.</summary>
public sealed record RememberedInspection(string Key, string Fingerprint, DateTimeOffset At, ShipmentView Shipment) : IRememberedReply;
