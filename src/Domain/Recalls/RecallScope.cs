using System.Collections.Immutable;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Recalls;

/// <summary>
/// One criterion of a recall's scope: the vehicles matching <em>every</em> field it gives — of that model, of that
/// production batch, produced in that date range (both ends inclusive; an open end is unbounded). At least a model
/// or a batch is given: a date range alone would be every vehicle of every model made in it.
/// </summary>
public sealed record ScopeCriterion(string? Model, string? Batch, DateOnly? ProducedFrom, DateOnly? ProducedTo)
{
    public bool Covers(string model, string batch, DateOnly produced) =>
        (Model is null || Model == model) && (Batch is null || Batch == batch) && InRange(produced);

    /// <summary>Whether the production date falls in the range (inclusive; null ends are open).</summary>
    public bool InRange(DateOnly produced) =>
        (ProducedFrom is not { } from || produced >= from) && (ProducedTo is not { } to || produced <= to);

    /// <summary>True when the criterion has no date bound: it covers every vehicle of its model and/or batch.</summary>
    public bool Undated => ProducedFrom is null && ProducedTo is null;
}

/// <summary>A criterion as the request gave it, before checking.</summary>
public sealed record ScopeCriterionInput(string? Model, string? Batch, DateOnly? ProducedFrom, DateOnly? ProducedTo);

/// <summary>
/// The vehicles a recall campaign covers (召回条例 Art. 3: a defect common to a batch, a model or a category of
/// vehicles): the union of its criteria — each listed model and each listed batch is a criterion of its own, and each
/// explicit criterion an intersection of model, batch and production-date range — plus the listed VINs.
/// </summary>
public sealed record RecallScope(
    ImmutableSortedSet<string> Models, ImmutableSortedSet<string> Batches, ImmutableSortedSet<string> Vins, ImmutableArray<ScopeCriterion> Criteria)
{
    public const int MaxCampaignIdLength = 64;
    public const int MaxListedVins = 100_000;
    public const int MaxListedGroups = 1_000;

    public RecallScope(ImmutableSortedSet<string> models, ImmutableSortedSet<string> batches, ImmutableSortedSet<string> vins)
        : this(models, batches, vins, [])
    {
    }

    /// <summary>Whether the vehicle is in the campaign's scope: listed, or matching at least one criterion.</summary>
    public bool Covers(string vin, string model, string batch, DateOnly produced)
    {
        if (Vins.Contains(vin) || Models.Contains(model) || Batches.Contains(batch))
        {
            return true;
        }

        foreach (var criterion in Criteria.IsDefault ? [] : Criteria)
        {
            if (criterion.Covers(model, batch, produced))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every criterion, the listed models and batches included (one criterion each).</summary>
    public IEnumerable<ScopeCriterion> AllCriteria() =>
        Models.Select(m => new ScopeCriterion(m, null, null, null))
            .Concat(Batches.Select(b => new ScopeCriterion(null, b, null, null)))
            .Concat(Criteria.IsDefault ? [] : Criteria);

    /// <summary>
    /// The criteria that reach a vehicle through its model alone (they name the model and no batch): a batch of that
    /// model, made now or later, is covered by these within it.
    /// </summary>
    public IEnumerable<ScopeCriterion> ByModel(string model) =>
        AllCriteria().Where(c => c.Batch is null && c.Model == model);

    /// <summary>
    /// Trims and de-duplicates the lists and checks them, naming each bad field; a campaign must cover something.
    /// Model and batch names compare exactly as vehicles were registered with them.
    /// </summary>
    public static (RecallScope? Scope, IReadOnlyDictionary<string, string[]> Errors) Parse(
        IEnumerable<string?>? models, IEnumerable<string?>? batches, IEnumerable<string?>? vins, IEnumerable<ScopeCriterionInput?>? criteria = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var modelSet = Names("models", models, errors);
        var batchSet = Names("batches", batches, errors);
        var vinSet = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var raw in vins ?? [])
        {
            var vin = (raw ?? "").Trim().ToUpperInvariant();
            if (!Vin.TryValidate(vin, out var error))
            {
                errors[$"vins[{index}]"] = [error];
            }
            else
            {
                vinSet.Add(vin);
            }

            index++;
        }

        if (index > MaxListedVins)
        {
            errors["vins"] = [$"A campaign lists at most {MaxListedVins:N0} VINs; cover larger sets by model or batch."];
        }

        var criteriaList = ParseCriteria(criteria, errors);
        if (errors.Count == 0 && modelSet.Count == 0 && batchSet.Count == 0 && vinSet.Count == 0 && criteriaList.IsEmpty)
        {
            errors["models"] = ["A campaign must cover at least one model, batch, criterion or VIN."];
        }

        return errors.Count > 0 ? (null, errors) : (new RecallScope(modelSet, batchSet, vinSet.ToImmutable(), criteriaList), errors);
    }

    private static ImmutableArray<ScopeCriterion> ParseCriteria(IEnumerable<ScopeCriterionInput?>? criteria, Dictionary<string, string[]> errors)
    {
        var parsed = new List<ScopeCriterion>();
        var index = 0;
        foreach (var raw in criteria ?? [])
        {
            var field = $"criteria[{index}]";
            index++;
            if (raw is null)
            {
                errors[field] = [$"{field} must be an object {{model?, batch?, producedFrom?, producedTo?}}."];
                continue;
            }

            var model = Name($"{field}.model", raw.Model, errors);
            var batch = Name($"{field}.batch", raw.Batch, errors);
            if (raw.Model is null && raw.Batch is null)
            {
                errors[field] = [$"{field} must name a model or a batch (a production-date range alone would cover every model made in it)."];
                continue;
            }

            if (raw.ProducedFrom is { } from && raw.ProducedTo is { } to && from > to)
            {
                errors[$"{field}.producedTo"] = [$"{field}.producedTo ({to:yyyy-MM-dd}) is before producedFrom ({from:yyyy-MM-dd})."];
                continue;
            }

            if (model is not null || batch is not null)
            {
                var criterion = new ScopeCriterion(model, batch, raw.ProducedFrom, raw.ProducedTo);
                if (!parsed.Contains(criterion))
                {
                    parsed.Add(criterion);
                }
            }
        }

        if (index > MaxListedGroups)
        {
            errors["criteria"] = [$"A campaign lists at most {MaxListedGroups:N0} criteria."];
        }

        return [.. parsed];
    }

    /// <summary>A checked name, or null when absent (or bad, with the error recorded).</summary>
    private static string? Name(string field, string? raw, Dictionary<string, string[]> errors)
    {
        if (raw is null)
        {
            return null;
        }

        var name = raw.Trim();
        if (name.Length is 0 or > 64 || name.Any(char.IsControl))
        {
            errors[field] = [$"{field} must be 1–64 printable characters."];
            return null;
        }

        return name;
    }

    private static ImmutableSortedSet<string> Names(string field, IEnumerable<string?>? values, Dictionary<string, string[]> errors)
    {
        var set = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var raw in values ?? [])
        {
            var name = raw?.Trim() ?? "";
            if (name.Length is 0 or > 64 || name.Any(char.IsControl))
            {
                errors[$"{field}[{index}]"] = [$"{field}[{index}] must be 1–64 printable characters."];
            }
            else
            {
                set.Add(name);
            }

            index++;
        }

        if (index > MaxListedGroups)
        {
            errors[field] = [$"A campaign lists at most {MaxListedGroups:N0} {field}."];
        }

        return set.ToImmutable();
    }
}
