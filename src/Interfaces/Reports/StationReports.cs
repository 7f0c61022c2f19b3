using System.Collections.Immutable;
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
    [property: Id(5)] ImmutableSortedDictionary<string, double> Scores);

[GenerateSerializer, Immutable, Alias("AfterSales.StationGradesReport")]
public sealed record class StationGradesReport(
    [property: Id(0)] string Month,
    [property: Id(1)] ImmutableSortedDictionary<string, double> Weights,
    [property: Id(2)] ImmutableArray<StationGradeView> Stations);
