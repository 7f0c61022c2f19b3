using System.Collections.Immutable;
using AfterSales.Domain.Claims;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Settlements;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Settlements;

/// <summary>A closed month as it was frozen: its totals, and when and by whom it was closed.</summary>
public sealed record ClosedMonth(string Month, SettlementTotals Totals, DateTimeOffset ClosedAt, string ClosedBy);

/// <summary>
/// What a station's settlement persists (state_name 'settlement'): how far months are closed and the running totals
/// of the open months. The lines (rows 'line:{yyyy-MM}'), the ids already counted (rows 'seen', unique) and the
/// frozen statements (rows 'statement') grow with history and live in grain_rows, written with the state.
/// </summary>
public sealed record SettlementState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Every month up to this one (yyyy-MM) is closed; null while none is.</summary>
    public string? ClosedThrough { get; init; }

    /// <summary>Totals of the open months that have lines.</summary>
    public ImmutableSortedDictionary<string, SettlementTotals> Open { get; init; } = ImmutableSortedDictionary.Create<string, SettlementTotals>(StringComparer.Ordinal);

    public ImmutableArray<GrainRow>? NewRows { get; init; }

    public ImmutableArray<TypedRow<SettlementLine>>? NewRowsLines { get; init; }

    public ImmutableArray<TypedRow<ClosedMonth>>? NewRowsStatements { get; init; }

    public SettlementState Written() => this with { NewRows = null, NewRowsLines = null, NewRowsStatements = null };
}

/// <summary>
/// One station's settlement with the manufacturer (seed 002 §6.3.4): approved claims are paid per month, comebacks
/// inside the repair-quality guarantee are deducted from the station whose repair failed. A line is counted once (its
/// id is a unique row written with it), goes to the month of its decision or — that month being closed and frozen —
/// to the first open month after (<see cref="SettlementMonths"/>). Closing is done by the warranty department once a
/// month is over and freezes that month and every earlier one.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class SettlementGrain(
    [PersistentState("settlement", GrainStorage.Name)] IPersistentState<SettlementState> state,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    ILogger<SettlementGrain> logger) : Grain, ISettlementGrain
{
    private const string StateName = "settlement";
    private const string SeenKind = "seen";
    private const string StatementKind = "statement";

    private string Code => this.GetPrimaryKeyString();

    public async Task<string> RecordAsync(SettlementLine line)
    {
        var current = state.State;
        var month = SettlementMonths.MonthFor(line.Dated, ClosedThrough(current)).ToString();
        var placed = line with { Month = month };
        var next = current with
        {
            Open = current.Open.SetItem(month, current.Open.GetValueOrDefault(month, SettlementTotals.Empty).Add(placed)),
            NewRows = [new GrainRow(SeenKind, line.Id, Unique: true)],
            NewRowsLines = [new TypedRow<SettlementLine>(LineKind(month), line.Id, placed)],
        };
        if (await state.TryWriteNewRowsAsync(next, this, logger, $"Settlement {Code}"))
        {
            state.State = next.Written();
            return month;
        }

        // Counted before (a retried delivery): nothing changes; say where it went.
        return (await FindMonthAsync(line.Id)) ?? month;
    }

    public async Task<Outcome<SettlementStatement>> CloseAsync(string month, string actor, string? idempotencyKey)
    {
        if (!BusinessMonth.TryParse(month, out var closing))
        {
            return Refusal.Invalid("month", "month must be like 2026-11.");
        }

        var current = state.State;
        var today = vehicleOptions.Value.Warranty.DateOf(time.GetUtcNow());
        if (ClosedThrough(current) is { } closed && closing <= closed && idempotencyKey is not null
            && await rows.ReadOneAsync<ClosedMonth>(StateName, Code, StatementKind, month) is { } frozen && frozen.ClosedBy == actor)
        {
            // A retry of this close: answer as the first time.
            return await GetStatementAsync(month);
        }

        if (SettlementMonths.CannotClose(closing, today, ClosedThrough(current)) is { } why)
        {
            // Closing a closed month again is a step its state does not allow; closing one still running is early.
            var code = ClosedThrough(current) is { } through && closing <= through ? ProblemCodes.IllegalTransition : ProblemCodes.MonthNotOver;
            return Refusal.Conflict(code, $"Station {Code}: {why}");
        }

        var now = time.GetUtcNow();
        var frozenMonths = new List<TypedRow<ClosedMonth>>();
        var open = current.Open;
        foreach (var (key, totals) in current.Open)
        {
            if (BusinessMonth.TryParse(key, out var m) && m <= closing)
            {
                frozenMonths.Add(new TypedRow<ClosedMonth>(StatementKind, key, new ClosedMonth(key, totals, now, actor)));
                open = open.Remove(key);
            }
        }

        if (!frozenMonths.Any(f => f.Key == month))
        {
            frozenMonths.Add(new TypedRow<ClosedMonth>(StatementKind, month, new ClosedMonth(month, SettlementTotals.Empty, now, actor)));
        }

        var next = current with { ClosedThrough = month, Open = open, NewRowsStatements = [.. frozenMonths] };
        await state.WriteOrRestoreAsync(next, this, logger, $"Settlement {Code}", written => written.Written());
        return await GetStatementAsync(month);
    }

    public async Task<Outcome<SettlementStatement>> GetStatementAsync(string month)
    {
        if (!BusinessMonth.TryParse(month, out var wanted))
        {
            return Refusal.Invalid("month", "month must be like 2026-11.");
        }

        var current = state.State;
        var lines = state.RecordExists
            ? (await rows.ReadAsync<SettlementLine>(StateName, Code, LineKind(month), null)).OrderBy(l => l.Dated).ThenBy(l => l.Id, StringComparer.Ordinal).ToList()
            : [];
        ClosedMonth? frozen = null;
        if (ClosedThrough(current) is { } closed && wanted <= closed)
        {
            frozen = state.RecordExists ? await rows.ReadOneAsync<ClosedMonth>(StateName, Code, StatementKind, month) : null;
        }

        var isClosed = ClosedThrough(current) is { } through && wanted <= through;
        var totals = frozen?.Totals ?? current.Open.GetValueOrDefault(month) ?? lines.Aggregate(SettlementTotals.Empty, (t, l) => t.Add(l));
        return Outcome<SettlementStatement>.Ok(new SettlementStatement(
            Code, month, isClosed, frozen?.ClosedAt, frozen?.ClosedBy,
            [.. lines.Where(l => l.Kind == SettlementLineKind.Claim)],
            [.. lines.Where(l => l.Kind != SettlementLineKind.Claim)],
            totals));
    }

    private async Task<string?> FindMonthAsync(string lineId)
    {
        var current = state.State;
        foreach (var month in current.Open.Keys.Reverse())
        {
            if (await rows.ReadOneAsync<SettlementLine>(StateName, Code, LineKind(month), lineId) is not null)
            {
                return month;
            }
        }

        return null;
    }

    private static string LineKind(string month) => "line:" + month;

    private static BusinessMonth? ClosedThrough(SettlementState s) =>
        s.ClosedThrough is { } text && BusinessMonth.TryParse(text, out var month) ? month : null;
}
