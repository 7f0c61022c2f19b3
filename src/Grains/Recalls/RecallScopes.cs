using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Interfaces.Recalls;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// A campaign's definition as the pure <see cref="RecallScope"/> that decides whether a vehicle is covered, and what the
/// fleet index must follow for it: each batch with the models it covers wholly and its dated criteria there.
/// </summary>
public static class RecallScopes
{
    public static RecallScope Of(RecallDefinition d) =>
        new(d.Models.WithComparer(StringComparer.Ordinal), d.Batches.WithComparer(StringComparer.Ordinal), d.Vins.WithComparer(StringComparer.Ordinal),
            [.. Criteria(d).Select(ToDomain)]);

    public static ImmutableArray<RecallCriterion> Criteria(RecallDefinition d) => d.Criteria.IsDefault ? [] : d.Criteria;

    public static ScopeCriterion ToDomain(RecallCriterion c) => new(c.Model, c.Batch, c.ProducedFrom, c.ProducedTo);

    public static RecallCriterion ToWire(ScopeCriterion c) => new(c.Model, c.Batch, c.ProducedFrom, c.ProducedTo);

    /// <summary>The models whose campaigns reach their batches through the model (criteria naming a model and no batch).</summary>
    public static ImmutableSortedSet<string> ModelsFollowed(RecallDefinition d) =>
        Of(d).AllCriteria().Where(c => c.Batch is null && c.Model is not null).Select(c => c.Model!).ToImmutableSortedSet(StringComparer.Ordinal);

    /// <summary>
    /// What the campaign covers in any batch of <paramref name="model"/> through criteria naming the model and no batch:
    /// the model wholly (undated criterion), and its dated criteria.
    /// </summary>
    public static BatchCoverage ForModel(RecallDefinition d, string model) =>
        BatchCoverage.None.Add(Of(d).ByModel(model));

    /// <summary>The batches the campaign names (criteria with a batch), each with what it covers there.</summary>
    public static IReadOnlyDictionary<string, BatchCoverage> NamedBatches(RecallDefinition d) =>
        Of(d).AllCriteria().Where(c => c.Batch is not null).GroupBy(c => c.Batch!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => BatchCoverage.None.Add(g), StringComparer.Ordinal);
}

/// <summary>
/// What a campaign covers in one batch: every vehicle (<see cref="Models"/> null), or the vehicles of
/// <see cref="Models"/> and those matching one of the <see cref="Dated"/> criteria (model if given, production-date range).
/// </summary>
public sealed record BatchCoverage(ImmutableSortedSet<string>? Models, ImmutableArray<RecallCriterion> Dated)
{
    public static readonly BatchCoverage None = new(ImmutableSortedSet.Create<string>(StringComparer.Ordinal), []);

    public static readonly BatchCoverage Whole = new(null, []);

    public bool IsWhole => Models is null;

    /// <summary>The union with criteria reaching this batch (their batch, if any, is this one).</summary>
    public BatchCoverage Add(IEnumerable<ScopeCriterion> criteria)
    {
        var next = this;
        foreach (var c in criteria)
        {
            next = next.IsWhole ? next
                : c.Undated && c.Model is null ? Whole
                : c.Undated ? next with { Models = next.Models!.Add(c.Model!) }
                : next with { Dated = next.Dated.Contains(Batchless(c)) ? next.Dated : next.Dated.Add(Batchless(c)) };
        }

        return next.IsWhole ? Whole : next;
    }

    /// <summary>The union of two coverings.</summary>
    public BatchCoverage Union(BatchCoverage other) =>
        IsWhole || other.IsWhole ? Whole
            : new(Models!.Union(other.Models!), [.. Dated.Concat(other.Dated.Where(d => !Dated.Contains(d)))]);

    /// <summary>Whether <paramref name="other"/> covers nothing this one does not (as written, not by counting vehicles).</summary>
    public bool Includes(BatchCoverage other) =>
        IsWhole || (!other.IsWhole && other.Models!.IsSubsetOf(Models!) && other.Dated.All(Dated.Contains));

    /// <summary>Whether a vehicle of <paramref name="model"/> produced on <paramref name="produced"/> (unknown: null) is covered.</summary>
    public bool Covers(string model, DateOnly? produced) =>
        IsWhole || Models!.Contains(model) || (produced is { } date && Dated.Any(d => (d.Model is null || d.Model == model) && RecallScopes.ToDomain(d).InRange(date)));

    /// <summary>Whether every vehicle of <paramref name="model"/> is covered, whatever its production date.</summary>
    public bool CoversModel(string model) => IsWhole || Models!.Contains(model);

    private static RecallCriterion Batchless(ScopeCriterion c) => new(c.Model, null, c.ProducedFrom, c.ProducedTo);
}
