using System.Collections.Immutable;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Recalls;

/// <summary>
/// The vehicles a recall campaign covers (召回条例 Art. 3: a defect common to a batch, a model or a listed set):
/// every vehicle of the listed models, of the listed batches, and the listed VINs.
/// </summary>
public sealed record RecallScope(ImmutableSortedSet<string> Models, ImmutableSortedSet<string> Batches, ImmutableSortedSet<string> Vins)
{
    public const int MaxCampaignIdLength = 64;
    public const int MaxListedVins = 100_000;
    public const int MaxListedGroups = 1_000;

    public bool Covers(string vin, string model, string batch) =>
        Vins.Contains(vin) || Models.Contains(model) || Batches.Contains(batch);

    /// <summary>
    /// Trims and de-duplicates the lists and checks them, naming each bad field; a campaign must cover something.
    /// Model and batch names compare exactly as vehicles were registered with them.
    /// </summary>
    public static (RecallScope? Scope, IReadOnlyDictionary<string, string[]> Errors) Parse(
        IEnumerable<string?>? models, IEnumerable<string?>? batches, IEnumerable<string?>? vins)
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

        if (errors.Count == 0 && modelSet.Count == 0 && batchSet.Count == 0 && vinSet.Count == 0)
        {
            errors["models"] = ["A campaign must cover at least one model, batch or VIN."];
        }

        return errors.Count > 0 ? (null, errors) : (new RecallScope(modelSet, batchSet, vinSet.ToImmutable()), errors);
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
