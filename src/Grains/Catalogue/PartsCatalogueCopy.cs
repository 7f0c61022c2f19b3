using AfterSales.Domain.Catalogue;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Catalogue;
using AfterSales.Interfaces.Common;

namespace AfterSales.Grains.Catalogue;

/// <summary>
/// This silo's copy of the parts catalogue (one per silo, shared by its vehicle and station grains): the warranty
/// answer's wear parts and an appraisal's main parts are read from it in memory. The catalogue grain pushes every
/// change here before acknowledging it; the silo renews its subscription with the other silo copies.
/// </summary>
public sealed class PartsCatalogueCopy : SiloCopy<IPartsCatalogueObserver>, IPartsCatalogueObserver
{
    private readonly Lock _gate = new();
    private Copy? _copy;

    public override string Name => "parts catalogue";

    /// <summary>The revision this copy holds, or -1 before the first sync.</summary>
    public int KnownRevision => Volatile.Read(ref _copy)?.Revision ?? -1;

    /// <summary>The catalogue; asks the catalogue grain once when this silo has not synced yet (it just started).</summary>
    public async ValueTask<PartsCatalogue> GetAsync(IGrainFactory grains)
    {
        if (Volatile.Read(ref _copy) is { } copy)
        {
            return copy.Catalogue;
        }

        Apply(await grains.Grain<IPartsCatalogueGrain>(PartsCatalogueKeys.National).GetSnapshotAsync());
        return Volatile.Read(ref _copy)!.Catalogue;
    }

    public Task UpdateAsync(CatalogueSnapshot snapshot)
    {
        Apply(snapshot);
        return Task.CompletedTask;
    }

    public override async Task SyncAsync(IGrainFactory grains, SiloAddress silo)
    {
        if (await grains.Grain<IPartsCatalogueGrain>(PartsCatalogueKeys.National).SyncAsync(silo, Reference(grains), KnownRevision) is { } snapshot)
        {
            Apply(snapshot);
        }
    }

    /// <summary>Takes a snapshot unless a newer one already arrived (a push and a sync reply can cross).</summary>
    public void Apply(CatalogueSnapshot snapshot)
    {
        var catalogue = snapshot.Versions.ToCatalogue();
        lock (_gate)
        {
            if (_copy is null || snapshot.Revision >= _copy.Revision)
            {
                Volatile.Write(ref _copy, new Copy(snapshot.Revision, catalogue));
            }
        }
    }

    private sealed record Copy(int Revision, PartsCatalogue Catalogue);
}
