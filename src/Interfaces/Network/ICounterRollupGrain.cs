using System.Collections.Immutable;
using Orleans.CodeGeneration;
using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Network;

/// <summary>
/// Named counters summed over many sources (complaints, depots, campaigns) for one scope, maintained by the sources
/// as they change: each source reports its <em>whole current contribution</em> with a version, and the roll-up keeps
/// the newest per source, so a retried or reordered report never counts twice. Keys are scopes from
/// <see cref="RollupScopes"/>; a province scope passes its totals on to the national scope.
/// </summary>
[Alias("AfterSales.ICounterRollupGrain")]
[Version(1)]
public interface ICounterRollupGrain : IGrainWithStringKey
{
    /// <summary>Replaces the source's contribution unless the held one has the same or a newer version.</summary>
    [Alias("Report"), Idempotent]
    Task ReportAsync(CounterContribution contribution);

    /// <summary>The scope's totals (counters that sum to zero are left out).</summary>
    [Alias("GetCounters"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<CounterTotals> GetCountersAsync();
}

/// <summary>
/// One source's whole contribution. <see cref="Final"/> says it will never change again (a closed complaint): the
/// roll-up folds it into its base and forgets the source, so its state stays as small as the open sources.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CounterContribution")]
public sealed record class CounterContribution(
    [property: Id(0)] string Source,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableSortedDictionary<string, long> Counters,
    [property: Id(3)] bool Final = false);

/// <summary>A scope's counters with the sequence number they were reached at.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CounterTotals")]
public sealed record class CounterTotals(
    [property: Id(0)] string Scope,
    [property: Id(1)] ImmutableSortedDictionary<string, long> Counters,
    [property: Id(2)] long Sequence,
    [property: Id(3)] ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>? ByProvince = null)
{
    public long this[string counter] => Counters.GetValueOrDefault(counter);
}

/// <summary>Scope keys of <see cref="ICounterRollupGrain"/>.</summary>
public static class RollupScopes
{
    public const string National = "national";
    public const string ProvincePrefix = "province:";

    public static string Province(string province) => ProvincePrefix + province;

    /// <summary>Warranty cost of one month (<c>warrantyCost:{yyyy-MM}</c>), by model, component and supplier, in fen.</summary>
    public static string WarrantyCost(int year, int month) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"warrantyCost:{year:D4}-{month:D2}");

    /// <summary>A station's counters for one month (<c>station:{code}:{yyyy-MM}</c>), read by the monthly grades.</summary>
    public static string StationMonth(string stationCode, int year, int month) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"station:{stationCode}:{year:D4}-{month:D2}");

    /// <summary>Complaints registered in one business month (<c>complaints:{yyyy-MM}</c>), by category, station and SLA clock breached.</summary>
    public static string ComplaintsMonth(int year, int month) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"complaints:{year:D4}-{month:D2}");

    /// <summary>Complaints registered in one ISO business week (<c>complaints:week:{yyyy-Www}</c>), the same contribution as the month's.</summary>
    public static string ComplaintsWeek(string week) => "complaints:week:" + week;
}

/// <summary>Counter names shared by the sources and the views.</summary>
public static class CounterNames
{
    public const string OpenComplaints = "openComplaints";
    public const string Complaints = "complaints";
    public const string SlaBreaches = "slaBreaches";
    public const string PartsShortages = "partsShortages";

    /// <summary>Parts depots registered in the scope (each depot reports 1 with its shortages).</summary>
    public const string Depots = "depots";
    public const string RecallAffected = "recallAffected";
    public const string RecallCompleted = "recallCompleted";
}
