using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Settlements;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Surveys;
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
[JsonDerivedType(typeof(ClaimFilingToClaim), "claimFiling")]
[JsonDerivedType(typeof(ReviewQueueUpdate), "reviewQueue")]
[JsonDerivedType(typeof(ClaimDecisionToStation), "claimDecision")]
[JsonDerivedType(typeof(SettlementLineToStation), "settlementLine")]
[JsonDerivedType(typeof(BuybackClosureToVehicle), "buybackClosure")]
[JsonDerivedType(typeof(ReplacementDelivery), "replacementDelivery")]
[JsonDerivedType(typeof(ShipmentNoticeToShipment), "shipmentNotice")]
[JsonDerivedType(typeof(ShipmentToStation), "shipmentToStation")]
[JsonDerivedType(typeof(ArrivalToDepot), "arrival")]
[JsonDerivedType(typeof(RejectedToDepot), "rejectedParts")]
[JsonDerivedType(typeof(UrgentReservation), "urgentReservation")]
[JsonDerivedType(typeof(UrgentProcurementLine), "urgentProcurement")]
[JsonDerivedType(typeof(TransferToDepot), "transferToDepot")]
[JsonDerivedType(typeof(DepotDirectoryEntry), "depotDirectory")]
[JsonDerivedType(typeof(RecallCompletionReport), "recallCompletion")]
[JsonDerivedType(typeof(RecallRegistryRemoval), "recallRegistryRemoval")]
[JsonDerivedType(typeof(RecallModelUnsubscription), "recallModelUnsubscription")]
[JsonDerivedType(typeof(RecallBatchUnsubscription), "recallBatchUnsubscription")]
[JsonDerivedType(typeof(SurveyDueToSurvey), "surveyDue")]
[JsonDerivedType(typeof(SurveyQueueUpdate), "surveyQueue")]
[JsonDerivedType(typeof(GradeToStation), "grade")]
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

/// <summary>A claim as its station's appraisal files it, owed with the appraised work order; filing the same claim again changes nothing.</summary>
public sealed record ClaimFilingToClaim(string ClaimId, ClaimFiling Filing) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var filed = await grains.Grain<IClaimGrain>(ClaimId).FileAsync(Filing);
        return new DeliveryAnswer(filed.Value, filed.Refusal);
    }
}

/// <summary>A claim entering (<see cref="Entry"/> set) or leaving the warranty department's review queue; idempotent by claim id.</summary>
public sealed record ReviewQueueUpdate(string ClaimId, ReviewQueueEntry? Entry) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var queue = grains.Grain<IClaimReviewQueueGrain>(ClaimReviewQueueKeys.National);
        await (Entry is { } entry ? queue.EnqueueAsync(entry) : queue.RemoveAsync(ClaimId));
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>The warranty department's decision on a claim, for the work order that filed it; idempotent.</summary>
public sealed record ClaimDecisionToStation(string StationCode, string WorkOrderId, string ClaimId, ClaimState Decided, ClaimAmount? Amount) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var told = await grains.Grain<IServiceStationGrain>(StationCode).ClaimDecidedAsync(WorkOrderId, ClaimId, Decided, Amount);
        return new DeliveryAnswer(told.Value, told.Refusal);
    }
}

/// <summary>A line for a station's settlement statement; the settlement counts each line id once.</summary>
public sealed record SettlementLineToStation(string StationCode, SettlementLine Line) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var month = await grains.Grain<ISettlementGrain>(StationCode).RecordAsync(Line);
        return new DeliveryAnswer(month, null);
    }
}

/// <summary>A replace/refund case's end for its vehicle (freed, replaced or refunded); idempotent by case id.</summary>
public sealed record BuybackClosureToVehicle(string Vin, BuybackClosure Closure) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var closed = await grains.Grain<IVehicleGrain>(Vin).CloseBuybackCaseAsync(Closure);
        return new DeliveryAnswer(null, closed.Refusal);
    }
}

/// <summary>The replacement vehicle's delivery to the owner (its periods restart, Art. 29); idempotent by its key.</summary>
public sealed record ReplacementDelivery(string Vin, DeliverVehicle Delivery, string IdempotencyKey) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var delivered = await grains.Grain<IVehicleGrain>(Vin).DeliverAsync(Delivery, IdempotencyKey);
        return new DeliveryAnswer(null, delivered.Refusal);
    }
}

/// <summary>A depot's shipment notice (with its detail list) for the shipment it opens; issuing the same notice twice changes nothing.</summary>
public sealed record ShipmentNoticeToShipment(ShipmentNotice Notice) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var issued = await grains.Grain<IShipmentGrain>(Notice.Id).IssueAsync(Notice);
        return new DeliveryAnswer(issued.Value, issued.Refusal);
    }
}

/// <summary>A shipment as it is now, for its station's list and (once inspected) stock; the station takes an inspection in once.</summary>
public sealed record ShipmentToStation(string StationCode, ShipmentView Shipment) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IStationPartsGrain>(StationCode).RecordAsync(Shipment);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>Inspected parts accepted at the station: the depot confirms the reservation's arrival (its work order is told); idempotent by reservation.</summary>
public sealed record ArrivalToDepot(string DepotCode, string ReservationId) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var confirmed = await grains.Grain<IPartsDepotGrain>(DepotCode).ConfirmArrivalAsync(ReservationId, null);
        return new DeliveryAnswer(confirmed.Value, confirmed.Refusal);
    }
}

/// <summary>
/// Parts the station rejected at inspection, asked of the depot again for the same work order (a new reservation,
/// allocated or queued with the work order's priority); exactly once by its idempotency key.
/// </summary>
public sealed record RejectedToDepot(string DepotCode, ReserveParts Reservation, string IdempotencyKey) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var reserved = await grains.Grain<IPartsDepotGrain>(DepotCode).ReserveAsync(Reservation, IdempotencyKey);
        return new DeliveryAnswer(reserved.Value, reserved.Refusal);
    }
}

/// <summary>An urgent order's reservation at the depot it was sourced from (or back-ordered at); made once by its idempotency key.</summary>
public sealed record UrgentReservation(string DepotCode, ReserveParts Reservation, string IdempotencyKey) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var reserved = await grains.Grain<IPartsDepotGrain>(DepotCode).ReserveAsync(Reservation, IdempotencyKey);
        return new DeliveryAnswer(reserved.Value, reserved.Refusal);
    }
}

/// <summary>
/// An inter-depot transfer shipment, for the depot it goes to: that depot receives it into its stock (serving its
/// queue, warranty first); received once per shipment however often it is delivered.
/// </summary>
public sealed record TransferToDepot(string DepotCode, ShipmentNotice Notice) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var received = await grains.Grain<IPartsDepotGrain>(DepotCode).ReceiveTransferAsync(Notice);
        return new DeliveryAnswer(received.Value, received.Refusal);
    }
}

/// <summary>A depot's registration for the depot directory; the directory keeps the newest version.</summary>
public sealed record DepotDirectoryEntry(DepotLocation Depot) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IDepotDirectoryGrain>(Parts.DepotDirectoryKeys.National).UpsertAsync(Depot);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>An urgent order no depot could serve, for the month's procurement list; the list takes each order once.</summary>
public sealed record UrgentProcurementLine(string Month, string OrderId, string Region, PartQuantity Line) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IPartsPlanGrain>(Month).AddUrgentAsync(OrderId, Region, Line);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>
/// A recall completed on a vehicle, handed to the campaign: while it is open, counted in its roll-up and in
/// <see cref="Province"/> (once per VIN), then the campaign checks whether it reached 100 % and closes; after the
/// closing, counted nowhere new (see <see cref="IRecallCampaignGrain.RecordCompletionAsync"/>). A report stored before
/// <see cref="Province"/> existed has none: its vehicle owed the province a report of its own.
/// </summary>
public sealed record RecallCompletionReport(string CampaignId, CounterContribution Contribution) : OutboxMessage
{
    /// <summary>The vehicle's region (the selling dealer's province) when the completion was recorded; null: none known.</summary>
    public string? Province { get; init; }

    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IRecallCampaignGrain>(CampaignId).RecordCompletionAsync(Contribution, Province);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A closed campaign leaves the registry (and every silo's catalog); idempotent.</summary>
public sealed record RecallRegistryRemoval(string CampaignId) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IRecallRegistryGrain>(RecallRegistry.Key).RemoveAsync(CampaignId);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A closed campaign leaves a model's fleet index (and the model's batches); idempotent.</summary>
public sealed record RecallModelUnsubscription(string Model, string CampaignId) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IFleetModelGrain>(Model).UnsubscribeAsync(CampaignId);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A closed campaign leaves a batch's fleet index; idempotent.</summary>
public sealed record RecallBatchUnsubscription(string Batch, string CampaignId) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<IFleetBatchGrain>(Batch).UnsubscribeAsync(CampaignId);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A completed work order's satisfaction survey, for the call centre; opening it again changes nothing.</summary>
public sealed record SurveyDueToSurvey(SurveyDue Due) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        await grains.Grain<ISurveyGrain>(Due.WorkOrderId).OpenAsync(Due);
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A survey entering (<see cref="Survey"/> set) or leaving the call centre's queue of surveys due; idempotent by survey id.</summary>
public sealed record SurveyQueueUpdate(string SurveyId, SurveyView? Survey) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var queue = grains.Grain<ISurveyQueueGrain>(SurveyQueueKeys.National);
        await (Survey is { } survey ? queue.EnqueueAsync(survey) : queue.RemoveAsync(SurveyId));
        return DeliveryAnswer.Accepted;
    }
}

/// <summary>A frozen month's grade and its consequences for the station; the station records each month once.</summary>
public sealed record GradeToStation(string StationCode, StationGradeRecord Record) : OutboxMessage
{
    public override async Task<DeliveryAnswer> DeliverAsync(IGrainFactory grains)
    {
        var recorded = await grains.Grain<IServiceStationGrain>(StationCode).RecordGradeAsync(Record);
        return new DeliveryAnswer(recorded.Value, recorded.Refusal);
    }
}

/// <summary>A grain state that carries an outbox.</summary>
public interface IOutboxState<TState> where TState : IOutboxState<TState>
{
    /// <summary>Messages written but not yet acknowledged, oldest first. Empty (and left out of the JSON) most of the time.</summary>
    ImmutableArray<OutboxMessage> Outbox { get; }

    TState WithOutbox(ImmutableArray<OutboxMessage> outbox);

    /// <summary>
    /// Counts the writes that changed what callers see (the entity's ETag); a write that only acknowledges delivered
    /// messages leaves it, so a caller's If-Match does not fail for a change it cannot see. 0 in a row written before
    /// it was counted.
    /// </summary>
    long Revision { get; }

    TState WithRevision(long revision);

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

    /// <summary><paramref name="next"/> as the change after <paramref name="current"/>: one revision on, unless it already is.</summary>
    public static TState Revised<TState>(this TState next, TState current) where TState : IOutboxState<TState> =>
        next.Revision > current.Revision ? next : next.WithRevision(current.Revision + 1);

    public static TState Acknowledge<TState>(this TState state, string messageId) where TState : IOutboxState<TState> =>
        state.WithOutbox(state.Outbox.IsDefaultOrEmpty ? [] : state.Outbox.RemoveAll(m => m.Id == messageId));
}
