using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Buyback;

/// <summary>What the owner asks for (Art. 22–24).</summary>
public enum BuybackRequestKind
{
    Replace = 0,
    Refund = 1,
}

/// <summary>opened → evaluated → approved → completed, or rejected (from opened or evaluated).</summary>
public enum BuybackCaseState
{
    Opened = 0,
    Evaluated = 1,
    Approved = 2,
    Rejected = 3,
    Completed = 4,
}

/// <summary>The steps of a case after it is opened.</summary>
public enum BuybackAction
{
    Evaluate = 0,
    Approve = 1,
    Reject = 2,
    Complete = 3,
}

/// <summary>The Art. 28 clocks: the answer (approve or reject) within 10 working days, completion within 20.</summary>
public enum BuybackClock
{
    Answer = 0,
    Complete = 1,
}

/// <summary>An owner's request as the case is opened with it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.OpenBuybackCase")]
public sealed record class OpenBuybackCase(
    [property: Id(0)] string Vin,
    [property: Id(1)] BuybackRequestKind Request,
    [property: Id(2)] string Article,
    [property: Id(3)] string? Note);

/// <summary>A step on a case: the note, and for completion the replacement VIN (a replacement) and the handover reading.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackCommand")]
public sealed record class BuybackCommand(
    [property: Id(0)] BuybackAction Action,
    [property: Id(1)] string? Note,
    [property: Id(2)] string? ReplacementVin = null);

/// <summary>The granted entitlement a case rests on, as the vehicle stated it when the case opened.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackEntitlement")]
public sealed record class BuybackEntitlement(
    [property: Id(0)] string Article,
    [property: Id(1)] string Reason,
    // Written even when null: null is the answer (the remedy is free).
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? UsageCompensation,
    [property: Id(3)] decimal Price,
    [property: Id(4)] int OdometerKm);

/// <summary>A step taken on a case: what, by whom, when, with which note.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackStep")]
public sealed record class BuybackStep(
    [property: Id(0)] BuybackAction Action,
    [property: Id(1)] BuybackCaseState From,
    [property: Id(2)] BuybackCaseState To,
    [property: Id(3)] string By,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Note,
    [property: Id(6), JsonIgnore] string? IdempotencyKey);

/// <summary>An Art. 28 deadline that passed before its step: recorded when it happened.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackBreach")]
public sealed record class BuybackBreach(
    [property: Id(0)] BuybackClock Clock,
    [property: Id(1)] DateOnly DueBy,
    [property: Id(2)] DateTimeOffset RecordedAt);

/// <summary>
/// How a case ended: a replacement (the new VIN, delivered to the owner with its periods restarted, Art. 29) or a
/// refund (the invoice price less the usage compensation where Art. 27 applies).
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackCompletion")]
public sealed record class BuybackCompletion(
    [property: Id(0)] DateOnly CompletedOn,
    [property: Id(1)] string? ReplacementVin,
    [property: Id(2)] decimal InvoicePrice,
    [property: Id(3)] int OdometerKm,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? UsageCompensation,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? RefundAmount,
    [property: Id(6)] IReadOnlyList<string> Problems);

/// <summary>GET /api/buyback-cases/{id}.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackCaseView")]
public sealed record class BuybackCaseView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Vin,
    [property: Id(2)] BuybackRequestKind Request,
    [property: Id(3)] string Article,
    [property: Id(4)] BuybackEntitlement Entitlement,
    [property: Id(5)] BuybackCaseState State,
    [property: Id(6)] DateOnly RequestedOn,
    [property: Id(7)] DateTimeOffset OpenedAt,
    [property: Id(8)] string OpenedBy,
    [property: Id(9)] string? Note,
    [property: Id(10)] DateOnly AnswerBy,
    [property: Id(11)] DateOnly CompleteBy,
    [property: Id(12)] DateOnly? AnsweredOn,
    [property: Id(13)] DateOnly? CompletedOn,
    [property: Id(14)] IReadOnlyList<BuybackStep> Steps,
    [property: Id(15)] IReadOnlyList<BuybackBreach> Breaches,
    [property: Id(16)] BuybackCompletion? Completion,
    [property: Id(17)] IReadOnlyList<BuybackAction> AllowedActions) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(18)] public long Revision { get; init; }
}

/// <summary>How a case closes on its vehicle: rejected (the vehicle is free for another case), or replaced / refunded (its life ends).</summary>
public enum BuybackClosureKind
{
    Rejected = 0,
    Replaced = 1,
    Refunded = 2,
}

/// <summary>A case's end, for its vehicle; idempotent by case id.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.BuybackClosure")]
public sealed record class BuybackClosure(
    [property: Id(0)] string CaseId,
    [property: Id(1)] BuybackClosureKind Kind,
    [property: Id(2)] DateOnly EffectiveDate,
    [property: Id(3)] string? ReplacementVin);

/// <summary>One year of the working-day calendar (public holidays, make-up working days) as an operator loaded it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.WorkingCalendarYear")]
public sealed record class WorkingCalendarYear(
    [property: Id(0)] int Year,
    [property: Id(1)] IReadOnlyList<DateOnly> Holidays,
    [property: Id(2)] IReadOnlyList<DateOnly> MakeUpWorkingDays,
    [property: Id(3)] DateTimeOffset LoadedAt,
    [property: Id(4)] string LoadedBy);
