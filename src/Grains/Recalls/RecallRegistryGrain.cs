using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// The open campaigns and their scopes, in memory for matching. Vehicles ask it when they answer a warranty query,
/// so a campaign opened a moment ago shows on every covered vehicle — active or not, registered before or after.
/// Campaigns are few (tens to hundreds), so a match is a short loop of set lookups.
/// </summary>
public sealed partial class RecallRegistryGrain(
    [PersistentState("recallRegistry", GrainStorage.Name)] IPersistentState<RecallRegistryState> state,
    ILogger<RecallRegistryGrain> logger) : Grain, IRecallRegistryGrain
{
    private ImmutableArray<(string Id, RecallScope Scope)> _scopes = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _scopes = [.. state.State.Campaigns.Select(Scoped)];
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task AddAsync(RecallDefinition campaign)
    {
        if (state.State.Campaigns.Any(c => c.CampaignId == campaign.CampaignId))
        {
            return;
        }

        var campaigns = state.State.Campaigns.Add(campaign).Sort((a, b) => string.CompareOrdinal(a.CampaignId, b.CampaignId));
        await state.WriteOrRestoreAsync(state.State with { Campaigns = campaigns }, this, logger, "Recall registry");

        _scopes = [.. state.State.Campaigns.Select(Scoped)];
    }

    public Task<ImmutableArray<string>> MatchAsync(string vin, string model, string batch)
    {
        var matches = ImmutableArray.CreateBuilder<string>();
        foreach (var (id, scope) in _scopes)
        {
            if (scope.Covers(vin, model, batch))
            {
                matches.Add(id);
            }
        }

        return Task.FromResult(matches.ToImmutable());
    }

    public Task<ImmutableArray<string>> GetCampaignIdsAsync() => Task.FromResult(state.State.Campaigns.Select(c => c.CampaignId).ToImmutableArray());

    private static (string, RecallScope) Scoped(RecallDefinition c) =>
        (c.CampaignId, new RecallScope(
            c.Models.WithComparer(StringComparer.Ordinal), c.Batches.WithComparer(StringComparer.Ordinal), c.Vins.WithComparer(StringComparer.Ordinal)));
}

/// <summary>What the recall registry persists (state_name 'recallRegistry').</summary>
public sealed record RecallRegistryState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];
}
