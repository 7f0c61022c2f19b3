using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Complaints;

public enum ComplaintCategory
{
    ProductQuality = 0,
    Service = 1,
    Parts = 2,
    Attitude = 3,
    Other = 4,
}

/// <summary>Major: a production stoppage or a batch problem (seed 004 §3.7); escalated at once.</summary>
public enum ComplaintSeverity
{
    General = 0,
    Major = 1,
}

/// <summary>
/// A service request (a breakdown, a fault on the road) is dispatched to the nearest suitable station; a complaint about
/// a station or a product is attributed to the station responsible for it. The values match <c>CardKind</c> in the domain.
/// </summary>
public enum ComplaintKind
{
    ServiceRequest = 0,
    Complaint = 1,
}

/// <summary>How the card came to its station.</summary>
public enum StationAttribution
{
    /// <summary>No station: the card waits in the call centre's queue (its clocks run all the same).</summary>
    CallCentreQueue = 0,

    /// <summary>A service request dispatched to the nearest active station in reach.</summary>
    Nearest = 1,

    /// <summary>A complaint about the station the caller named (<c>aboutStation</c>).</summary>
    AboutStation = 2,

    /// <summary>A complaint attributed to the vehicle's last servicing station.</summary>
    LastServicingStation = 3,

    /// <summary>Assigned from the call centre's queue.</summary>
    Assigned = 4,
}

public enum ComplaintChannel
{
    CallCentre = 0,
    Station = 1,
}

/// <summary>Where the tracking card stands; the values match <c>AfterSales.Domain.Complaints.ComplaintStage</c>.</summary>
public enum ComplaintState
{
    Registered = 0,
    Responded = 1,
    OnSite = 2,
    Replied = 3,
    ActionPlanned = 4,
    Resolved = 5,
    Reopened = 6,
    Mediation = 7,
    Appealed = 8,
    Closed = 9,
}

/// <summary>A step on the card (POST /api/complaints/{id}/{step}); the values match <c>ComplaintStep</c> in the domain.</summary>
public enum ComplaintAction
{
    Respond = 0,
    Arrive = 1,
    Reply = 2,
    Plan = 3,
    Resolve = 4,
    Escalate = 5,
    Callback = 6,
    Mediate = 7,
    Appeal = 8,
    Register = 100,

    /// <summary>A card taken from the call centre's queue to a station (history only).</summary>
    Assign = 101,

    /// <summary>A corrective/preventive action opened, completed, verified, waived or overdue (history only).</summary>
    CorrectiveAction = 102,
}

/// <summary>Who handles the planned action: the station within its authority, or the warranty department.</summary>
public enum ActionHandling
{
    Station = 0,
    WarrantyDepartment = 1,
}

public enum SlaClockName
{
    Respond = 0,
    Arrive = 1,
    Reply = 2,
    Resolve = 3,
    Agreed = 4,
}

public enum SlaClockStatus
{
    Running = 0,
    Met = 1,
    Breached = 2,
    Stopped = 3,
}

/// <summary>The intake of a complaint (客户投诉信息处理传递跟踪卡, top half).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ComplaintIntake")]
public sealed record class ComplaintIntake(
    [property: Id(0)] string CustomerName,
    [property: Id(1)] string CustomerPhone,
    [property: Id(2)] string? Vin,
    [property: Id(3)] ComplaintCategory Category,
    [property: Id(4)] ComplaintSeverity Severity,
    [property: Id(5)] double Latitude,
    [property: Id(6)] double Longitude,
    [property: Id(7)] string Description,
    [property: Id(8)] ComplaintChannel Channel,
    [property: Id(9)] bool SupplierNeeded,
    [property: Id(10)] ComplaintKind Kind = ComplaintKind.ServiceRequest,
    [property: Id(11)] string? AboutStation = null,
    [property: Id(12)] string? SlaPolicy = null);

/// <summary>
/// One step on the card. <see cref="AgreedAt"/> is the agreed time of a reply; <see cref="Handling"/> and
/// <see cref="Systemic"/> (a corrective/preventive action is opened) belong to a plan; <see cref="Resolved"/> and
/// <see cref="Satisfaction"/> (1–5) to a callback.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ComplaintCommand")]
public sealed record class ComplaintCommand(
    [property: Id(0)] ComplaintAction Action,
    [property: Id(1)] string? Note = null,
    [property: Id(2)] DateTimeOffset? AgreedAt = null,
    [property: Id(3)] ActionHandling? Handling = null,
    [property: Id(4)] bool Systemic = false,
    [property: Id(5)] bool? Resolved = null,
    [property: Id(6)] int? Satisfaction = null);

/// <summary>One line of the card's history: who did what, when, and where it moved the card.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ComplaintHistoryEntry")]
public sealed record class ComplaintHistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ComplaintAction Action,
    [property: Id(2)] string By,
    [property: Id(3)] ComplaintState? From,
    [property: Id(4)] ComplaintState To,
    [property: Id(5)] string? Note);

[GenerateSerializer, Immutable, Alias("AfterSales.SlaClockView")]
public sealed record class SlaClockView(
    [property: Id(0)] SlaClockName Clock,
    [property: Id(1)] DateTimeOffset DueAt,
    [property: Id(2)] SlaClockStatus Status,
    [property: Id(3)] DateTimeOffset? EndedAt);

[GenerateSerializer, Immutable, Alias("AfterSales.SlaBreachView")]
public sealed record class SlaBreachView(
    [property: Id(0)] SlaClockName Clock,
    [property: Id(1)] DateTimeOffset DueAt,
    [property: Id(2)] DateTimeOffset BreachedAt);

/// <summary>The card's clocks: due instants (arriveBy inside the service radius, replyBy beyond it) and breaches.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.SlaView")]
public sealed record class SlaView(
    [property: Id(0)] DateTimeOffset RespondBy,
    [property: Id(1)] DateTimeOffset? ArriveBy,
    [property: Id(2)] DateTimeOffset? ReplyBy,
    [property: Id(3)] ImmutableArray<SlaBreachView> Breaches,
    [property: Id(4)] ImmutableArray<SlaClockView> Clocks)
{
    /// <summary>The named service-level policy the card runs under.</summary>
    [Id(5)] public string Policy { get; init; } = "";

    /// <summary>When the card must be resolved (the resolve clock), where the policy has one.</summary>
    [Id(6)] public DateTimeOffset? ResolveBy { get; init; }

    /// <summary>The time agreed in the latest reply, while it is clocked.</summary>
    [Id(7)] public DateTimeOffset? AgreedBy { get; init; }
}

/// <summary>The tracking card.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ComplaintView")]
public sealed record class ComplaintView(
    [property: Id(0)] string Id,
    [property: Id(1)] ComplaintState State,
    [property: Id(2)] ComplaintIntake Intake,
    [property: Id(3)] string StationCode,
    [property: Id(4)] string StationName,
    [property: Id(5)] string Province,
    [property: Id(6)] double? DistanceKm,
    [property: Id(7)] DateTimeOffset RegisteredAt,
    [property: Id(8)] bool Escalated,
    [property: Id(9)] ActionHandling? Handling,
    [property: Id(10)] bool CorrectiveAction,
    [property: Id(11)] DateTimeOffset? AgreedAt,
    [property: Id(12)] int? Satisfaction,
    [property: Id(13)] int Reopened,
    [property: Id(14)] SlaView Sla,
    [property: Id(15)] ImmutableArray<ComplaintHistoryEntry> History,
    [property: Id(16)] long Version) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(17)] public long Revision { get; init; }

    [Id(18)] public ComplaintKind Kind { get; init; }

    /// <summary>A service request's station: the nearest in reach, or one assigned from the queue; null while in the call centre's queue (and for a complaint).</summary>
    [Id(19), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? AssignedStation { get; init; }

    /// <summary>A complaint's responsible station, whose grade it counts in; null while in the call centre's queue (and for a service request).</summary>
    [Id(20), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? ResponsibleStation { get; init; }

    [Id(21)] public StationAttribution Attribution { get; init; }

    /// <summary>The corrective/preventive actions opened on the card (seed 002 §6.2.3, §6.4).</summary>
    [Id(22)] public ImmutableArray<CorrectiveActionView> CorrectiveActions { get; init; } = [];
}

public enum CorrectiveActionState
{
    Open = 0,
    Completed = 1,
    Verified = 2,
    Waived = 3,
}

/// <summary>
/// A corrective/preventive action (CAPA, seed 002 §6.2.3, §6.4): who owns it, when it is due, and its way to a
/// verified closure. Its id is <c>{complaintId}-A{n}</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CorrectiveActionView")]
public sealed record class CorrectiveActionView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ComplaintId,
    [property: Id(2)] string StationCode,
    [property: Id(3)] string Owner,
    [property: Id(4)] DateOnly DueOn,
    [property: Id(5)] string Description,
    [property: Id(6)] CorrectiveActionState State,
    [property: Id(7)] DateTimeOffset OpenedAt,
    [property: Id(8)] string OpenedBy,
    [property: Id(9)] DateTimeOffset? CompletedAt,
    [property: Id(10)] string? CompletedBy,
    [property: Id(11)] DateTimeOffset? ClosedAt,
    [property: Id(12)] string? ClosedBy,
    [property: Id(13)] string? Note,
    [property: Id(14)] bool Overdue,
    [property: Id(15)] DateTimeOffset? OverdueAt);

/// <summary>A corrective action to open on a complaint (POST /api/complaints/{id}/corrective-actions).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.OpenCorrectiveAction")]
public sealed record class OpenCorrectiveAction(
    [property: Id(0)] string Owner,
    [property: Id(1)] DateOnly DueOn,
    [property: Id(2)] string Description);

public enum CorrectiveActionStep
{
    Complete = 0,
    Verify = 1,
    Waive = 2,
}
