using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Stations;

namespace AfterSales.Grains.Stations;

/// <summary>
/// What the station grain persists (grain_state, state_name 'station', JSON). Immutable: a command builds the next
/// state, which replaces this one only once it is durable. Work order n has id <c>{code}-{n}</c>. Only live orders
/// (not settled, not cancelled) are in the document; a closed order leaves it, as a row of grain_rows (kind
/// <see cref="ClosedWorkOrderKind"/>) written with the change that closed it, so the document stays the size of the
/// station's current work, not of its history.
/// </summary>
public sealed record StationState : IOutboxState<StationState>
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Null until the station is registered.</summary>
    public StationRegistration? Registry { get; init; }

    /// <summary>
    /// The station's people and their certificates, by person id (empty in documents written before certification:
    /// then nobody is certified and appraisals are refused until the after-sales side records them).
    /// </summary>
    public ImmutableArray<StationPerson> People { get; init; } = [];

    public StationAuthorisation Authorisation { get; init; } = StationAuthorisation.Active;

    public string? AuthorisationReason { get; init; }

    /// <summary>
    /// The station's frozen monthly grades and what they earned, by month (yyyy-MM): the newest
    /// <see cref="StationDecisions.GradeMonthsKept"/> only, enough for the consecutive-D rule (the month's frozen
    /// sheet keeps every month for good).
    /// </summary>
    public ImmutableSortedDictionary<string, StationGradeRecord> Grades { get; init; } = ImmutableSortedDictionary.Create<string, StationGradeRecord>(StringComparer.Ordinal);

    /// <summary>Increases with every change; the index and roll-up grains keep only the newest summary.</summary>
    public long Version { get; init; }

    public const string ClosedWorkOrderKind = "workOrder";

    /// <summary>The live work orders, oldest first.</summary>
    public ImmutableArray<WorkOrderView> WorkOrders { get; init; } = [];

    /// <summary>How many work orders the station has opened (the number of the last one).</summary>
    public int WorkOrdersOpened { get; init; }

    /// <summary>Work orders that closed with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<WorkOrderView>>? NewRowsWorkOrders { get; init; }

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedStationRequest>>? NewRows { get; init; }

    /// <summary>Messages owed to other grains (visits for vehicles' archives, grade roll-ups), written with the change that owes them.</summary>
    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public StationState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public StationState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public StationState Written() => NewRows is null && NewRowsWorkOrders is null ? this : this with { NewRows = null, NewRowsWorkOrders = null };

    [JsonIgnore]
    public bool IsRegistered => Registry is not null;
}

/// <summary>An idempotency key, a fingerprint of its request and the reply it got.</summary>
public sealed record RememberedStationRequest(
    string Key, string Fingerprint, DateTimeOffset At, bool Created, StationView? Station, WorkOrderView? WorkOrder, AppraisalResult? Appraisal, StationPerson? Person = null) : IRememberedReply;
