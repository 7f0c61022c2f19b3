using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Interfaces.Claims;

/// <summary>The cause the appraiser found.</summary>
public enum FailureCause
{
    Defect = 0,
    Misuse = 1,
    Accident = 2,
    UnauthorisedModification = 3,
}

/// <summary>submitted → approved / rejected / needsInformation → settled.</summary>
public enum ClaimState
{
    Submitted = 0,
    Approved = 1,
    Rejected = 2,
    NeedsInformation = 3,
    Settled = 4,
}

/// <summary>What the warranty department (or the station answering it) does with a claim.</summary>
public enum ClaimAction
{
    Approve = 0,
    Reject = 1,
    RequestInformation = 2,

    /// <summary>The station answers a request for information; the claim returns to the review queue.</summary>
    Answer = 3,
}

/// <summary>What a claim is worth, CNY.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimAmount")]
public sealed record class ClaimAmount(
    [property: Id(0)] decimal Labour,
    [property: Id(1)] decimal Parts,
    [property: Id(2)] decimal Total)
{
    public static readonly ClaimAmount Zero = new(0, 0, 0);

    public ClaimAmount Plus(ClaimAmount other) => new(Labour + other.Labour, Parts + other.Parts, Total + other.Total);
}

/// <summary>A priced part line: catalogue price × quantity, and the supplier a defective part is recovered from.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimPartPrice")]
public sealed record class ClaimPartPrice(
    [property: Id(0)] string PartNo,
    [property: Id(1)] int Quantity,
    [property: Id(2)] decimal UnitPrice,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] string? Supplier);

/// <summary>A priced labour line: catalogue hours × quantity × the station's labour rate.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimOperationPrice")]
public sealed record class ClaimOperationPrice(
    [property: Id(0)] string Code,
    [property: Id(1)] int Quantity,
    [property: Id(2)] decimal Hours,
    [property: Id(3)] decimal Amount);

/// <summary>How a claim was priced: the catalogue version (its start date), the labour rate, and the lines.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimPricing")]
public sealed record class ClaimPricing(
    [property: Id(0)] DateOnly CatalogueVersion,
    [property: Id(1)] decimal LabourRate,
    [property: Id(2)] IReadOnlyList<ClaimOperationPrice> Operations,
    [property: Id(3)] IReadOnlyList<ClaimPartPrice> Parts);

/// <summary>One decision on a claim, kept with who made it and when.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimDecisionRecord")]
public sealed record class ClaimDecisionRecord(
    [property: Id(0)] ClaimAction Action,
    [property: Id(1)] ClaimState From,
    [property: Id(2)] ClaimState To,
    [property: Id(3)] string Actor,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Note,
    [property: Id(6)] string? IdempotencyKey = null);

/// <summary>
/// A warranty claim as filed by a station: the rules' verdict (or <see cref="ClaimState.Submitted"/> with the
/// reasons it goes to the warranty department), its price when the catalogue prices claims, and what the
/// warranty-cost report groups it by.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ClaimFiling")]
public sealed record class ClaimFiling(
    [property: Id(0)] string StationCode,
    [property: Id(1)] string WorkOrderId,
    [property: Id(2)] string Vin,
    [property: Id(3)] string Appraiser,
    [property: Id(4)] DateOnly RepairDate,
    [property: Id(5)] int MileageKm,
    [property: Id(6)] ClaimState State,
    [property: Id(7)] IReadOnlyList<string> Reasons,
    [property: Id(8)] DateTimeOffset FiledAt,
    [property: Id(9)] ClaimAmount? Amount = null,
    [property: Id(10)] ClaimPricing? Pricing = null,
    [property: Id(11)] IReadOnlyList<string>? ReviewReasons = null,
    [property: Id(12)] string? Model = null,
    [property: Id(13)] VehicleSystem System = VehicleSystem.Other,
    [property: Id(14)] FailureCause? Cause = null);

[GenerateSerializer, Immutable, Alias("AfterSales.ClaimView")]
public sealed record class ClaimView(
    [property: Id(0)] string Id,
    [property: Id(1)] ClaimState State,
    [property: Id(2)] IReadOnlyList<string> Reasons,
    [property: Id(3)] string StationCode,
    [property: Id(4)] string WorkOrderId,
    [property: Id(5)] string Vin,
    [property: Id(6)] string Appraiser,
    [property: Id(7)] DateOnly RepairDate,
    [property: Id(8)] int MileageKm,
    [property: Id(9)] DateTimeOffset FiledAt,
    [property: Id(10)] DateTimeOffset? SettledAt,
    [property: Id(11)] ClaimAmount? Amount = null,
    [property: Id(12)] ClaimPricing? Pricing = null,
    [property: Id(13)] IReadOnlyList<string>? ReviewReasons = null,
    [property: Id(14)] IReadOnlyList<ClaimDecisionRecord>? Decisions = null,
    [property: Id(15)] string? Model = null,
    [property: Id(16)] VehicleSystem System = VehicleSystem.Other,
    [property: Id(17)] FailureCause? Cause = null,
    [property: Id(18)] DateOnly? ApprovedOn = null) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(19)] public long Revision { get; init; }
}

/// <summary>A claim waiting for the warranty department.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ReviewQueueEntry")]
public sealed record class ReviewQueueEntry(
    [property: Id(0)] string ClaimId,
    [property: Id(1)] string StationCode,
    [property: Id(2)] string WorkOrderId,
    [property: Id(3)] string Vin,
    [property: Id(4)] DateTimeOffset FiledAt,
    [property: Id(5)] ClaimAmount? Amount,
    [property: Id(6)] IReadOnlyList<string> ReviewReasons,
    [property: Id(7)] DateTimeOffset QueuedAt);

/// <summary>One page of the review queue, oldest filing first.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ReviewQueuePage")]
public sealed record class ReviewQueuePage(
    [property: Id(0)] IReadOnlyList<ReviewQueueEntry> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    [property: Id(2)] int Waiting);
