using System.Collections.Immutable;

namespace AfterSales.Grains.Network;

/// <summary>
/// What a station group persists (state_name 'stationGroup'): only its members, written when one joins or leaves.
/// Their summaries live in memory and are pulled from the stations when the group activates.
/// </summary>
public sealed record StationGroupState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Station codes, sorted.</summary>
    public ImmutableSortedSet<string> Members { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Activations so far; the high half of the sequence numbers a province pushes, so they grow across activations.</summary>
    public long Epoch { get; init; }
}

/// <summary>What the national roll-up persists (state_name 'network'): the provinces it has heard of.</summary>
public sealed record NetworkState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedSet<string> Provinces { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
}
