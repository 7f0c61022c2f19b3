using AfterSales.Grains.Complaints;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Stations;
using Orleans.Concurrency;

namespace AfterSales.Grains.Stations;

/// <summary>A work order read for a list, with its number n (of <c>{code}-{n}</c>), the list's sort key.</summary>
public sealed record ListedWorkOrder(long Number, WorkOrderView Order);

/// <summary>A complaint's stored state read for a list, with its id and its registration time as the database orders it.</summary>
public sealed record ListedComplaint(string Id, DateTimeOffset RegisteredAt, ComplaintGrainState State);

/// <summary>
/// A station's lists as stored in PostgreSQL (the silo provides it): only durable state, each page one statement.
/// </summary>
public interface IStationLists
{
    /// <summary>The registered station's revision (its ETag), or null when no station with this code is registered.</summary>
    Task<long?> StationRevisionAsync(string stationCode, CancellationToken cancellationToken = default);

    /// <summary>Newest first: up to <paramref name="limit"/> work orders (live and closed) numbered below <paramref name="beforeNumber"/>.</summary>
    Task<IReadOnlyList<ListedWorkOrder>> WorkOrdersAsync(string stationCode, long? beforeNumber, int limit, CancellationToken cancellationToken = default);

    /// <summary>Newest first (registration time, then id): up to <paramref name="limit"/> complaints assigned to the station, before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<ListedComplaint>> ComplaintsAsync(
        string stationCode, (DateTimeOffset RegisteredAt, string Id)? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Oldest first (registration time, then id): up to <paramref name="limit"/> open cards with no station (the call centre's queue), after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<ListedComplaint>> QueuedComplaintsAsync((DateTimeOffset RegisteredAt, string Id)? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every complaint of the station that holds a corrective action.</summary>
    Task<IReadOnlyList<ListedComplaint>> ComplaintsWithActionsAsync(string stationCode, CancellationToken cancellationToken = default);
}

/// <summary>
/// A station's growing lists as a grain, so the HTTP tier (which knows only the grain interfaces) reads them through
/// the cluster. Stateless: each silo reads the tables directly; items are mapped as the station and complaint grains
/// map their own state, so an item is what the single-entity GET returns. Reentrant (it holds no state): a stateless
/// worker has one activation per core, and one read at a time each held every other list read in the silo behind a
/// database round trip.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class StationListsGrain(IStationLists lists) : Grain, IStationListsGrain
{
    private const int MaxLimit = 500;

    public async Task<Outcome<StationWorkOrdersPage>> GetWorkOrdersAsync(string stationCode, int limit, string? after)
    {
        if (Invalid(limit, after, StationLists.IsWorkOrderPosition) is { } invalid)
        {
            return invalid;
        }

        if (await lists.StationRevisionAsync(stationCode) is not { } revision)
        {
            return NotRegistered();
        }

        var rows = await lists.WorkOrdersAsync(stationCode, after is null ? null : StationLists.WorkOrderNumber(after), limit + 1);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? StationLists.WorkOrderPosition(page[^1].Number) : null;
        // As GetWorkOrderAsync answers: an order is part of its station's state, so the station's revision is the order's.
        return Outcome<StationWorkOrdersPage>.Ok(new StationWorkOrdersPage([.. page.Select(r => r.Order with { Revision = revision })], next));
    }

    public async Task<Outcome<StationComplaintsPage>> GetComplaintsAsync(string stationCode, int limit, string? after)
    {
        if (Invalid(limit, after, StationLists.IsComplaintPosition) is { } invalid)
        {
            return invalid;
        }

        if (await lists.StationRevisionAsync(stationCode) is null)
        {
            return NotRegistered();
        }

        var rows = await lists.ComplaintsAsync(stationCode, after is null ? null : StationLists.ComplaintKey(after), limit + 1);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? StationLists.ComplaintPosition(page[^1].RegisteredAt, page[^1].Id) : null;
        return Outcome<StationComplaintsPage>.Ok(new StationComplaintsPage([.. page.Select(r => ComplaintDecisions.ToView(r.State, r.Id))], next));
    }

    public async Task<Outcome<StationComplaintsPage>> GetComplaintQueueAsync(int limit, string? after)
    {
        if (Invalid(limit, after, StationLists.IsComplaintPosition) is { } invalid)
        {
            return invalid;
        }

        var rows = await lists.QueuedComplaintsAsync(after is null ? null : StationLists.ComplaintKey(after), limit + 1);
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? StationLists.ComplaintPosition(page[^1].RegisteredAt, page[^1].Id) : null;
        return Outcome<StationComplaintsPage>.Ok(new StationComplaintsPage([.. page.Select(r => ComplaintDecisions.ToView(r.State, r.Id))], next));
    }

    public async Task<Outcome<CorrectiveActionsPage>> GetCorrectiveActionsAsync(string stationCode, bool openOnly, int limit, string? after)
    {
        if (Invalid(limit, after, StationLists.IsComplaintPosition) is { } invalid)
        {
            return invalid;
        }

        if (await lists.StationRevisionAsync(stationCode) is null)
        {
            return NotRegistered();
        }

        // Corrective actions are few (a handful on some complaints): the station's are read whole and paged here.
        var before = after is null ? null : StationLists.ComplaintKey(after);
        var actions = (await lists.ComplaintsWithActionsAsync(stationCode))
            .SelectMany(c => c.State.CorrectiveActions)
            .Where(a => a.StationCode == stationCode && (!openOnly || a.State is CorrectiveActionState.Open or CorrectiveActionState.Completed))
            .Where(a => before is not { } b || a.OpenedAt.UtcTicks < b.RegisteredAt.UtcTicks
                || (a.OpenedAt.UtcTicks == b.RegisteredAt.UtcTicks && string.CompareOrdinal(a.Id, b.Id) < 0))
            .OrderByDescending(a => a.OpenedAt.UtcTicks).ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .Take(limit + 1).ToList();
        var page = actions.Take(limit).ToList();
        var next = actions.Count > limit ? StationLists.ComplaintPosition(page[^1].OpenedAt, page[^1].Id) : null;
        return Outcome<CorrectiveActionsPage>.Ok(new CorrectiveActionsPage(page, next));
    }

    private static Refusal? Invalid(int limit, string? after, Func<string, bool> isPosition)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Refusal.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        return after is not null && !isPosition(after) ? Refusal.Invalid("cursor", "cursor must be the nextCursor of a previous page.") : null;
    }

    private static Refusal NotRegistered() => Refusal.NotFound(ProblemCodes.StationNotRegistered, "No station with this code is registered.");
}
