using System.Collections.Immutable;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Reports;

/// <summary>
/// Counters of a station's month (counter roll-up scope <c>station:{code}:{yyyy-MM}</c>): stations report completed
/// work orders, recall work and comebacks; complaints report themselves, their SLA breaches and callbacks.
/// </summary>
public static class StationMonthCounters
{
    public const string CompletedWorkOrders = "completedWorkOrders";

    /// <summary>Repeat repairs charged to the station whose earlier repair did not hold.</summary>
    public const string Comebacks = "comebacks";
    public const string RecallsCompleted = "recallsCompleted";
    /// <summary>Complaints about the station (or charged to it as the vehicle's last servicing station).</summary>
    public const string Complaints = "complaints";

    /// <summary>Service requests dispatched to the station: work, not complaints; their SLA breaches count.</summary>
    public const string ServiceRequests = "serviceRequests";
    public const string SlaBreaches = "slaBreaches";
    public const string SatisfactionSum = "satisfactionSum";
    public const string SatisfactionCount = "satisfactionCount";

    /// <summary>Satisfaction surveys owed for the month's completed work orders (seed 000 §5.6), answered or not.</summary>
    public const string SurveysDue = "surveysDue";
    public const string SurveysAnswered = "surveysAnswered";

    /// <summary>Surveys closed because the customer could not be reached (they count against the response rate).</summary>
    public const string SurveysNoAnswer = "surveysNoAnswer";

    /// <summary>The sum of the answered surveys' scores (1–5 each).</summary>
    public const string SurveyScoreSum = "surveyScoreSum";
}

/// <summary>Each station's grade for a month (key: <c>yyyy-MM</c>).</summary>
[Alias("AfterSales.IStationGradesGrain")]
[Version(1)]
public interface IStationGradesGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<StationGradesReport> GetAsync();
}

[GenerateSerializer, Immutable, Alias("AfterSales.StationGradeView")]
public sealed record class StationGradeView(
    [property: Id(0)] string Code,
    [property: Id(1)] string Province,
    [property: Id(2)] string Grade,
    [property: Id(3)] double Score,
    [property: Id(4)] ImmutableSortedDictionary<string, long> Inputs,
    [property: Id(5)] ImmutableSortedDictionary<string, double> Scores,
    // Set in a frozen sheet: what the grade earned (reward, penalty or none) and a suspension it caused.
    [property: Id(6)] GradeConsequenceView? Consequence = null);

/// <summary>What a frozen grade earned under the policy in force when the month closed.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.GradeConsequenceView")]
public sealed record class GradeConsequenceView(
    // "reward", "penalty" or "none".
    [property: Id(0)] string Kind,
    [property: Id(1)] decimal AmountCny,
    [property: Id(2)] string Label,
    // The months of a run of consecutive D grades this month completed, for which the station was suspended (null: none).
    [property: Id(3)] IReadOnlyList<string>? SuspendedFor = null);

/// <summary>
/// A month's graded assessment (服务商分级考核表, seed 000 §5.4.5), frozen when the month is closed (key:
/// <c>yyyy-MM</c>): stored, never recomputed; closing applies each grade's consequence to its station once.
/// </summary>
[Alias("AfterSales.IGradeSheetGrain")]
[Version(1)]
public interface IGradeSheetGrain : IGrainWithStringKey
{
    /// <summary>Freezes the month's grades (409 month-not-over before the month has ended, 409 illegal-transition once closed).</summary>
    [Alias("Close")]
    Task<Outcome<FrozenGradeSheet>> CloseAsync(string actor, string? idempotencyKey);

    /// <summary>The frozen sheet, or null while the month is open.</summary>
    [Alias("GetFrozen"), Orleans.Concurrency.ReadOnly]
    Task<FrozenGradeSheet?> GetFrozenAsync();
}

[GenerateSerializer, Immutable, Alias("AfterSales.FrozenGradeSheet")]
public sealed record class FrozenGradeSheet(
    [property: Id(0)] StationGradesReport Report,
    [property: Id(1)] DateTimeOffset FrozenAt,
    [property: Id(2)] string FrozenBy,
    // The consecutive-D rule in force when it was frozen (0: off).
    [property: Id(3)] int SuspendAfterConsecutiveD);

[GenerateSerializer, Immutable, Alias("AfterSales.StationGradesReport")]
public sealed record class StationGradesReport(
    [property: Id(0)] string Month,
    [property: Id(1)] ImmutableSortedDictionary<string, double> Weights,
    [property: Id(2)] ImmutableArray<StationGradeView> Stations);
