using System.Collections.Immutable;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Surveys;

/// <summary>
/// The customer satisfaction survey (顾客满意度调查, seed 000 §5.6; seed 001 §5.2.4 服务质量征询表) owed after one
/// completed work order, keyed by the work order id. The station opens it once the order is archived on the
/// vehicle; the call centre records the answer (a score 1–5 and a comment) or that nobody answered.
/// </summary>
[Alias("AfterSales.ISurveyGrain")]
[Version(1)]
public interface ISurveyGrain : IGrainWithStringKey
{
    /// <summary>Makes the survey due; opening it again changes nothing.</summary>
    [Alias("Open")]
    Task<SurveyView> OpenAsync(SurveyDue due);

    /// <summary>Records the customer's answer (409 once answered or marked unanswered; 400 for a score outside 1–5).</summary>
    [Alias("Answer")]
    Task<Outcome<SurveyView>> AnswerAsync(SurveyResponse response, string actor, string? idempotencyKey);

    /// <summary>Records that the customer could not be reached: the survey is closed unanswered (counts against the response rate).</summary>
    [Alias("NoAnswer")]
    Task<Outcome<SurveyView>> NoAnswerAsync(string actor, string? idempotencyKey);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<SurveyView>> GetAsync();
}

/// <summary>The surveys due, oldest first (one grain, <see cref="SurveyQueueKeys.National"/>); surveys add and remove themselves, idempotent by id.</summary>
[Alias("AfterSales.ISurveyQueueGrain")]
[Version(1)]
public interface ISurveyQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task EnqueueAsync(SurveyView survey);

    [Alias("Remove")]
    Task RemoveAsync(string surveyId);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<SurveyQueuePage>> ListAsync(int limit, string? cursor);
}

public static class SurveyQueueKeys
{
    public const string National = "national";
}

[GenerateSerializer]
public enum SurveyState
{
    Due = 0,
    Answered = 1,
    NoAnswer = 2,
}

/// <summary>What a station owes the call centre after a completed work order: whom to ask about which visit.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.SurveyDue")]
public sealed record class SurveyDue(
    [property: Id(0)] string WorkOrderId,
    [property: Id(1)] string StationCode,
    [property: Id(2)] string Vin,
    [property: Id(3)] string Kind,
    [property: Id(4)] DateTimeOffset CompletedAt,
    // The business month of the completion (yyyy-MM): the station-month the survey counts in.
    [property: Id(5)] string Month);

[GenerateSerializer, Immutable, Alias("AfterSales.SurveyResponse")]
public sealed record class SurveyResponse(
    [property: Id(0)] int Score,
    [property: Id(1)] string? Comment);

[GenerateSerializer, Immutable, Alias("AfterSales.SurveyView")]
public sealed record class SurveyView(
    [property: Id(0)] string Id,
    [property: Id(1)] string WorkOrderId,
    [property: Id(2)] string StationCode,
    [property: Id(3)] string Vin,
    [property: Id(4)] string Kind,
    [property: Id(5)] DateTimeOffset CompletedAt,
    [property: Id(6)] string Month,
    [property: Id(7)] DateTimeOffset DueSince,
    [property: Id(8)] SurveyState State,
    [property: Id(9)] int? Score,
    [property: Id(10)] string? Comment,
    [property: Id(11)] DateTimeOffset? RecordedAt,
    [property: Id(12)] string? RecordedBy);

[GenerateSerializer, Immutable, Alias("AfterSales.SurveyQueuePage")]
public sealed record class SurveyQueuePage(
    [property: Id(0)] ImmutableArray<SurveyView> Items,
    [property: Id(1)] string? NextCursor,
    [property: Id(2)] int Due);
