using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Vehicles;

/// <summary>
/// What the vehicle grain persists (table grain_state, state_name 'vehicle', JSON). Immutable: a command builds
/// the next state and it replaces this one only once it is durable. Rows outlive the code, so fields are only
/// ever added; <see cref="SchemaVersion"/> says which shape a row has.
/// </summary>
public sealed record VehicleState : IOutboxState<VehicleState>
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Null until the vehicle is registered.</summary>
    public VehicleIdentity? Identity { get; init; }

    public VehicleLifecycle Lifecycle { get; init; } = VehicleLifecycle.Produced;

    public OwnerView? Owner { get; init; }

    public ImmutableArray<OwnerView> PreviousOwners { get; init; } = [];

    public string? DealerCode { get; init; }

    /// <summary>The selling dealer's province at delivery (null before delivery or when the dealer is not a registered station): recall progress by region counts the vehicle there.</summary>
    public string? Region { get; init; }

    public DateOnly? InvoiceDate { get; init; }

    public DateOnly? DeliveryDate { get; init; }

    /// <summary>Art. 29: a replacement vehicle's periods restart on its delivery.</summary>
    public DateOnly? CoverageRestartedOn { get; init; }

    public string? ReplacesVin { get; init; }

    public string? ReplacedByVin { get; init; }

    public DateOnly? EndedOn { get; init; }

    /// <summary>Erasures of previous owners' personal data, oldest first (kept: they explain the blanks).</summary>
    public ImmutableArray<PersonalDataErasureView> Erasures { get; init; } = [];

    /// <summary>The replace/refund case open on the vehicle (one at a time), until it is rejected or completed.</summary>
    public string? OpenBuybackCase { get; init; }

    public int OdometerKm { get; init; }

    public DateTimeOffset? OdometerReadAt { get; init; }

    /// <summary>Readings kept to tell when a mileage limit was reached (see <see cref="OdometerLog"/>).</summary>
    public ImmutableArray<OdometerEntry> OdometerLog { get; init; } = [];

    /// <summary>Operators' corrections of wrong readings, oldest first (kept for good: they explain the odometer).</summary>
    public ImmutableArray<OdometerCorrectionView> OdometerCorrections { get; init; } = [];

    /// <summary>
    /// The repair archive, oldest first. Held in memory (every 三包 answer reads it) but not in the document: each
    /// entry is a row of grain_rows (kind <see cref="ArchiveRowKind"/>) written with the change that added or changed it,
    /// so a reading or a transfer does not rewrite the archive. The state read attaches the rows (migration 0009:
    /// one round trip), which arrive through <see cref="ArchiveAsRead"/>.
    /// </summary>
    [JsonIgnore]
    public ImmutableArray<VisitEntry> Visits { get; init; } = [];

    /// <summary>The archive as the state read attaches it ("visits"); read, never written.</summary>
    [JsonPropertyName("visits"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ImmutableArray<VisitEntry> ArchiveAsRead
    {
        get => default;
        init => Visits = value.IsDefault ? [] : value;
    }

    public const string ArchiveRowKind = "visit";

    /// <summary>How many archive rows the vehicle has (none to read when 0).</summary>
    public int VisitCount { get; init; }

    /// <summary>Archive entries added or changed by this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<StoredVisit>>? NewRowsVisits { get; init; }

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedRequest>>? NewRows { get; init; }

    /// <summary>Messages owed to other grains (quality and recall roll-ups, the batch's repeat-fault watch), written with the visit that owes them.</summary>
    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public VehicleState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public VehicleState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public VehicleState Written() => NewRows is null && NewRowsVisits is null ? this : this with { NewRows = null, NewRowsVisits = null };

    [JsonIgnore]
    public bool IsRegistered => Identity is not null;
}

public sealed record VehicleIdentity(string Vin, string Model, string Batch, DateOnly ProductionDate, Powertrain Powertrain, decimal Price);

/// <summary>A kept reading. A value type: the log holds a few per vehicle, inline in its array (24 bytes, not a 40-byte object and a reference).</summary>
public readonly record struct OdometerEntry(DateTimeOffset ReadAt, int Km);

public sealed record VisitEntry(CompletedVisit Visit, int RepairDays, ComebackView? Comeback, DateTimeOffset RecordedAt);

/// <summary>An archive row: the entry and its place in the archive (the order visits were recorded in).</summary>
public sealed record StoredVisit(int Seq, VisitEntry Entry);

/// <summary>An idempotency key, a fingerprint of the request it came with, and the reply it got.</summary>
public sealed record RememberedRequest(string Key, string Fingerprint, DateTimeOffset At, VehicleView? Vehicle, RepairRecordView? Record, bool Created) : IRememberedReply;
