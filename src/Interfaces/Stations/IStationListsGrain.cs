using System.Globalization;
using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Stations;

/// <summary>
/// One page of a station's work orders, live and closed, newest first (by the order's number n of <c>{code}-{n}</c>).
/// From the grain, <see cref="NextCursor"/> is the position the page ended at (<see cref="StationLists.WorkOrderPosition"/>),
/// null on the last page; the HTTP layer makes it the opaque cursor.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationWorkOrdersPage")]
public sealed record class StationWorkOrdersPage(
    [property: Id(0)] IReadOnlyList<WorkOrderView> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// One page of the complaints assigned to a station, newest first (by registration time, ties by id). From the grain,
/// <see cref="NextCursor"/> is the position the page ended at (<see cref="StationLists.ComplaintPosition"/>), null on
/// the last page; the HTTP layer makes it the opaque cursor.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationComplaintsPage")]
public sealed record class StationComplaintsPage(
    [property: Id(0)] IReadOnlyList<ComplaintView> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>One page of a station's corrective actions, newest first; <see cref="NextCursor"/> as for the other lists.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CorrectiveActionsPage")]
public sealed record class CorrectiveActionsPage(
    [property: Id(0)] IReadOnlyList<CorrectiveActionView> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// A station's lists that grow without bound, read from PostgreSQL (durable state only) by any silo: its work orders
/// (the live ones in the station's document and the closed ones in its rows) and the complaints assigned to it. A
/// stateless worker (key 0); a page continues after a position, so what is added between pages neither repeats nor
/// shifts the pages still to come. An unregistered station is 404 station-not-registered.
/// </summary>
[Alias("AfterSales.IStationListsGrain")]
[Version(1)]
public interface IStationListsGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="limit"/> (1–500) work orders of the station after <paramref name="after"/> (a position, or null), newest first.</summary>
    [Alias("GetWorkOrders"), Idempotent]
    Task<Outcome<StationWorkOrdersPage>> GetWorkOrdersAsync(string stationCode, int limit, string? after);

    /// <summary>Up to <paramref name="limit"/> (1–500) complaints assigned to the station after <paramref name="after"/> (a position, or null), newest first.</summary>
    [Alias("GetComplaints"), Idempotent]
    Task<Outcome<StationComplaintsPage>> GetComplaintsAsync(string stationCode, int limit, string? after);

    /// <summary>Up to <paramref name="limit"/> open cards waiting in the call centre's queue (no station) after <paramref name="after"/>, the longest waiting first.</summary>
    [Alias("GetComplaintQueue"), Idempotent]
    Task<Outcome<StationComplaintsPage>> GetComplaintQueueAsync(int limit, string? after);

    /// <summary>
    /// Up to <paramref name="limit"/> corrective actions on the station's complaints after <paramref name="after"/>, newest
    /// first (opened time, then id); <paramref name="openOnly"/> leaves out the verified and waived ones.
    /// </summary>
    [Alias("GetCorrectiveActions"), Idempotent]
    Task<Outcome<CorrectiveActionsPage>> GetCorrectiveActionsAsync(string stationCode, bool openOnly, int limit, string? after);
}

/// <summary>The positions a page of a station's list ends at (the text inside the opaque cursor).</summary>
public static class StationLists
{
    private const string WorkOrderPrefix = "wo:";
    private const string ComplaintPrefix = "c:";

    /// <summary>The position after work order number <paramref name="number"/>.</summary>
    public static string WorkOrderPosition(long number) => WorkOrderPrefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The work order number a position continues below, or null when it is not a work-order position.</summary>
    public static long? WorkOrderNumber(string position) =>
        position.StartsWith(WorkOrderPrefix, StringComparison.Ordinal)
        && long.TryParse(position.AsSpan(WorkOrderPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : null;

    public static bool IsWorkOrderPosition(string position) => WorkOrderNumber(position) is not null;

    /// <summary>The position after the complaint <paramref name="id"/> registered at <paramref name="registeredAt"/>.</summary>
    public static string ComplaintPosition(DateTimeOffset registeredAt, string id) =>
        ComplaintPrefix + registeredAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + ":" + id;

    /// <summary>The (registration time, id) a position continues below, or null when it is not a complaint position.</summary>
    public static (DateTimeOffset RegisteredAt, string Id)? ComplaintKey(string position)
    {
        if (!position.StartsWith(ComplaintPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = position.AsSpan(ComplaintPrefix.Length);
        var colon = rest.IndexOf(':');
        return colon > 0 && colon < rest.Length - 1
            && long.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), rest[(colon + 1)..].ToString())
                : null;
    }

    public static bool IsComplaintPosition(string position) => ComplaintKey(position) is not null;
}
