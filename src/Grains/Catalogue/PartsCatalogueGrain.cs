using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Catalogue;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Catalogue;

/// <summary>What the catalogue grain persists (state_name 'partsCatalogue'): every version, and recent idempotency keys.</summary>
public sealed record PartsCatalogueState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Grows with every change; silo copies compare it with theirs.</summary>
    public int Revision { get; init; }

    /// <summary>The versions, oldest first, each as the catalogue normalised it.</summary>
    public ImmutableArray<CatalogueDocument> Versions { get; init; } = [];

    public ImmutableArray<RememberedCatalogueRequest> Requests { get; init; } = [];
}

/// <summary>An idempotency key, the fingerprint of its request and when it came.</summary>
public sealed record RememberedCatalogueRequest(string Key, string Fingerprint, DateTimeOffset At);

/// <summary>
/// The national main-part and wear-part catalogue. A version is validated by the pure rules
/// (<see cref="Domain.Catalogue.CatalogueVersion.Create"/>), stored, and pushed to every silo's copy before the change
/// is acknowledged, so the next appraisal or warranty answer anywhere uses it.
/// </summary>
public sealed class PartsCatalogueGrain(
    [PersistentState("partsCatalogue", GrainStorage.Name)] IPersistentState<PartsCatalogueState> state,
    TimeProvider time,
    ILogger<PartsCatalogueGrain> logger) : Grain, IPartsCatalogueGrain
{
    private static readonly TimeSpan KeysKeptFor = TimeSpan.FromHours(24);

    private SiloSubscribers<IPartsCatalogueObserver> _copies = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _copies = new(GrainFactory, time, logger, "parts catalogue");
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<CatalogueDocument>> PutVersionAsync(CatalogueDocument document, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(PutVersionAsync), document);
        if (idempotencyKey is not null && state.State.Requests.FirstOrDefault(r => r.Key == idempotencyKey) is { } remembered)
        {
            if (remembered.Fingerprint != fingerprint)
            {
                return Refusal.Conflict($"Idempotency-Key '{idempotencyKey}' was already used for a different catalogue request.");
            }

            // A retry: the first attempt stored the version; tell the silos again in case that was what failed.
            await PushAsync();
            return Outcome<CatalogueDocument>.Ok(Find(document.EffectiveFrom) ?? document);
        }

        if (document.ToVersion(out var errors) is not { } version)
        {
            return Refusal.Invalid(errors);
        }

        var normalised = version.ToDocument();
        var existing = Find(document.EffectiveFrom);
        var now = time.GetUtcNow();
        var versions = state.State.Versions.Where(v => v.EffectiveFrom != document.EffectiveFrom).Append(normalised).OrderBy(v => v.EffectiveFrom).ToImmutableArray();
        var requests = idempotencyKey is null
            ? state.State.Requests
            : [.. state.State.Requests.Where(r => now - r.At < KeysKeptFor), new RememberedCatalogueRequest(idempotencyKey, fingerprint, now)];
        await state.WriteOrRestoreAsync(state.State with { Revision = state.State.Revision + 1, Versions = versions, Requests = requests }, this, logger, "Parts catalogue");
        await PushAsync();
        return existing is null ? Outcome<CatalogueDocument>.Created(normalised) : Outcome<CatalogueDocument>.Ok(normalised);
    }

    public Task<Outcome<CatalogueDocument>> GetVersionAsync(DateOnly effectiveFrom) =>
        Task.FromResult(Find(effectiveFrom) is { } document
            ? Outcome<CatalogueDocument>.Ok(document)
            : Outcome<CatalogueDocument>.Refused(Refusal.NotFound($"No catalogue version starts on {effectiveFrom:yyyy-MM-dd}.")));

    public Task<ImmutableArray<CatalogueVersionSummary>> ListAsync() =>
        Task.FromResult(state.State.Versions.Select(v => new CatalogueVersionSummary(v.EffectiveFrom, v.Parts.Count, v.MainParts.Values.Sum(p => p.Count), v.WearParts.Count)).ToImmutableArray());

    public Task<CatalogueSnapshot> GetSnapshotAsync() => Task.FromResult(Snapshot());

    public Task<CatalogueSnapshot?> SyncAsync(SiloAddress silo, IPartsCatalogueObserver copy, int knownRevision)
    {
        _copies.Renew(silo, copy);
        return Task.FromResult(knownRevision == state.State.Revision ? null : Snapshot());
    }

    private Task PushAsync()
    {
        var snapshot = Snapshot();
        return _copies.PushAsync(copy => copy.UpdateAsync(snapshot));
    }

    private CatalogueSnapshot Snapshot() => new(state.State.Revision, state.State.Versions);

    private CatalogueDocument? Find(DateOnly effectiveFrom) => state.State.Versions.FirstOrDefault(v => v.EffectiveFrom == effectiveFrom);
}
