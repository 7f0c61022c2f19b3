using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Recalls;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// This silo's copy of the open recall campaigns (one per silo, shared by its vehicle grains). A warranty read
/// matches the vehicle against it in memory instead of calling the registry grain, which would otherwise take
/// every warranty read of the cluster. The registry pushes each new campaign here before the campaign's opening is
/// acknowledged (and each closing before the closing is done), and the silo renews its subscription every <see cref="SiloCopies.RenewEvery"/>; a copy that has not
/// been confirmed for <see cref="SiloCopies.TrustedFor"/> is not used (callers then ask the registry).
/// </summary>
public sealed class RecallCatalog(TimeProvider time) : SiloCopy<IRecallCatalogObserver>, IRecallCatalogObserver
{
    private readonly Lock _gate = new();
    private Copy? _copy;

    public override string Name => "recall catalog";

    /// <summary>The version this copy holds, or -1 before the first sync.</summary>
    public int KnownVersion => Volatile.Read(ref _copy)?.Version ?? -1;

    public Task UpdateAsync(RecallCatalogSnapshot snapshot)
    {
        Apply(snapshot);
        return Task.CompletedTask;
    }

    public override async Task SyncAsync(IGrainFactory grains, SiloAddress silo)
    {
        var known = KnownVersion;
        if (await grains.Grain<IRecallRegistryGrain>(RecallRegistry.Key).SyncAsync(silo, Reference(grains), known) is { } snapshot)
        {
            Apply(snapshot);
        }
        else
        {
            Confirm(known);
        }
    }

    /// <summary>Takes a snapshot unless a newer one already arrived (a push and a sync reply can cross).</summary>
    public void Apply(RecallCatalogSnapshot snapshot)
    {
        var scopes = snapshot.Campaigns.Select(c => (c.CampaignId, RecallScopes.Of(c))).ToImmutableArray();
        lock (_gate)
        {
            if (_copy is null || snapshot.Version >= _copy.Version)
            {
                Volatile.Write(ref _copy, new Copy(snapshot.Version, scopes, time.GetUtcNow()));
            }
        }
    }

    /// <summary>The registry confirmed that this copy's version is current.</summary>
    public void Confirm(int version)
    {
        lock (_gate)
        {
            if (_copy is { } copy && copy.Version == version)
            {
                Volatile.Write(ref _copy, copy with { ConfirmedAt = time.GetUtcNow() });
            }
        }
    }

    /// <summary>
    /// The ids of the campaigns covering the vehicle, in campaign id order; null when this copy cannot be trusted
    /// (never synced, or not confirmed lately) and <paramref name="evenIfStale"/> is false.
    /// </summary>
    public ImmutableArray<string>? Match(string vin, string model, string batch, DateOnly produced, bool evenIfStale = false)
    {
        var copy = Volatile.Read(ref _copy);
        if (copy is null || (!evenIfStale && time.GetUtcNow() - copy.ConfirmedAt > SiloCopies.TrustedFor))
        {
            return null;
        }

        var matches = ImmutableArray.CreateBuilder<string>();
        foreach (var (id, scope) in copy.Scopes)
        {
            if (scope.Covers(vin, model, batch, produced))
            {
                matches.Add(id);
            }
        }

        return matches.ToImmutable();
    }

    private sealed record Copy(int Version, ImmutableArray<(string Id, RecallScope Scope)> Scopes, DateTimeOffset ConfirmedAt);
}
