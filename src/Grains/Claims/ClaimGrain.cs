using AfterSales.Grains.Common;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Claims;

/// <summary>What a claim grain persists (state_name 'claim'): the claim, null until filed.</summary>
public sealed record ClaimGrainState
{
    public int SchemaVersion { get; init; } = 1;

    public ClaimView? Claim { get; init; }
}

/// <summary>
/// One warranty claim, filed already adjudicated by the station that appraised it (rules in
/// <see cref="Domain.Claims.ClaimRules"/>); settled with its work order. Decided by <see cref="ClaimDecisions"/>,
/// written under the shared failure policy (<see cref="StateWrites.WriteOrRestoreAsync{TState}"/>): a failed write is a
/// 503 and the claim keeps answering from its last durable state.
/// </summary>
public sealed class ClaimGrain(
    [PersistentState("claim", GrainStorage.Name)] IPersistentState<ClaimGrainState> state,
    ILogger<ClaimGrain> logger) : Grain, IClaimGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<Outcome<ClaimView>> FileAsync(ClaimFiling filing)
    {
        var decision = ClaimDecisions.File(state.State, Id, filing);
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        await WriteAsync(decision);
        return Outcome<ClaimView>.Created(decision.Claim!);
    }

    public async Task<Outcome<ClaimView>> SettleAsync(DateTimeOffset settledAt)
    {
        var decision = ClaimDecisions.Settle(state.State, Id, settledAt);
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        await WriteAsync(decision);
        return Outcome<ClaimView>.Ok(decision.Claim!);
    }

    public Task<Outcome<ClaimView>> GetAsync()
    {
        if (state.State.Claim is not { } claim)
        {
            DeactivateOnIdle();
            return Task.FromResult<Outcome<ClaimView>>(ClaimDecisions.NotFound(Id));
        }

        return Task.FromResult(Outcome<ClaimView>.Ok(claim));
    }

    private Task WriteAsync(ClaimDecision decision) =>
        decision.Next is { } next ? state.WriteOrRestoreAsync(next, this, logger, $"Claim {Id}") : Task.CompletedTask;
}
