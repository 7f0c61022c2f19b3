using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Grains.Parts;

/// <summary>A month's parts plan as pure functions of (state, command, today): no Orleans, no I/O.</summary>
public static class PartsPlanDecisions
{
    /// <summary>The last business day on which plans for <paramref name="month"/> (<c>yyyy-MM</c>) are accepted.</summary>
    public static DateOnly SubmitBy(string month, int deadlineDay) =>
        DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(deadlineDay - 1);

    /// <summary>Null while plans for the month are accepted on <paramref name="today"/> (business calendar), else why not.</summary>
    public static Refusal? CanSubmit(string month, int deadlineDay, DateOnly today)
    {
        var submitBy = SubmitBy(month, deadlineDay);
        return today <= submitBy
            ? null
            : Refusal.Conflict(ProblemCodes.SubmissionWindowClosed,
                $"Plans for {month} were accepted until {submitBy:yyyy-MM-dd} (day {deadlineDay} of the month); today is {today:yyyy-MM-dd}. Submit it with next month's plan.");
    }

    /// <summary>
    /// The answer to a request whose idempotency key is remembered: the first reply for the same request, a conflict
    /// for another one (or for a key carried over from a document whose plan the station had replaced since).
    /// </summary>
    public static Outcome<StationPartsPlan> Replay(RememberedPlan remembered, string fingerprint) =>
        remembered.Fingerprint == fingerprint && remembered.Plan is { } plan
            ? Outcome<StationPartsPlan>.Ok(plan)
            : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{remembered.Key}' was already used for a different plan submission.");

    /// <summary>
    /// The state with <paramref name="stationCode"/>'s plan replaced by <paramref name="lines"/> (one line per part,
    /// quantities of a part named twice added up, by part number), and, when the request has a key, the key and this
    /// reply as a row to write with it.
    /// </summary>
    public static PartsPlanState Submit(
        PartsPlanState state, string month, string stationCode, string region, IReadOnlyList<PartQuantity> lines, DateTimeOffset now,
        string? idempotencyKey, string fingerprint, out StationPartsPlan submitted)
    {
        var merged = lines.GroupBy(l => l.PartNo, StringComparer.Ordinal)
            .Select(g => new PartQuantity(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.PartNo, StringComparer.Ordinal)
            .ToList();
        submitted = new StationPartsPlan(month, stationCode, region, merged, now);
        var next = state with { Plans = state.Plans.SetItem(stationCode, submitted) };
        return idempotencyKey is null
            ? next
            : next with { NewRows = [IdempotencyKeys<RememberedPlan>.Row(new RememberedPlan(idempotencyKey, fingerprint, now, submitted))] };
    }

    /// <summary>The procurement list: every station's plan added up per part, and per part by region.</summary>
    public static ProcurementList ToProcurementList(PartsPlanState state, string month, DateOnly submitBy)
    {
        var lines = state.Plans.Values
            .SelectMany(p => p.Lines.Select(l => (p.Region, l.PartNo, l.Quantity)))
            .Concat(state.Urgent.Values.Select(u => (u.Region, u.PartNo, u.Quantity)))
            .GroupBy(x => x.PartNo, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ProcurementLine(g.Key, g.Sum(x => x.Quantity),
                g.GroupBy(x => x.Region, StringComparer.Ordinal).ToImmutableSortedDictionary(r => r.Key, r => r.Sum(x => x.Quantity), StringComparer.Ordinal)))
            .ToList();
        return new ProcurementList(month, submitBy, state.Plans.Count, lines);
    }
}
