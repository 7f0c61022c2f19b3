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
/// <see cref="Domain.Claims.ClaimRules"/>); settled with its work order.
/// </summary>
public sealed partial class ClaimGrain(
    [PersistentState("claim", GrainStorage.Name)] IPersistentState<ClaimGrainState> state,
    ILogger<ClaimGrain> logger) : Grain, IClaimGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<Outcome<ClaimView>> FileAsync(ClaimFiling filing)
    {
        if (state.State.Claim is { } existing && (existing.State == ClaimState.Settled || existing.WorkOrderId != filing.WorkOrderId))
        {
            return Refusal.Conflict($"Claim {Id} is already filed for work order {existing.WorkOrderId} ({existing.State}).");
        }

        // A retry from the station (its own write failed after filing) files the same claim again.
        var claim = new ClaimView(Id, filing.State, filing.Reasons, filing.StationCode, filing.WorkOrderId, filing.Vin, filing.Appraiser,
            filing.RepairDate, filing.MileageKm, filing.FiledAt, null);
        await CommitAsync(claim);
        return Outcome<ClaimView>.Created(claim);
    }

    public async Task<Outcome<ClaimView>> SettleAsync(DateTimeOffset settledAt)
    {
        switch (state.State.Claim)
        {
            case null:
                return NotFound();
            case { State: ClaimState.Settled } settled:
                return Outcome<ClaimView>.Ok(settled);
            case { State: ClaimState.Approved } approved:
                var next = approved with { State = ClaimState.Settled, SettledAt = settledAt };
                await CommitAsync(next);
                return Outcome<ClaimView>.Ok(next);
            case var other:
                return Refusal.Conflict($"Claim {Id} is {other.State}; only an approved claim is settled.");
        }
    }

    public Task<Outcome<ClaimView>> GetAsync()
    {
        if (state.State.Claim is not { } claim)
        {
            DeactivateOnIdle();
            return Task.FromResult<Outcome<ClaimView>>(NotFound());
        }

        return Task.FromResult(Outcome<ClaimView>.Ok(claim));
    }

    private Refusal NotFound() => Refusal.NotFound($"No claim {Id} has been filed.");

    private async Task CommitAsync(ClaimView claim)
    {
        var previous = state.State;
        state.State = previous with { Claim = claim };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            state.State = previous;
            DeactivateOnIdle();
            LogWriteFailed(logger, ex, Id);
            throw new ServiceUnavailableException($"Claim {Id}: the change could not be stored and was not applied; retry.");
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Claim {ClaimId}: state write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string claimId);
}
