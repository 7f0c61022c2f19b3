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

    /// <summary>The state's name in grain_state.</summary>
    public const string StateName = "vehicle";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Null until the vehicle is registered.</summary>
    public VehicleIdentity? Identity { get; init; }

    public VehicleLifecycle Lifecycle { get; init; } = VehicleLifecycle.Produced;

    public OwnerView? Owner { get; init; }

    public ImmutableArray<OwnerView> PreviousOwners { get => _rare.PreviousOwners; init => _rare = Rare.Normal(_rare with { PreviousOwners = Rare.Shared(value) }); }

    public string? DealerCode { get; init; }

    /// <summary>The selling dealer's province at delivery (null before delivery or when the dealer is not a registered station): recall progress by region counts the vehicle there.</summary>
    public string? Region { get; init; }

    public DateOnly? InvoiceDate { get; init; }

    public DateOnly? DeliveryDate { get; init; }

    /// <summary>Art. 29: a replacement vehicle's periods restart on its delivery.</summary>
    public DateOnly? CoverageRestartedOn { get => _rare.CoverageRestartedOn; init => _rare = Rare.Normal(_rare with { CoverageRestartedOn = value }); }

    public string? ReplacesVin { get => _rare.ReplacesVin; init => _rare = Rare.Normal(_rare with { ReplacesVin = value }); }

    public string? ReplacedByVin { get => _rare.ReplacedByVin; init => _rare = Rare.Normal(_rare with { ReplacedByVin = value }); }

    public DateOnly? EndedOn { get => _rare.EndedOn; init => _rare = Rare.Normal(_rare with { EndedOn = value }); }

    /// <summary>Erasures of previous owners' personal data, oldest first (kept: they explain the blanks).</summary>
    public ImmutableArray<PersonalDataErasureView> Erasures { get => _rare.Erasures; init => _rare = Rare.Normal(_rare with { Erasures = Rare.Shared(value) }); }

    /// <summary>The replace/refund case open on the vehicle (one at a time), until it is rejected or completed.</summary>
    public string? OpenBuybackCase { get => _rare.OpenBuybackCase; init => _rare = Rare.Normal(_rare with { OpenBuybackCase = value }); }

    public int OdometerKm { get; init; }

    public DateTimeOffset? OdometerReadAt { get; init; }

    /// <summary>Readings kept to tell when a mileage limit was reached (see <see cref="OdometerLog"/>).</summary>
    public ImmutableArray<OdometerEntry> OdometerLog { get; init; } = [];

    /// <summary>Operators' corrections of wrong readings, oldest first (kept for good: they explain the odometer).</summary>
    public ImmutableArray<OdometerCorrectionView> OdometerCorrections { get => _rare.OdometerCorrections; init => _rare = Rare.Normal(_rare with { OdometerCorrections = Rare.Shared(value) }); }

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
    public ImmutableArray<TypedRow<StoredVisit>>? NewRowsVisits { get => _rare.NewRowsVisits; init => _rare = Rare.Normal(_rare with { NewRowsVisits = value }); }

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedRequest>>? NewRows { get => _rare.NewRows; init => _rare = Rare.Normal(_rare with { NewRows = value }); }

    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public VehicleState WithRevision(long revision) => this with { Revision = revision };

    /// <summary>Messages owed to other grains (quality and recall roll-ups, the batch's repeat-fault watch), written with the visit that owes them.</summary>
    public ImmutableArray<OutboxMessage> Outbox { get => _rare.Outbox; init => _rare = Rare.Normal(_rare with { Outbox = Rare.Shared(value) }); }

    public VehicleState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public VehicleState Written() => NewRows is null && NewRowsVisits is null ? this : this with { NewRows = null, NewRowsVisits = null };

    [JsonIgnore]
    public bool IsRegistered => Identity is not null;

    // The facts most vehicles never have (a replacement, an ended life, a buyback case, erasures, corrections,
    // previous owners, messages or rows still to write), kept out of line: every active vehicle holds a state, and
    // one shared reference costs 8 bytes where these fields inline cost about 100. The properties above read and
    // set them; the JSON and the record's equality are as if they were the state's own fields.
    private readonly Rare _rare = Rare.None;

    private sealed record Rare
    {
        public static readonly Rare None = new();

        public ImmutableArray<OwnerView> PreviousOwners { get; init; } = ImmutableArray<OwnerView>.Empty;

        public DateOnly? CoverageRestartedOn { get; init; }

        public string? ReplacesVin { get; init; }

        public string? ReplacedByVin { get; init; }

        public DateOnly? EndedOn { get; init; }

        public ImmutableArray<PersonalDataErasureView> Erasures { get; init; } = ImmutableArray<PersonalDataErasureView>.Empty;

        public string? OpenBuybackCase { get; init; }

        public ImmutableArray<OdometerCorrectionView> OdometerCorrections { get; init; } = ImmutableArray<OdometerCorrectionView>.Empty;

        public ImmutableArray<TypedRow<StoredVisit>>? NewRowsVisits { get; init; }

        public ImmutableArray<TypedRow<RememberedRequest>>? NewRows { get; init; }

        public ImmutableArray<OutboxMessage> Outbox { get; init; } = ImmutableArray<OutboxMessage>.Empty;

        /// <summary>The shared instance when nothing is set (a state read or a write's <c>Written()</c> gives back None).</summary>
        public static Rare Normal(Rare rare) => rare == None ? None : rare;

        /// <summary>Empty lists as the one shared empty array, so that "none" compares equal to <see cref="None"/>'s.</summary>
        public static ImmutableArray<T> Shared<T>(ImmutableArray<T> items) => items.IsDefaultOrEmpty ? ImmutableArray<T>.Empty : items;
    }
}

public sealed record VehicleIdentity(string Vin, string Model, string Batch, DateOnly ProductionDate, Powertrain Powertrain, decimal Price);

/// <summary>A kept reading. A value type: the log holds a few per vehicle, inline in its array (24 bytes, not a 40-byte object and a reference).</summary>
public readonly record struct OdometerEntry(DateTimeOffset ReadAt, int Km);

/// <summary>
/// One entry of the repair archive: the visit, its repair days, the comeback it was found to be, and when it was
/// recorded. Every active vehicle holds its whole archive in memory, so an entry keeps the visit's fields itself in a
/// compact form (times as UTC ticks and an offset, enums and flags as bytes, what few visits have out of line) rather
/// than a <see cref="CompletedVisit"/> object beside it: about 120 bytes an entry instead of 224. <see cref="Visit"/>
/// builds the contract's record when a reply or a decision needs it; the rules read the fields through
/// <see cref="VehicleMapping.ToRepairVisit(VisitEntry)"/>.
/// The JSON is the same as the positional record's it replaces ("visit", "repairDays", "comeback", "recordedAt").
/// </summary>
public sealed record VisitEntry
{
    private const byte WarrantyFlag = 1, UnitReplacedFlag = 2, SeriousSafetyFlag = 4, CancelledFlag = 8, CompletedFlag = 16;

    private readonly string? _appraiser;
    private readonly string? _workDone;
    private readonly Uncommon? _uncommon;
    private readonly IReadOnlyList<string> _mainPartsReplaced;
    private readonly IReadOnlyList<PartUsed> _partsUsed;
    private readonly long _agreedAtUtcTicks;
    private readonly long _completedAtUtcTicks;
    private readonly long _recordedAtUtcTicks;
    private readonly short _agreedAtOffsetMinutes;
    private readonly short _completedAtOffsetMinutes;
    private readonly short _recordedAtOffsetMinutes;
    private readonly byte _kind;
    private readonly byte _system;
    private readonly byte _workGrade;
    private readonly byte _safetyDefect;
    private readonly byte _source;
    private readonly byte _flags;

    public VisitEntry(CompletedVisit visit, int repairDays, ComebackView? comeback, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(visit);
        VisitId = visit.VisitId;
        StationCode = visit.StationCode;
        FaultCode = visit.FaultCode;
        MileageKm = visit.MileageKm;
        _appraiser = visit.Appraiser;
        _workDone = visit.WorkDone;
        if (visit.RecallCampaignId is not null || visit.RepairItem is not null || comeback is not null || visit.ExcludedHours != 0)
        {
            _uncommon = new Uncommon(visit.RecallCampaignId, visit.RepairItem, comeback, visit.ExcludedHours);
        }

        _mainPartsReplaced = visit.MainPartsReplaced;
        _partsUsed = visit.PartsUsed;
        (_agreedAtUtcTicks, _agreedAtOffsetMinutes) = Pack(visit.AgreedAt);
        if (visit.CompletedAt is { } completedAt)
        {
            (_completedAtUtcTicks, _completedAtOffsetMinutes) = Pack(completedAt);
        }

        (_recordedAtUtcTicks, _recordedAtOffsetMinutes) = Pack(recordedAt);
        _kind = checked((byte)visit.Kind);
        _system = checked((byte)visit.System);
        _workGrade = checked((byte)visit.WorkGrade);
        _safetyDefect = checked((byte)visit.SafetyDefect);
        _source = checked((byte)visit.Source);
        _flags = (byte)((visit.Warranty ? WarrantyFlag : 0) | (visit.UnitReplaced ? UnitReplacedFlag : 0)
            | (visit.SeriousSafety ? SeriousSafetyFlag : 0) | (visit.Cancelled ? CancelledFlag : 0)
            | (visit.CompletedAt is null ? 0 : CompletedFlag));
        RepairDays = repairDays;
    }

    /// <summary>The visit as the contract states it (a new record each time: replies and decisions, not the hot read).</summary>
    public CompletedVisit Visit => new(
        VisitId, StationCode, Kind, AgreedAt, CompletedAt, MileageKm, FaultCode, System, WorkGrade, Warranty, UnitReplaced,
        _mainPartsReplaced, SeriousSafety, SafetyDefect, ExcludedHours, _workDone, _partsUsed, _appraiser, RecallCampaignId,
        RepairItem, Cancelled, Source);

    public int RepairDays { get; }

    public ComebackView? Comeback => _uncommon?.Comeback;

    public DateTimeOffset RecordedAt => Unpack(_recordedAtUtcTicks, _recordedAtOffsetMinutes);

    [JsonIgnore]
    public string VisitId { get; }

    [JsonIgnore]
    public string StationCode { get; }

    [JsonIgnore]
    public string FaultCode { get; }

    [JsonIgnore]
    public int MileageKm { get; }

    [JsonIgnore]
    public VisitKind Kind => (VisitKind)_kind;

    [JsonIgnore]
    public VehicleSystem System => (VehicleSystem)_system;

    [JsonIgnore]
    public WorkGrade WorkGrade => (WorkGrade)_workGrade;

    [JsonIgnore]
    public SafetyDefect SafetyDefect => (SafetyDefect)_safetyDefect;

    [JsonIgnore]
    public VisitSource Source => (VisitSource)_source;

    [JsonIgnore]
    public DateTimeOffset AgreedAt => Unpack(_agreedAtUtcTicks, _agreedAtOffsetMinutes);

    [JsonIgnore]
    public DateTimeOffset? CompletedAt => (_flags & CompletedFlag) == 0 ? null : Unpack(_completedAtUtcTicks, _completedAtOffsetMinutes);

    [JsonIgnore]
    public bool Warranty => (_flags & WarrantyFlag) != 0;

    [JsonIgnore]
    public bool UnitReplaced => (_flags & UnitReplacedFlag) != 0;

    [JsonIgnore]
    public bool SeriousSafety => (_flags & SeriousSafetyFlag) != 0;

    [JsonIgnore]
    public bool Cancelled => (_flags & CancelledFlag) != 0;

    [JsonIgnore]
    public double ExcludedHours => _uncommon?.ExcludedHours ?? 0;

    [JsonIgnore]
    public string? WorkDone => _workDone;

    [JsonIgnore]
    public string? Appraiser => _appraiser;

    [JsonIgnore]
    public string? RecallCampaignId => _uncommon?.RecallCampaignId;

    [JsonIgnore]
    public string? RepairItem => _uncommon?.RepairItem;

    [JsonIgnore]
    public IReadOnlyList<string> MainPartsReplaced => _mainPartsReplaced;

    [JsonIgnore]
    public IReadOnlyList<PartUsed> PartsUsed => _partsUsed;

    /// <summary>What few visits have (a recall, a named repair item, a comeback, time not counted): one reference, null for most.</summary>
    private sealed record Uncommon(string? RecallCampaignId, string? RepairItem, ComebackView? Comeback, double ExcludedHours);

    // A DateTimeOffset is its UTC time and its offset in minutes; kept as such it round-trips exactly.
    private static (long UtcTicks, short OffsetMinutes) Pack(DateTimeOffset value) =>
        (value.UtcTicks, checked((short)(value.Offset.Ticks / TimeSpan.TicksPerMinute)));

    private static DateTimeOffset Unpack(long utcTicks, short offsetMinutes)
    {
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }
}

/// <summary>An archive row: the entry and its place in the archive (the order visits were recorded in).</summary>
public sealed record StoredVisit(int Seq, VisitEntry Entry);

/// <summary>An idempotency key, a fingerprint of the request it came with, and the reply it got.</summary>
public sealed record RememberedRequest(string Key, string Fingerprint, DateTimeOffset At, VehicleView? Vehicle, RepairRecordView? Record, bool Created) : IRememberedReply;
