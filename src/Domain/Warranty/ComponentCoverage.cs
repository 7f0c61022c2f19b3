using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Warranty;

/// <summary>An OEM component warranty (e.g. traction battery 8 years / 150,000 km), from the same start date.</summary>
public sealed record ComponentCoverage
{
    /// <summary>The coverage name reported by the warranty query, e.g. <c>tractionBattery</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Powertrains it applies to.</summary>
    public IReadOnlyList<Powertrain> Powertrains { get; init; } = [];

    /// <summary>Models it applies to; empty means every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Months from the start date.</summary>
    public int Months { get; init; }

    /// <summary>Km limit, reached at this reading.</summary>
    public int Km { get; init; }

    /// <summary>True when the coverage applies to a vehicle of this model and powertrain.</summary>
    public bool AppliesTo(string model, Powertrain powertrain) =>
        Powertrains.Contains(powertrain)
        && (Models.Count == 0 || Models.Contains(model, StringComparer.OrdinalIgnoreCase));
}
