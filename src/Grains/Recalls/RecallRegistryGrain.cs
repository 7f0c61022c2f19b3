using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// The open campaigns and their scopes, in memory for matching (a closed campaign leaves it). Vehicles ask it when they answer a warranty query,
/// so a campaign opened a moment ago shows on every covered vehicle — active or not, registered before or after.
/// Campaigns are few (tens to hundreds), so a match is a short loop of set lookups.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class RecallRegistryGrain(
    [PersistentState("recallRegistry", GrainStorage.Name)] IPersistentState<RecallRegistryState> state,
    TimeProvider time,
    ILogger<RecallRegistryGrain> logger) : Grain, IRecallRegistryGrain
{
    private ImmutableArray<(string Id, RecallScope Scope)> _scopes = [];
    private SiloSubscribers<IRecallCatalogObserver> _catalogs = null!;

    /// <summary>
    /// Moves on with every campaign added or removed (a count of changes, not of campaigns: removing one must not bring
    /// a catalog's version back to one it already held). A registry stored before removals existed counts its campaigns.
    /// </summary>
    private int Version => Math.Max(state.State.Changes, state.State.Campaigns.Length);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _scopes = [.. state.State.Campaigns.Select(Scoped)];
        _catalogs = new(GrainFactory, time, logger, "recall campaigns");
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Records the campaign, then pushes the new list to every silo's catalog; it returns only when each active
    /// silo has it, so the campaign shows on every covered vehicle from the moment its opening is acknowledged.
    /// Adding a known campaign pushes again (a retry after a failed push completes it).
    /// </summary>
    public async Task AddAsync(RecallDefinition campaign)
    {
        if (!state.State.Campaigns.Any(c => c.CampaignId == campaign.CampaignId))
        {
            var campaigns = state.State.Campaigns.Add(campaign).Sort((a, b) => string.CompareOrdinal(a.CampaignId, b.CampaignId));
            await state.WriteOrRestoreAsync(state.State with { Campaigns = campaigns, Changes = Version + 1 }, this, logger, "Recall registry");
            _scopes = [.. state.State.Campaigns.Select(Scoped)];
        }

        var snapshot = new RecallCatalogSnapshot(Version, state.State.Campaigns);
        await _catalogs.PushAsync(catalog => catalog.UpdateAsync(snapshot));
    }

    /// <summary>
    /// Forgets a closed campaign, then pushes the shorter list to every silo's catalog; it returns only when each
    /// active silo has it, so no vehicle shows the campaign once its closing has gone through. Idempotent.
    /// </summary>
    public async Task RemoveAsync(string campaignId)
    {
        if (state.State.Campaigns.Any(c => c.CampaignId == campaignId))
        {
            var campaigns = state.State.Campaigns.RemoveAll(c => c.CampaignId == campaignId);
            await state.WriteOrRestoreAsync(state.State with { Campaigns = campaigns, Changes = Version + 1 }, this, logger, "Recall registry");
            _scopes = [.. state.State.Campaigns.Select(Scoped)];
        }

        var snapshot = new RecallCatalogSnapshot(Version, state.State.Campaigns);
        await _catalogs.PushAsync(catalog => catalog.UpdateAsync(snapshot));
    }

    public Task<RecallCatalogSnapshot?> SyncAsync(SiloAddress silo, IRecallCatalogObserver catalog, int knownVersion)
    {
        _catalogs.Renew(silo, catalog);
        return Task.FromResult(knownVersion == Version ? null : new RecallCatalogSnapshot(Version, state.State.Campaigns));
    }

    public Task<ImmutableArray<string>> MatchAsync(string vin, string model, string batch, DateOnly produced)
    {
        var matches = ImmutableArray.CreateBuilder<string>();
        foreach (var (id, scope) in _scopes)
        {
            if (scope.Covers(vin, model, batch, produced))
            {
                matches.Add(id);
            }
        }

        return Task.FromResult(matches.ToImmutable());
    }

    public Task<ImmutableArray<string>> GetCampaignIdsAsync() => Task.FromResult(state.State.Campaigns.Select(c => c.CampaignId).ToImmutableArray());

    private static (string, RecallScope) Scoped(RecallDefinition c) => (c.CampaignId, RecallScopes.Of(c));
}

/// <summary>What the recall registry persists (state_name 'recallRegistry').</summary>
public sealed record RecallRegistryState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The open campaigns (a closed one is removed).</summary>
    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];

    /// <summary>Campaigns added and removed so far: the catalogs' version (0 in a registry stored before it was kept).</summary>
    public int Changes { get; init; }
}
