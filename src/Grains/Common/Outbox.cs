using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Common;

/// <summary>
/// A message a grain owes another grain. It is written in the same state document (one PostgreSQL statement) as the
/// change that owes it, and stays there until its recipient has acknowledged it, so a crash at any point delays it
/// but never loses it. Recipients are idempotent on what the message carries (a visit id, a roll-up source and
/// version, an index entry's version): delivering a message twice changes nothing the second time.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(VisitToVehicle), "visit")]
[JsonDerivedType(typeof(RollupReport), "rollup")]
[JsonDerivedType(typeof(FleetRepairReport), "fleetRepair")]
[JsonDerivedType(typeof(AvailabilityUpdate), "availability")]
[JsonDerivedType(typeof(FleetIndexEntry), "fleetIndex")]
public abstract record OutboxMessage
{
    /// <summary>Unique among the messages the grain ever owes, so an acknowledgement removes exactly this one.</summary>
    public required string Id { get; init; }

    /// <summary>Sends the message; returns what the recipient answered. Throws when the recipient could not be reached.</summary>
    public abstract Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains);
}

/// <summary>What a recipient answered: accepted (with a reply the sender may fold into its state), or refused for good.</summary>
public sealed record DeliveryAnswer(object? Reply, Refusal? Refusal)
{
    public static readonly DeliveryAnswer Accepted = new(null, null);
}

/// <summary>A work order's visit (running, completed or cancelled) for the vehicle's repair archive; idempotent by visit id.</summary>
public sealed record VisitToVehicle(string Vin, CompletedVisit Visit) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var appended = await grains.Grain<IVehicleGrain>(Vin).AppendVisitAsync(Visit, null);
        return new DeliveryAnswer(appended.Value, appended.Refusal);
    }
}

/// <summary>A contribution to a counter roll-up; the roll-up counts each (source, version) once.</summary>
public sealed record RollupReport(string Scope, CounterContribution Contribution) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<ICounterRollupGrain>(Scope).ReportAsync(Contribution);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A repair for the batch's repeat-fault watch; idempotent by visit id.</summary>
public sealed record FleetRepairReport(string Batch, FleetRepair Repair) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IFleetBatchGrain>(Batch).RecordRepairAsync(Repair);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>
/// A vehicle registered, imported or delivered, for its batch in the fleet index: the batch adds it once (by VIN) and
/// learns its region once.
/// </summary>
public sealed record FleetIndexEntry(string Batch, FleetEntry Entry) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IFleetBatchGrain>(Batch).AddAsync(Entry);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A depot's available stock of one part for that part's availability index; the index keeps the newest version.</summary>
public sealed record AvailabilityUpdate(string PartNo, DepotAvailability Availability) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IPartAvailabilityGrain>(PartNo).UpsertAsync(Availability);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A grain state that carries an outbox.</summary>
public interface IOutboxState<TState> where TState : IOutboxState<TState>
{
    /// <summary>Messages written but not yet acknowledged, oldest first. Empty (and left out of the JSON) most of the time.</summary>
    ImmutableArray<OutboxMessage> Outbox { get; }

    TState WithOutbox(ImmutableArray<OutboxMessage> outbox);

    /// <summary>The state as it stands once written: rows appended with the write (keys, history) are no longer carried.</summary>
    TState Written();
}

/// <summary>Outbox arithmetic, shared by the states.</summary>
public static class OutboxStates
{
    public static TState Send<TState>(this TState state, IEnumerable<OutboxMessage> messages) where TState : IOutboxState<TState>
    {
        var added = messages.ToImmutableArray();
        return added.IsEmpty ? state : state.WithOutbox(state.Outbox.IsDefault ? added : state.Outbox.AddRange(added));
    }

    public static TState Send<TState>(this TState state, params OutboxMessage[] messages) where TState : IOutboxState<TState> =>
        state.Send((IEnumerable<OutboxMessage>)messages);

    public static TState Acknowledge<TState>(this TState state, string messageId) where TState : IOutboxState<TState> =>
        state.WithOutbox(state.Outbox.IsDefaultOrEmpty ? [] : state.Outbox.RemoveAll(m => m.Id == messageId));
}
