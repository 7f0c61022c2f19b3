using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Settlements;

namespace AfterSales.Grains.Claims;

/// <summary>A claim command's verdict: the state to write (null: nothing to write) and the claim to answer with, or a refusal that changes nothing.</summary>
public readonly record struct ClaimDecision(ClaimGrainState? Next, ClaimView? Claim, Refusal? Refusal)
{
    public static ClaimDecision Change(ClaimGrainState state, ClaimView claim) => new(state with { Claim = claim }, claim, null);

    public static ClaimDecision Unchanged(ClaimView claim) => new(null, claim, null);

    public static implicit operator ClaimDecision(Refusal refusal) => new(null, null, refusal);
}

/// <summary>
/// The claim grain's rules as pure functions of (state, command): no Orleans, no I/O. A claim reaches a decision
/// either at filing (the rules decided a clear case) or through the warranty department's review queue
/// (submitted → approved / rejected / needs information → answered → submitted …); every decision is kept with who
/// made it and when. What a decision owes other grains goes into the outbox with it: the queue's entry, the station's
/// work order (whose approved findings then reach the vehicle's 三包 counters), the station's settlement statement and
/// the month's warranty cost.
/// </summary>
public static class ClaimDecisions
{
    /// <summary>Counter names of the warranty-cost roll-up (amounts in fen).</summary>
    public static class CostCounters
    {
        public const string Claims = "claims";
        public const string Labour = "labour";
        public const string Parts = "parts";
        public const string Total = "total";
        public const string Recovery = "recovery";
        public const string ModelPrefix = "model:";
        public const string ComponentPrefix = "component:";
        public const string SupplierPrefix = "supplier:";
    }

    /// <summary>
    /// Stores the claim as the station filed it. The same filing delivered again (the station's outbox) changes
    /// nothing; filing anew for the same work order before any decision by the department files it again, as sent; a
    /// claim already decided by the warranty department or settled, or one filed for another work order under this
    /// id, is a conflict.
    /// </summary>
    public static ClaimDecision File(ClaimGrainState state, string id, ClaimFiling filing, DateOnly businessDate)
    {
        // The same filing delivered again (its station's outbox retrying): already filed, whatever was decided since.
        if (state.Claim is { } filed && filed.WorkOrderId == filing.WorkOrderId && filed.FiledAt == filing.FiledAt && filed.StationCode == filing.StationCode)
        {
            return ClaimDecision.Unchanged(filed);
        }

        if (state.Claim is { } existing
            && (existing.State == ClaimState.Settled || existing.WorkOrderId != filing.WorkOrderId || existing.Decisions is { Count: > 0 }))
        {
            return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Claim {id} is already filed for work order {existing.WorkOrderId} ({Describe(existing.State)}).");
        }

        var claim = new ClaimView(id, filing.State, filing.Reasons, filing.StationCode, filing.WorkOrderId, filing.Vin,
            filing.Appraiser, filing.RepairDate, filing.MileageKm, filing.FiledAt, null, filing.Amount, filing.Pricing, filing.ReviewReasons,
            [], filing.Model, filing.System, filing.Cause, filing.State == ClaimState.Approved ? businessDate : null);
        var next = (state with { Claim = claim }).Send(Owed(claim, ClaimState.Submitted, filing.FiledAt, 0, fromFiling: true));
        return new ClaimDecision(next, claim, null);
    }

    /// <summary>The actions a claim in <paramref name="claim"/>'s state allows.</summary>
    public static IReadOnlyList<ClaimAction> Allowed(ClaimView claim) => claim.State switch
    {
        ClaimState.Submitted => [ClaimAction.Approve, ClaimAction.Reject, ClaimAction.RequestInformation],
        ClaimState.NeedsInformation when InformationRequested(claim) => [ClaimAction.Answer],
        _ => [],
    };

    /// <summary>
    /// A decision on the claim by <paramref name="actor"/>. The wrong state is a conflict naming the actions allowed;
    /// a retry with the idempotency key of a decision already taken answers with the claim as it stands.
    /// </summary>
    public static ClaimDecision Decide(
        ClaimGrainState state, string id, ClaimAction action, string actor, string? note, string? idempotencyKey, DateTimeOffset now, DateOnly businessDate)
    {
        if (state.Claim is not { } claim)
        {
            return NotFound(id);
        }

        var decisions = claim.Decisions ?? [];
        if (idempotencyKey is not null && decisions.FirstOrDefault(d => d.IdempotencyKey == idempotencyKey) is { } earlier)
        {
            return earlier.Action == action
                ? ClaimDecision.Unchanged(claim)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used to {Describe(earlier.Action)} claim {id}.");
        }

        var allowed = Allowed(claim);
        if (!allowed.Contains(action))
        {
            var hint = allowed.Count == 0
                ? claim.State == ClaimState.NeedsInformation
                    ? "the rules need a complete appraisal: appraise the work order again"
                    : "it is decided"
                : "allowed: " + string.Join(", ", allowed.Select(Describe));
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Claim {id} is {Describe(claim.State)}; it cannot {Describe(action)} ({hint}).");
        }

        if (action != ClaimAction.Approve && string.IsNullOrWhiteSpace(note))
        {
            return Refusal.Invalid("note", $"note is required to {Describe(action)} a claim: say why, or what is needed.");
        }

        var to = action switch
        {
            ClaimAction.Approve => ClaimState.Approved,
            ClaimAction.Reject => ClaimState.Rejected,
            ClaimAction.RequestInformation => ClaimState.NeedsInformation,
            _ => ClaimState.Submitted,
        };
        var record = new ClaimDecisionRecord(action, claim.State, to, actor, now, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), idempotencyKey);
        var decided = claim with
        {
            State = to,
            Decisions = [.. decisions, record],
            ApprovedOn = to == ClaimState.Approved ? businessDate : claim.ApprovedOn,
        };
        var next = (state with { Claim = decided }).Send(Owed(decided, claim.State, now, decisions.Count + 1, fromFiling: false));
        return new ClaimDecision(next, decided, null);
    }

    /// <summary>An approved claim is settled at <paramref name="at"/>; a settled one stays as it was (a retry); any other is a conflict.</summary>
    public static ClaimDecision Settle(ClaimGrainState state, string id, DateTimeOffset at) => state.Claim switch
    {
        null => NotFound(id),
        { State: ClaimState.Settled } settled => ClaimDecision.Unchanged(settled),
        { State: ClaimState.Approved } approved => ClaimDecision.Change(state, approved with { State = ClaimState.Settled, SettledAt = at }),
        var other => Refusal.Conflict(ProblemCodes.IllegalTransition, $"Claim {id} is {Describe(other.State)}; only an approved claim is settled."),
    };

    /// <summary>
    /// What reaching <paramref name="claim"/>'s state owes: the queue's entry (in or out), the work order's decision
    /// when the department decided, and for an approval the settlement line and the warranty cost.
    /// </summary>
    private static List<OutboxMessage> Owed(ClaimView claim, ClaimState from, DateTimeOffset now, int sequence, bool fromFiling)
    {
        var owed = new List<OutboxMessage>();
        var queueId = string.Create(CultureInfo.InvariantCulture, $"queue:{sequence}");
        if (claim.State == ClaimState.Submitted)
        {
            owed.Add(new ReviewQueueUpdate(claim.Id, new ReviewQueueEntry(
                claim.Id, claim.StationCode, claim.WorkOrderId, claim.Vin, claim.FiledAt, claim.Amount, claim.ReviewReasons ?? [], now)) { Id = queueId });
        }
        else if (from == ClaimState.Submitted && !fromFiling)
        {
            owed.Add(new ReviewQueueUpdate(claim.Id, null) { Id = queueId });
        }

        if (!fromFiling && claim.State is ClaimState.Approved or ClaimState.Rejected)
        {
            owed.Add(new ClaimDecisionToStation(claim.StationCode, claim.WorkOrderId, claim.Id, claim.State, claim.Amount) { Id = "decision:" + claim.Id });
        }

        if (claim.State == ClaimState.Approved && claim.ApprovedOn is { } approvedOn)
        {
            owed.Add(new SettlementLineToStation(claim.StationCode, new SettlementLine(
                "claim:" + claim.Id, SettlementLineKind.Claim, claim.Id, claim.WorkOrderId, claim.Vin, claim.Amount ?? ClaimAmount.Zero, claim.RepairDate))
            {
                Id = "settlement:" + claim.Id,
            });
            owed.Add(new RollupReport(RollupScopes.WarrantyCost(approvedOn.Year, approvedOn.Month), CostOf(claim)) { Id = "cost:" + claim.Id });
        }

        return owed;
    }

    /// <summary>
    /// The claim's final contribution to its month's warranty cost (fen): totals, by model, by component (system)
    /// and by supplier, with the supplier recovery of parts judged defective.
    /// </summary>
    public static CounterContribution CostOf(ClaimView claim)
    {
        var amount = claim.Amount ?? ClaimAmount.Zero;
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        void Add(string name, long value) => counters[name] = counters.GetValueOrDefault(name) + value;
        var model = CostCounters.ModelPrefix + (string.IsNullOrWhiteSpace(claim.Model) ? "unknown" : claim.Model) + ":";
        var component = CostCounters.ComponentPrefix + Domain.Catalogue.CatalogueVersion.SystemKey((Domain.Repairs.VehicleSystem)(int)claim.System) + ":";
        Add(CostCounters.Claims, 1);
        Add(CostCounters.Labour, Fen(amount.Labour));
        Add(CostCounters.Parts, Fen(amount.Parts));
        Add(CostCounters.Total, Fen(amount.Total));
        Add(model + CostCounters.Claims, 1);
        Add(model + CostCounters.Total, Fen(amount.Total));
        Add(component + CostCounters.Claims, 1);
        Add(component + CostCounters.Total, Fen(amount.Total));
        var defective = claim.Cause == FailureCause.Defect;
        foreach (var part in claim.Pricing?.Parts ?? [])
        {
            if (part.Supplier is not { } supplier)
            {
                continue;
            }

            var prefix = CostCounters.SupplierPrefix + supplier + ":";
            Add(prefix + CostCounters.Parts, Fen(part.Amount));
            if (defective)
            {
                Add(prefix + CostCounters.Recovery, Fen(part.Amount));
                Add(CostCounters.Recovery, Fen(part.Amount));
            }
        }

        return new CounterContribution("claim:" + claim.Id, 1, counters.ToImmutableSortedDictionary(StringComparer.Ordinal), Final: true);
    }

    public static long Fen(decimal amount) => (long)decimal.Round(amount * 100, 0, MidpointRounding.AwayFromZero);

    public static Refusal NotFound(string id) => Refusal.NotFound(ProblemCodes.NotFound, $"No claim {id} has been filed.");

    public static string Describe(ClaimState state) => state switch
    {
        ClaimState.NeedsInformation => "needs information",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static string Describe(ClaimAction action) => action switch
    {
        ClaimAction.Approve => "approve",
        ClaimAction.Reject => "reject",
        ClaimAction.RequestInformation => "request-information",
        _ => "answer",
    };

    private static bool InformationRequested(ClaimView claim) => claim.Decisions is { Count: > 0 } d && d[^1].Action == ClaimAction.RequestInformation;
}
