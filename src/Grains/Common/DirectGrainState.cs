using Orleans.Core;
using Orleans.Storage;

namespace AfterSales.Grains.Common;

/// <summary>
/// A grain's state read and written straight through the silo's grain storage, for grain types a silo holds by the
/// million (vehicles). Orleans' own <c>[PersistentState]</c> bridge costs each activation about 400 bytes: the bridge
/// and its state holder, a lock object, and the activation's lifecycle with the bridge's lifecycle and migration
/// subscriptions, which nothing else in such a grain needs. This holder is one 64-byte object and is its own
/// <see cref="IGrainState{T}"/>, so the storage fills it in place.
/// <para>
/// What the bridge did that this does not: carry the state along when a grain migrates (the new activation reads it
/// from PostgreSQL, where every acknowledged change already is), count reads and writes in Orleans' storage metrics
/// (the storage counts its own, <c>aftersales.storage.*</c>), and trace them. The grain reads it before anything else
/// in its activation (<see cref="ReadStateAsync"/> from <c>OnActivateAsync</c>). Like the bridge, it is used only from
/// the grain's own turns.
/// </para>
/// </summary>
public sealed class DirectGrainState<TState>(IGrainStorage storage, string stateName, IGrainContext grain)
    : IPersistentState<TState>, IGrainState<TState>
{
    /// <summary>Set by the first read (before that, the grain has not finished activating and must not look).</summary>
    public TState State { get; set; } = default!;

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    string? IStorage.Etag => ETag;

    // The storage sets a state it read, or a new one where none is stored: never null.
    TState? IGrainState<TState>.State { get => State; set => State = value!; }

    public Task ReadStateAsync() => storage.ReadStateAsync(stateName, grain.GrainId, this);

    public Task WriteStateAsync() => storage.WriteStateAsync(stateName, grain.GrainId, this);

    public Task ClearStateAsync() => storage.ClearStateAsync(stateName, grain.GrainId, this);
}
