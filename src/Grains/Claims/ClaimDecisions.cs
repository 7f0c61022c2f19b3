using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;

namespace AfterSales.Grains.Claims;

/// <summary>A claim command's verdict: the state to write (null: nothing to write) and the claim to answer with, or a refusal that changes nothing.</summary>
public readonly record struct ClaimDecision(ClaimGrainState? Next, ClaimView? Claim, Refusal? Refusal)
{
    public static ClaimDecision Change(ClaimGrainState state, ClaimView claim) => new(state with { Claim = claim }, claim, null);

    public static ClaimDecision Unchanged(ClaimView claim) => new(null, claim, null);

    public static implicit operator ClaimDecision(Refusal refusal) => new(null, null, refusal);
}

/// <summary>The claim grain's rules as pure functions of (state, command): no Orleans, no I/O.</summary>
public static class ClaimDecisions
{
    /// <summary>
    /// Stores the claim as the station adjudicated it. Filing again for the same work order (the station retrying
    /// after its own write failed) files the claim again, as sent; a settled claim, or one filed for another work
    /// order under this id, is a conflict.
    /// </summary>
    public static ClaimDecision File(ClaimGrainState state, string id, ClaimFiling filing)
    {
        if (state.Claim is { } existing && (existing.State == ClaimState.Settled || existing.WorkOrderId != filing.WorkOrderId))
        {
            return Refusal.Conflict($"Claim {id} is already filed for work order {existing.WorkOrderId} ({existing.State}).");
        }

        return ClaimDecision.Change(state, new ClaimView(id, filing.State, filing.Reasons, filing.StationCode, filing.WorkOrderId, filing.Vin,
            filing.Appraiser, filing.RepairDate, filing.MileageKm, filing.FiledAt, null));
    }

    /// <summary>An approved claim is settled at <paramref name="at"/>; a settled one stays as it was (a retry); any other is a conflict.</summary>
    public static ClaimDecision Settle(ClaimGrainState state, string id, DateTimeOffset at) => state.Claim switch
    {
        null => NotFound(id),
        { State: ClaimState.Settled } settled => ClaimDecision.Unchanged(settled),
        { State: ClaimState.Approved } approved => ClaimDecision.Change(state, approved with { State = ClaimState.Settled, SettledAt = at }),
        var other => Refusal.Conflict($"Claim {id} is {other.State}; only an approved claim is settled."),
    };

    public static Refusal NotFound(string id) => Refusal.NotFound($"No claim {id} has been filed.");
}
