using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Domain.Complaints;
using AfterSales.Interfaces.Complaints;

namespace AfterSales.Grains.Complaints;

/// <summary>
/// What the complaint grain persists (grain_state, state_name 'complaint', JSON). Immutable: a step builds the next
/// state, which replaces this one only once it is durable.
/// </summary>
public sealed record ComplaintGrainState : AfterSales.Grains.Common.IOutboxState<ComplaintGrainState>
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Null until the complaint is registered.</summary>
    public ComplaintIntake? Intake { get; init; }

    /// <summary>Fingerprint of the intake, so a retried intake is recognised and a different one under the same id refused.</summary>
    public string IntakeFingerprint { get; init; } = "";

    /// <summary>The station that handles the card; empty while it waits in the call centre's queue.</summary>
    public string StationCode { get; init; } = "";

    public string StationName { get; init; } = "";

    public string Province { get; init; } = "";

    /// <summary>A service request's distance to its station; null for a complaint or while no station is assigned.</summary>
    public double? DistanceKm { get; init; }

    public StationAttribution Attribution { get; init; }

    /// <summary>The named SLA policy the clocks were started under (cards registered before policies had names: the network's).</summary>
    public string SlaPolicy { get; init; } = AfterSales.Domain.Complaints.SlaSchemes.Network;

    /// <summary>Corrective/preventive actions opened on the card (a handful at most; see <see cref="ComplaintDecisions.MaxCorrectiveActions"/>).</summary>
    public ImmutableArray<CorrectiveActionView> CorrectiveActions { get; init; } = [];

    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Business month of the intake (<c>yyyy-MM</c>): the station-month roll-up it counts in.</summary>
    public string Month { get; init; } = "";

    public ComplaintStage Stage { get; init; }

    public ImmutableArray<SlaClock> Clocks { get; init; } = [];

    public bool Escalated { get; init; }

    public ActionHandling? Handling { get; init; }

    public bool CorrectiveAction { get; init; }

    public DateTimeOffset? AgreedAt { get; init; }

    /// <summary>Satisfaction of the latest callback.</summary>
    public int? Satisfaction { get; init; }

    /// <summary>Sum and count of the satisfaction of every callback (a reopening callback counts too).</summary>
    public int SatisfactionSum { get; init; }

    public int SatisfactionCount { get; init; }

    public int Reopened { get; init; }

    public ImmutableArray<ComplaintHistoryEntry> History { get; init; } = [];

    /// <summary>Increases with every change; the roll-ups keep only the newest contribution.</summary>
    public long Version { get; init; }

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<AfterSales.Grains.Common.TypedRow<RememberedComplaintRequest>>? NewRows { get; init; }

    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    /// <summary>Roll-up reports written with the step that owes them, until acknowledged.</summary>

    public ComplaintGrainState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<AfterSales.Grains.Common.OutboxMessage> Outbox { get; init; } = [];

    public ComplaintGrainState WithOutbox(ImmutableArray<AfterSales.Grains.Common.OutboxMessage> outbox) => this with { Outbox = outbox };

    public ComplaintGrainState Written() => NewRows is null ? this : this with { NewRows = null };

    [JsonIgnore]
    public bool IsRegistered => Intake is not null;

    /// <summary>True while the card waits in the call centre's queue for a station.</summary>
    [JsonIgnore]
    public bool IsQueued => IsRegistered && StationCode.Length == 0;
}

/// <summary>An idempotency key, a fingerprint of its request and the card it answered with.</summary>
public sealed record RememberedComplaintRequest(string Key, string Fingerprint, DateTimeOffset At, ComplaintView Reply) : AfterSales.Grains.Common.IRememberedReply
{
    /// <summary>The corrective action a request on one answered with (its id), so a replay answers the same action.</summary>
    public string? ActionId { get; init; }
}
