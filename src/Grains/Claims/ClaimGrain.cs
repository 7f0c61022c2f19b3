using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Claims;

/// <summary>What a claim grain persists (state_name 'claim'): the claim, null until filed, and what it owes other grains.</summary>
public sealed record ClaimGrainState : IOutboxState<ClaimGrainState>
{
    public int SchemaVersion { get; init; } = 2;

    public ClaimView? Claim { get; init; }

    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public ClaimGrainState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public ClaimGrainState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public ClaimGrainState Written() => this;
}

/// <summary>
/// One warranty claim: filed by the station that appraised it (a clear case already decided by the rules in
/// <see cref="Domain.Claims.ClaimRules"/>, an important or unclear one submitted to the warranty department), decided
/// by <see cref="ClaimDecisions"/>, and written together with what the decision owes (<see cref="DurableState{TState}"/>):
/// the review queue, the station's work order, the settlement statement, the warranty cost.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class ClaimGrain(
    [PersistentState("claim", GrainStorage.Name)] IPersistentState<ClaimGrainState> state,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<ClaimGrain> logger) : Grain, IClaimGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private DurableState<ClaimGrainState>? _durable;

    private string Id => this.GetPrimaryKeyString();

    private DurableState<ClaimGrainState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Claim");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.State.Outbox.IsDefaultOrEmpty)
        {
            Durable.ResumePending();
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<Outcome<ClaimView>> FileAsync(ClaimFiling filing)
    {
        // The business date of the filing, not of its delivery: the station's reply showed the claim as filed then.
        var decision = ClaimDecisions.File(state.State, Id, filing, vehicleOptions.Value.Warranty.DateOf(filing.FiledAt));
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        await CommitAndDeliverAsync(decision);
        return Outcome<ClaimView>.Created(Versioned(decision.Claim!));
    }

    public async Task<Outcome<ClaimView>> DecideAsync(ClaimAction action, string actor, string? note, string? idempotencyKey)
    {
        var replay = idempotencyKey is not null && state.State.Claim?.Decisions?.Any(d => d.IdempotencyKey == idempotencyKey) == true;
        if (!replay && Preconditions.Check(this, state.State.Revision, state.State.Claim is not null, $"Claim {Id}") is { } stale)
        {
            return stale;
        }

        var decision = ClaimDecisions.Decide(state.State, Id, action, actor, note, idempotencyKey, time.GetUtcNow(), Today);
        if (decision.Refusal is { } refusal)
        {
            if (state.State.Claim is null)
            {
                DeactivateOnIdle();
            }

            return refusal;
        }

        await CommitAndDeliverAsync(decision);
        return Outcome<ClaimView>.Ok(Versioned(decision.Claim!));
    }

    public async Task<Outcome<ClaimView>> SettleAsync(DateTimeOffset settledAt)
    {
        var decision = ClaimDecisions.Settle(state.State, Id, settledAt);
        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        await CommitAndDeliverAsync(decision);
        return Outcome<ClaimView>.Ok(Versioned(decision.Claim!));
    }

    public Task<Outcome<ClaimView>> GetAsync()
    {
        if (state.State.Claim is not { } claim)
        {
            DeactivateOnIdle();
            return Task.FromResult<Outcome<ClaimView>>(ClaimDecisions.NotFound(Id));
        }

        return Task.FromResult(Outcome<ClaimView>.Ok(Versioned(claim)));
    }

    /// <summary>The claim as stored carries no version of its own: the grain's is its version.</summary>
    private ClaimView Versioned(ClaimView claim) => claim with { Revision = state.State.Revision };

    private DateOnly Today => vehicleOptions.Value.Warranty.DateOf(time.GetUtcNow());

    /// <summary>Writes the decision with what it owes, then delivers (a recipient that cannot be reached gets it later).</summary>
    private async Task CommitAndDeliverAsync(ClaimDecision decision)
    {
        if (decision.Next is not { } next)
        {
            return;
        }

        await Durable.CommitAsync(next);
        await Durable.DeliverAsync();
    }
}
