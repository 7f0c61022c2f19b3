using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Catalogue;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Catalogue;

/// <summary>What the catalogue grain persists (state_name 'partsCatalogue'): every version. Its idempotency keys are rows of grain_rows.</summary>
public sealed record PartsCatalogueState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Grows with every change; silo copies compare it with theirs.</summary>
    public int Revision { get; init; }

    /// <summary>The versions, oldest first, each as the catalogue normalised it.</summary>
    public ImmutableArray<CatalogueDocument> Versions { get; init; } = [];

    /// <summary>The idempotency key written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedCatalogueRequest>>? NewRows { get; init; }

    public PartsCatalogueState Written() => NewRows is null ? this : this with { NewRows = null };
}

/// <summary>An idempotency key, the fingerprint of its request and when it came.</summary>
public sealed record RememberedCatalogueRequest(string Key, string Fingerprint, DateTimeOffset At) : IRememberedReply;

/// <summary>
/// The national main-part and wear-part catalogue. A version is validated by the pure rules
/// (<see cref="Domain.Catalogue.CatalogueVersion.Create"/>), stored, and pushed to every silo's copy before the change
/// is acknowledged, so the next appraisal or warranty answer anywhere uses it.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class PartsCatalogueGrain(
    [PersistentState("partsCatalogue", GrainStorage.Name)] IPersistentState<PartsCatalogueState> state,
    TimeProvider time,
    IGrainRowReader rows,
    ILogger<PartsCatalogueGrain> logger) : Grain, IPartsCatalogueGrain
{
    public static readonly TimeSpan KeysKeptFor = TimeSpan.FromHours(24);

    private SiloSubscribers<IPartsCatalogueObserver> _copies = null!;
    private IdempotencyKeys<RememberedCatalogueRequest>? _keys;

    /// <summary>Every key of the last 24 h, however many (rows written with the version they stored).</summary>
    private IdempotencyKeys<RememberedCatalogueRequest> Keys => _keys ??= new(rows, "partsCatalogue", this.GetPrimaryKeyString(), KeysKeptFor, time, state.RecordExists);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _copies = new(GrainFactory, time, logger, "parts catalogue");
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<Outcome<CatalogueDocument>> PutVersionAsync(CatalogueDocument document, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(PutVersionAsync), document);
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            if (remembered.Fingerprint != fingerprint)
            {
                return Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used for a different catalogue request.");
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
        var next = state.State with { Revision = state.State.Revision + 1, Versions = versions };
        if (idempotencyKey is not null)
        {
            next = next with { NewRows = [IdempotencyKeys<RememberedCatalogueRequest>.Row(new RememberedCatalogueRequest(idempotencyKey, fingerprint, now))] };
        }

        await state.WriteOrRestoreAsync(next, this, logger, "Parts catalogue", written => written.Written());
        Keys.Written(next.NewRows);
        await PushAsync();
        return existing is null ? Outcome<CatalogueDocument>.Created(normalised) : Outcome<CatalogueDocument>.Ok(normalised);
    }

    public Task<Outcome<CatalogueDocument>> GetVersionAsync(DateOnly effectiveFrom) =>
        Task.FromResult(Find(effectiveFrom) is { } document
            ? Outcome<CatalogueDocument>.Ok(document)
            : Outcome<CatalogueDocument>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"No catalogue version starts on {effectiveFrom:yyyy-MM-dd}.")));

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
