using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Catalogue;

/// <summary>
/// A part the manufacturer lists on the 三包凭证: its number, name and the system it belongs to; for pricing warranty
/// claims, its price (CNY per piece) and the supplier a defective one is recovered from.
/// </summary>
public sealed record CataloguePart(string PartNo, string Name, VehicleSystem System, decimal? Price = null, string? Supplier = null);

/// <summary>A repair operation of the labour-time catalogue (工时定额): its code and the hours it is paid for.</summary>
public sealed record LabourOperation(string Code, string Name, VehicleSystem System, decimal Hours);

/// <summary>
/// Labour rates (CNY per hour): a station's own rate wins, then its province's, then the national default.
/// Province names and station codes are compared case-insensitively.
/// </summary>
public sealed record LabourRates(decimal Default, IReadOnlyDictionary<string, decimal> Provinces, IReadOnlyDictionary<string, decimal> Stations)
{
    /// <summary>The rate a repair at <paramref name="stationCode"/> (in <paramref name="province"/>) is paid at.</summary>
    public decimal RateFor(string stationCode, string? province)
    {
        foreach (var (code, rate) in Stations)
        {
            if (string.Equals(code, stationCode, StringComparison.OrdinalIgnoreCase))
            {
                return rate;
            }
        }

        foreach (var (name, rate) in Provinces)
        {
            if (province is not null && string.Equals(name, province, StringComparison.OrdinalIgnoreCase))
            {
                return rate;
            }
        }

        return Default;
    }
}

/// <summary>
/// A wear part (易损耗零部件: wiper blades, bulbs, brake pads, fuses, tyres …) with its own, shorter warranty of
/// <see cref="Months"/> months or <see cref="Km"/> km from the coverage start, for the <see cref="Models"/> named
/// (empty: every model).
/// </summary>
public sealed record WearPartTerm(string PartNo, int Months, int Km, IReadOnlyList<string> Models)
{
    /// <summary>True when the term applies to vehicles of <paramref name="model"/>.</summary>
    public bool AppliesTo(string model) => Models.Count == 0 || Models.Contains(model, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// One version of the main-part and wear-part catalogue (policy data an operator maintains), in force from
/// <see cref="EffectiveFrom"/> until the next version. A part that is not listed as a main part of a system is not a
/// main part (三包 Art. 20, 22, 24(3): main parts are the ones the manufacturer lists on the 三包凭证). Part numbers are
/// compared case-insensitively. Build one with <see cref="Create"/>, which refuses a document that makes no sense.
/// </summary>
public sealed class CatalogueVersion
{
    /// <summary>Longest part number, in characters.</summary>
    public const int MaxPartNoLength = 40;

    /// <summary>Most parts one version may list.</summary>
    public const int MaxParts = 20_000;

    private readonly FrozenDictionary<string, CataloguePart> _parts;
    private readonly FrozenDictionary<VehicleSystem, FrozenSet<string>> _mainParts;
    private readonly ConcurrentDictionary<string, IReadOnlyList<WearPartTerm>> _wearPartsByModel = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Most labour operations one version may list.</summary>
    public const int MaxOperations = 20_000;

    /// <summary>Highest part price, labour rate or operation time a version accepts (a typo guard, not a business rule).</summary>
    public const decimal MaxAmount = 10_000_000m;

    private readonly FrozenDictionary<string, LabourOperation> _operations;

    private CatalogueVersion(
        DateOnly effectiveFrom, IReadOnlyList<CataloguePart> parts, IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>> mainParts, IReadOnlyList<WearPartTerm> wearParts,
        IReadOnlyList<LabourOperation> labourOperations, LabourRates? labourRates)
    {
        EffectiveFrom = effectiveFrom;
        Parts = parts;
        MainParts = mainParts;
        WearParts = wearParts;
        LabourOperations = labourOperations;
        LabourRates = labourRates;
        _operations = labourOperations.ToFrozenDictionary(o => o.Code, StringComparer.OrdinalIgnoreCase);
        _parts = parts.ToFrozenDictionary(p => p.PartNo, StringComparer.OrdinalIgnoreCase);
        _mainParts = mainParts.ToFrozenDictionary(e => e.Key, e => e.Value.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The first day this version is in force.</summary>
    public DateOnly EffectiveFrom { get; }

    /// <summary>Every part the version names.</summary>
    public IReadOnlyList<CataloguePart> Parts { get; }

    /// <summary>Main parts per system (only the Art. 24(3) systems have them).</summary>
    public IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>> MainParts { get; }

    /// <summary>Wear parts with their warranty terms.</summary>
    public IReadOnlyList<WearPartTerm> WearParts { get; }

    /// <summary>The labour-time catalogue: operations and their paid hours.</summary>
    public IReadOnlyList<LabourOperation> LabourOperations { get; }

    /// <summary>The labour rates; null when this version does not price claims.</summary>
    public LabourRates? LabourRates { get; }

    /// <summary>
    /// True when this version prices warranty claims (it states labour rates): every part and operation a claim
    /// names must then be in it, with a price.
    /// </summary>
    public bool PricesClaims => LabourRates is not null;

    /// <summary>The listed labour operation, or null.</summary>
    public LabourOperation? FindOperation(string code) => _operations.GetValueOrDefault(code.Trim());

    /// <summary>
    /// A version from the operator's document, or the problems with it keyed by field (<c>parts[3].partNo</c>,
    /// <c>mainParts.engine[1]</c>, <c>wearParts[2]</c> …). Part numbers are trimmed and upper-cased.
    /// </summary>
    public static CatalogueVersion? Create(
        DateOnly effectiveFrom,
        IReadOnlyList<CataloguePart> parts,
        IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>> mainParts,
        IReadOnlyList<WearPartTerm> wearParts,
        out IReadOnlyDictionary<string, string[]> errors) =>
        Create(effectiveFrom, parts, mainParts, wearParts, [], null, out errors);

    /// <summary>
    /// As above, with the pricing data: labour operations (<c>labourOperations[2].hours</c> …) and labour rates
    /// (<c>labourRates.stations.GD001</c> …). A version that states rates prices claims, so each of its parts must
    /// then have a price.
    /// </summary>
    public static CatalogueVersion? Create(
        DateOnly effectiveFrom,
        IReadOnlyList<CataloguePart> parts,
        IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>> mainParts,
        IReadOnlyList<WearPartTerm> wearParts,
        IReadOnlyList<LabourOperation> labourOperations,
        LabourRates? labourRates,
        out IReadOnlyDictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!problems.TryGetValue(field, out var list))
            {
                problems[field] = list = [];
            }

            list.Add(message);
        }

        if (parts.Count > MaxParts)
        {
            Add("parts", Text($"parts may list at most {MaxParts:N0} parts; it lists {parts.Count:N0}."));
        }

        var known = new Dictionary<string, (CataloguePart Part, int Index)>(StringComparer.OrdinalIgnoreCase);
        var normalizedParts = new List<CataloguePart>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var partNo = Normalize(part.PartNo);
            if (!IsPartNo(partNo))
            {
                Add(Text($"parts[{i}].partNo"), Text($"parts[{i}].partNo must be 1–{MaxPartNoLength} letters, digits, '-', '_' or '.'."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(part.Name) || part.Name.Trim().Length > 100)
            {
                Add(Text($"parts[{i}].name"), Text($"parts[{i}].name is required (at most 100 characters)."));
            }

            if (!Enum.IsDefined(part.System))
            {
                Add(Text($"parts[{i}].system"), Text($"parts[{i}].system is not a vehicle system."));
            }

            if (known.TryGetValue(partNo, out var first))
            {
                Add(Text($"parts[{i}].partNo"), Text($"parts[{i}].partNo {partNo} is already listed at parts[{first.Index}]."));
                continue;
            }

            if (part.Price is { } price && (price < 0 || price > MaxAmount || decimal.Round(price, 2) != price))
            {
                Add(Text($"parts[{i}].price"), Text($"parts[{i}].price must be 0–{MaxAmount:N0} CNY with at most 2 decimals; it is {price}."));
            }
            else if (part.Price is null && labourRates is not null)
            {
                Add(Text($"parts[{i}].price"), Text($"parts[{i}].price is required: this version states labour rates, so it prices claims, and part {partNo} has no price."));
            }

            var supplier = part.Supplier?.Trim();
            if (supplier is { Length: 0 or > 64 })
            {
                Add(Text($"parts[{i}].supplier"), Text($"parts[{i}].supplier must be 1–64 characters when given."));
            }

            var normalized = new CataloguePart(partNo, part.Name?.Trim() ?? "", part.System, part.Price, string.IsNullOrEmpty(supplier) ? null : supplier);
            known[partNo] = (normalized, i);
            normalizedParts.Add(normalized);
        }

        var normalizedMain = new Dictionary<VehicleSystem, IReadOnlyList<string>>();
        foreach (var (system, list) in mainParts.OrderBy(e => e.Key))
        {
            var key = "mainParts." + SystemKey(system);
            if (!WarrantyRules.HasArticle24MainParts(system))
            {
                Add(key, Text($"{key}: {SystemKey(system)} has no main parts under 三包 Art. 24(3); main parts belong to the engine, gearbox, traction battery, drive motor, steering, brakes, suspension, drivetrain, emission control or body."));
                continue;
            }

            var kept = new List<string>();
            for (var j = 0; j < list.Count; j++)
            {
                var field = Text($"{key}[{j}]");
                var partNo = Normalize(list[j]);
                if (!known.TryGetValue(partNo, out var entry))
                {
                    Add(field, Text($"{field}: part {partNo} is not listed in parts."));
                }
                else if (entry.Part.System != system)
                {
                    Add(field, Text($"{field}: part {partNo} belongs to the {SystemKey(entry.Part.System)} (parts[{entry.Index}]), not the {SystemKey(system)}."));
                }
                else if (kept.Contains(partNo, StringComparer.OrdinalIgnoreCase))
                {
                    Add(field, Text($"{field}: part {partNo} is listed twice."));
                }
                else
                {
                    kept.Add(partNo);
                }
            }

            normalizedMain[system] = kept;
        }

        var normalizedWear = new List<WearPartTerm>(wearParts.Count);
        for (var k = 0; k < wearParts.Count; k++)
        {
            var term = wearParts[k];
            var field = Text($"wearParts[{k}]");
            var partNo = Normalize(term.PartNo);
            if (!known.ContainsKey(partNo))
            {
                Add(field + ".partNo", Text($"{field}.partNo: part {partNo} is not listed in parts."));
            }

            if (term.Months is < 1 or > 120)
            {
                Add(field + ".months", Text($"{field}.months must be 1–120; it is {term.Months}."));
            }

            if (term.Km is < 1 or > 1_000_000)
            {
                Add(field + ".km", Text($"{field}.km must be 1–1,000,000; it is {term.Km}."));
            }

            var models = term.Models.Select(m => m?.Trim() ?? "").ToList();
            if (models.Any(m => m.Length is 0 or > 64))
            {
                Add(field + ".models", Text($"{field}.models must name models of 1–64 characters."));
            }

            var overlapping = normalizedWear.FindIndex(other =>
                string.Equals(other.PartNo, partNo, StringComparison.OrdinalIgnoreCase)
                && (other.Models.Count == 0 || models.Count == 0 || other.Models.Intersect(models, StringComparer.OrdinalIgnoreCase).Any()));
            if (overlapping >= 0)
            {
                Add(field, Text($"{field}: the wear-part period of {partNo} overlaps wearParts[{overlapping}] (the same part for the same models); give each model one period."));
            }

            normalizedWear.Add(new WearPartTerm(partNo, term.Months, term.Km, models));
        }

        if (labourOperations.Count > MaxOperations)
        {
            Add("labourOperations", Text($"labourOperations may list at most {MaxOperations:N0} operations; it lists {labourOperations.Count:N0}."));
        }

        var normalizedOperations = new List<LabourOperation>(labourOperations.Count);
        var operationIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var k = 0; k < labourOperations.Count; k++)
        {
            var operation = labourOperations[k];
            var field = Text($"labourOperations[{k}]");
            var code = Normalize(operation.Code);
            if (!IsPartNo(code))
            {
                Add(field + ".code", Text($"{field}.code must be 1–{MaxPartNoLength} letters, digits, '-', '_' or '.'."));
                continue;
            }

            if (operationIndex.TryGetValue(code, out var firstIndex))
            {
                Add(field + ".code", Text($"{field}.code {code} is already listed at labourOperations[{firstIndex}]."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(operation.Name) || operation.Name.Trim().Length > 100)
            {
                Add(field + ".name", Text($"{field}.name is required (at most 100 characters)."));
            }

            if (!Enum.IsDefined(operation.System))
            {
                Add(field + ".system", Text($"{field}.system is not a vehicle system."));
            }

            if (operation.Hours <= 0 || operation.Hours > 1_000 || decimal.Round(operation.Hours, 2) != operation.Hours)
            {
                Add(field + ".hours", Text($"{field}.hours must be more than 0 and at most 1,000, with at most 2 decimals; it is {operation.Hours}."));
            }

            operationIndex[code] = k;
            normalizedOperations.Add(new LabourOperation(code, operation.Name?.Trim() ?? "", operation.System, operation.Hours));
        }

        LabourRates? normalizedRates = null;
        if (labourRates is not null)
        {
            void Rate(string field, decimal rate)
            {
                if (rate <= 0 || rate > MaxAmount || decimal.Round(rate, 2) != rate)
                {
                    Add(field, Text($"{field} must be more than 0 and at most {MaxAmount:N0} CNY per hour, with at most 2 decimals; it is {rate}."));
                }
            }

            Rate("labourRates.default", labourRates.Default);
            var provinces = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var (name, rate) in labourRates.Provinces)
            {
                var field = "labourRates.provinces." + name;
                if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 40)
                {
                    Add(field, Text($"{field}: a province name is 1–40 characters."));
                    continue;
                }

                Rate(field, rate);
                provinces[name.Trim()] = rate;
            }

            var stations = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var (code, rate) in labourRates.Stations)
            {
                var field = "labourRates.stations." + code;
                var normalizedCode = Normalize(code);
                if (normalizedCode.Length is 0 or > 32 || !normalizedCode.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    Add(field, Text($"{field}: a station code is 1–32 letters, digits, '-' or '_'."));
                    continue;
                }

                Rate(field, rate);
                stations[normalizedCode] = rate;
            }

            normalizedRates = new LabourRates(labourRates.Default, provinces, stations);
        }

        errors = problems.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        return problems.Count > 0 ? null : new CatalogueVersion(effectiveFrom, normalizedParts, normalizedMain, normalizedWear, normalizedOperations, normalizedRates);
    }

    /// <summary>The listed part, or null.</summary>
    public CataloguePart? Find(string partNo) => _parts.GetValueOrDefault(partNo.Trim());

    /// <summary>True when the catalogue lists <paramref name="partNo"/> as a main part of <paramref name="system"/>.</summary>
    public bool IsMainPart(VehicleSystem system, string partNo) =>
        _mainParts.TryGetValue(system, out var set) && set.Contains(partNo.Trim());

    /// <summary>The main parts of <paramref name="system"/> among <paramref name="partNos"/>, each once, as the catalogue spells them.</summary>
    public IReadOnlyList<string> MainPartsAmong(VehicleSystem system, IEnumerable<string> partNos)
    {
        if (!_mainParts.TryGetValue(system, out var set))
        {
            return [];
        }

        var found = new List<string>();
        foreach (var partNo in partNos)
        {
            if (set.TryGetValue(partNo.Trim(), out var listed) && !found.Contains(listed, StringComparer.Ordinal))
            {
                found.Add(listed);
            }
        }

        return found;
    }

    /// <summary>The wear-part terms for vehicles of <paramref name="model"/> (worked out once per model: every warranty answer asks).</summary>
    public IReadOnlyList<WearPartTerm> WearPartsFor(string model) =>
        WearParts.Count == 0 ? [] : _wearPartsByModel.GetOrAdd(model, m => [.. WearParts.Where(t => t.AppliesTo(m))]);

    /// <summary>The camelCase name of a system, as the API spells it.</summary>
    public static string SystemKey(VehicleSystem system) => system switch
    {
        VehicleSystem.TractionBattery => "tractionBattery",
        VehicleSystem.DriveMotor => "driveMotor",
        VehicleSystem.EmissionControl => "emissionControl",
        _ => system.ToString().ToLowerInvariant(),
    };

    private static string Normalize(string? partNo) => (partNo ?? "").Trim().ToUpperInvariant();

    private static bool IsPartNo(string partNo) =>
        partNo.Length is >= 1 and <= MaxPartNoLength && partNo.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Every version of the catalogue, oldest first; the one in force on a date is the latest that started by then.</summary>
public sealed class PartsCatalogue
{
    private readonly CatalogueVersion[] _versions;

    /// <summary>The catalogue of <paramref name="versions"/> (any order; one per effective date).</summary>
    public PartsCatalogue(IEnumerable<CatalogueVersion> versions)
    {
        _versions = [.. versions.OrderBy(v => v.EffectiveFrom)];
    }

    /// <summary>No catalogue loaded: no part is a main part, no wear part has a term.</summary>
    public static PartsCatalogue Empty { get; } = new([]);

    /// <summary>The versions, oldest first.</summary>
    public IReadOnlyList<CatalogueVersion> Versions => _versions;

    /// <summary>The version in force on <paramref name="date"/>, or null before the first one.</summary>
    public CatalogueVersion? VersionOn(DateOnly date)
    {
        CatalogueVersion? inForce = null;
        foreach (var version in _versions)
        {
            if (version.EffectiveFrom > date)
            {
                break;
            }

            inForce = version;
        }

        return inForce;
    }
}
