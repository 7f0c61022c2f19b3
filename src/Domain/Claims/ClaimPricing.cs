using System.Globalization;
using AfterSales.Domain.Catalogue;

namespace AfterSales.Domain.Claims;

/// <summary>A part line of a claim as the appraiser listed it.</summary>
public sealed record ClaimPartLine(string PartNo, int Quantity);

/// <summary>A labour operation of a claim as the appraiser listed it: the catalogue's code, done <see cref="Quantity"/> times.</summary>
public sealed record ClaimOperationLine(string Code, int Quantity);

/// <summary>A priced part line: catalogue price × quantity, and the supplier a defective part is recovered from.</summary>
public sealed record PricedPart(string PartNo, int Quantity, decimal UnitPrice, decimal Amount, string? Supplier);

/// <summary>A priced labour line: catalogue hours × quantity × the station's rate.</summary>
public sealed record PricedOperation(string Code, int Quantity, decimal Hours, decimal Amount);

/// <summary>What a claim is worth (CNY): labour, parts and their total, with the lines and the catalogue version used.</summary>
public sealed record ClaimPrice(
    DateOnly CatalogueVersion, decimal LabourRate, IReadOnlyList<PricedOperation> Operations, IReadOnlyList<PricedPart> Parts)
{
    public decimal Labour => Operations.Sum(o => o.Amount);

    public decimal PartsAmount => Parts.Sum(p => p.Amount);

    public decimal Total => Labour + PartsAmount;
}

/// <summary>
/// Prices a warranty claim from the catalogue version in force on its repair date (domain §3): labour hours from the
/// labour-time catalogue × the station's labour rate, plus parts at catalogue price. A station states what it did
/// (which parts, which operations, how many); the hours, rates and prices are the catalogue's, never the station's.
/// Each line is rounded to the fen (half away from zero) and the totals are sums of the rounded lines, so a
/// statement adds up line by line.
/// </summary>
public static class ClaimPricing
{
    /// <summary>
    /// The price, or null with the problems keyed by line (<c>parts[1].partNo</c>, <c>operations[0].code</c>) when a
    /// line names something the version does not list.
    /// </summary>
    public static ClaimPrice? Price(
        CatalogueVersion version, string stationCode, string? province, IReadOnlyList<ClaimPartLine> parts, IReadOnlyList<ClaimOperationLine> operations,
        out IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(version);
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var rates = version.LabourRates
            ?? throw new InvalidOperationException($"Catalogue version {version.EffectiveFrom:yyyy-MM-dd} states no labour rates; it does not price claims.");
        var rate = rates.RateFor(stationCode, province);
        var pricedParts = new List<PricedPart>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var line = parts[i];
            var field = Text($"parts[{i}].partNo");
            if (version.Find(line.PartNo) is not { Price: { } price } part)
            {
                problems[field] = [Text($"{field}: part {line.PartNo} is not in the catalogue version in force from {version.EffectiveFrom:yyyy-MM-dd}; a warranty claim lists catalogue parts only.")];
                continue;
            }

            pricedParts.Add(new PricedPart(part.PartNo, line.Quantity, price, Round(price * line.Quantity), part.Supplier));
        }

        var pricedOperations = new List<PricedOperation>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            var line = operations[i];
            var field = Text($"operations[{i}].code");
            if (version.FindOperation(line.Code) is not { } operation)
            {
                problems[field] = [Text($"{field}: operation {line.Code} is not in the labour-time catalogue in force from {version.EffectiveFrom:yyyy-MM-dd}.")];
                continue;
            }

            var hours = operation.Hours * line.Quantity;
            pricedOperations.Add(new PricedOperation(operation.Code, line.Quantity, hours, Round(hours * rate)));
        }

        errors = problems;
        return problems.Count > 0 ? null : new ClaimPrice(version.EffectiveFrom, rate, pricedOperations, pricedParts);
    }

    /// <summary>To the fen, half away from zero.</summary>
    public static decimal Round(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What decides whether a claim waits for the warranty department.</summary>
public sealed record ReviewFacts
{
    /// <summary>The appraiser marked the case unclear (疑难).</summary>
    public bool Unclear { get; init; }

    /// <summary>The appraisal found a serious safety fault.</summary>
    public bool SeriousSafety { get; init; }

    /// <summary>A whole unit (engine, gearbox, battery, motor) is replaced.</summary>
    public bool UnitReplacement { get; init; }

    /// <summary>The claim's total (CNY); null when the claim is not priced.</summary>
    public decimal? Total { get; init; }

    /// <summary>Claims above this total (CNY) are reviewed (policy).</summary>
    public required decimal ReviewAbove { get; init; }
}

/// <summary>
/// Which claims go to the warranty department's review queue instead of being decided by rules at once (domain §3,
/// seed 000 §5.3.4, seed 002 §6.2.1): important or unclear cases — the appraiser's "unclear", a serious safety
/// fault, a unit replacement, or a total above the policy limit.
/// </summary>
public static class ClaimReview
{
    /// <summary>The reasons this claim is reviewed; empty when the rules decide it.</summary>
    public static IReadOnlyList<string> Reasons(ReviewFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var reasons = new List<string>();
        if (facts.Unclear)
        {
            reasons.Add("The appraiser marked the case unclear.");
        }

        if (facts.SeriousSafety)
        {
            reasons.Add("A serious safety fault.");
        }

        if (facts.UnitReplacement)
        {
            reasons.Add("A unit replacement.");
        }

        if (facts.Total is { } total && total > facts.ReviewAbove)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"The total {total:N2} CNY is above the review limit of {facts.ReviewAbove:N2} CNY."));
        }

        return reasons;
    }
}
