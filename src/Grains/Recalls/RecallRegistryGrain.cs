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
    TimeProvider time,
    ILogger<RecallRegistryGrain> logger) : Grain, IRecallRegistryGrain
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(3);

    private readonly Dictionary<SiloAddress, (IRecallCatalogObserver Catalog, DateTimeOffset RenewedAt)> _catalogs = [];
    private ImmutableArray<(string Id, RecallScope Scope)> _scopes = [];
    private DateTimeOffset _activatedAt;

    private int Version => state.State.Campaigns.Length;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _scopes = [.. state.State.Campaigns.Select(Scoped)];
        _activatedAt = time.GetUtcNow();
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
            await state.WriteOrRestoreAsync(state.State with { Campaigns = campaigns }, this, logger, "Recall registry");
            _scopes = [.. state.State.Campaigns.Select(Scoped)];
        }

        await PushToCatalogsAsync();
    }

    public Task<RecallCatalogSnapshot?> SyncAsync(SiloAddress silo, IRecallCatalogObserver catalog, int knownVersion)
    {
        _catalogs[silo] = (catalog, time.GetUtcNow());
        return Task.FromResult(knownVersion == Version ? null : new RecallCatalogSnapshot(Version, state.State.Campaigns));
    }

    private async Task PushToCatalogsAsync()
    {
        var active = await ActiveSilosAsync();

        // A fresh activation knows no catalogs yet. Every live silo renews within one period, so wait for each
        // active silo to subscribe (or for two periods, after which a silo that has not is not really alive).
        var waitUntil = _activatedAt + RecallCatalog.RenewEvery * 2;
        while (active.Any(silo => !_catalogs.ContainsKey(silo)) && time.GetUtcNow() < waitUntil)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time);
            active = await ActiveSilosAsync();
        }

        foreach (var gone in _catalogs.Keys.Where(silo => !active.Contains(silo)).ToList())
        {
            _catalogs.Remove(gone);
        }

        var snapshot = new RecallCatalogSnapshot(Version, state.State.Campaigns);
        var pushes = _catalogs.Select(async entry =>
        {
            try
            {
                await entry.Value.Catalog.UpdateAsync(snapshot).WaitAsync(NotifyTimeout, time);
                return null;
            }
            catch (Exception ex)
            {
                LogPushFailed(logger, ex, entry.Key.ToString());
                return entry.Key.ToString();
            }
        });
        var failed = (await Task.WhenAll(pushes)).OfType<string>().ToList();
        if (failed.Count > 0)
        {
            throw new ServiceUnavailableException(
                $"The recall campaigns are stored, but silo(s) {string.Join(", ", failed)} could not be told yet; retry to finish opening.");
        }
    }

    private async Task<HashSet<SiloAddress>> ActiveSilosAsync() =>
        [.. (await GrainFactory.Grain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys];

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

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Recall registry: the catalog of silo {Silo} could not be updated")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string silo);

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
