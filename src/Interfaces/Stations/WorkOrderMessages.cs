using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Interfaces.Stations;

/// <summary>Open → in repair ⇄ waiting for parts → completed → settled, or cancelled before completion.</summary>
public enum WorkOrderState
{
    Open = 0,
    InRepair = 1,
    WaitingForParts = 2,
    Completed = 3,
    Settled = 4,
    Cancelled = 5,
}

/// <summary>A move of a work order (POST …/work-orders/{id}/{start|wait-for-parts|complete|settle|cancel}).</summary>
public enum WorkOrderCommand
{
    Start = 0,
    WaitForParts = 1,
    Complete = 2,
    Settle = 3,
    Cancel = 4,
}

/// <summary>The pre-inspection sheet (预检单) that opens a work order.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.OpenWorkOrder")]
public sealed record class OpenWorkOrder(
    [property: Id(0)] string Vin,
    [property: Id(1)] int OdometerKm,
    [property: Id(2)] VisitKind Kind,
    [property: Id(3)] string? FaultCode,
    [property: Id(4)] VehicleSystem System,
    [property: Id(5)] string? Description,
    [property: Id(6)] string? RecallCampaignId,
    [property: Id(7)] WorkGrade WorkGrade,
    [property: Id(8)] string? RepairItem = null);

[GenerateSerializer, Immutable, Alias("AfterSales.AppraisedPart")]
public sealed record class AppraisedPart(
    [property: Id(0)] string PartNo,
    [property: Id(1)] int Quantity,
    [property: Id(2)] bool UnitReplaced);

/// <summary>
/// The appraiser's judgement (质量保修鉴定单). Which of the parts are main parts (Art. 20, 22, 24(3)) is the
/// catalogue's to say, not the appraisal's: a part the catalogue does not list as a main part of the system is none.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.Appraisal")]
public sealed record class Appraisal(
    [property: Id(0)] bool Warranty,
    [property: Id(1)] FailureCause? Cause,
    [property: Id(2)] IReadOnlyList<AppraisedPart> Parts,
    [property: Id(3)] bool SeriousSafety,
    [property: Id(4)] string Appraiser,
    [property: Id(6)] SafetyDefect SafetyDefect,
    [property: Id(7)] bool ServicedElsewhere,
    [property: Id(8)] double ExcludedHours = 0,
    [property: Id(9)] IReadOnlyList<AppraisedOperation>? Operations = null,
    [property: Id(10)] bool Unclear = false);

/// <summary>A labour operation the station did: the labour-time catalogue's code, done <see cref="Quantity"/> times.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.AppraisedOperation")]
public sealed record class AppraisedOperation(
    [property: Id(0)] string Code,
    [property: Id(1)] int Quantity);

[GenerateSerializer, Immutable, Alias("AfterSales.WorkOrderView")]
public sealed record class WorkOrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string StationCode,
    [property: Id(2)] string Vin,
    [property: Id(3)] VisitKind Kind,
    [property: Id(4)] int OdometerKm,
    [property: Id(5)] string? FaultCode,
    [property: Id(6)] VehicleSystem System,
    [property: Id(7)] WorkGrade WorkGrade,
    [property: Id(8)] string? Description,
    [property: Id(9)] string? RecallCampaignId,
    [property: Id(10)] WorkOrderState State,
    [property: Id(11)] DateTimeOffset OpenedAt,
    [property: Id(12)] DateTimeOffset? StartedAt,
    [property: Id(13)] DateTimeOffset? CompletedAt,
    [property: Id(14)] DateTimeOffset? ClosedAt,
    [property: Id(15)] Appraisal? Appraisal,
    [property: Id(16)] string? ClaimId,
    [property: Id(17)] ClaimState? ClaimState,
    [property: Id(18)] bool ArchivedOnVehicle,
    [property: Id(19)] double WaitingForPartsHours,
    [property: Id(20)] DateTimeOffset? WaitingSince,
    [property: Id(21)] IReadOnlyList<string>? PartsArrived = null,
    [property: Id(22)] string? RepairItem = null,
    [property: Id(23)] IReadOnlyList<string>? MainParts = null,
    [property: Id(24)] ClaimAmount? ClaimAmount = null,
    [property: Id(25)] string? ComebackOf = null) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(26)] public long Revision { get; init; }
}

/// <summary>The work order after an appraisal, with the claim it produced.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.AppraisalResult")]
public sealed record class AppraisalResult(
    [property: Id(0)] WorkOrderView WorkOrder,
    [property: Id(1)] ClaimView Claim);
