using System.Collections.Immutable;
using AfterSales.Domain.Catalogue;
using AfterSales.Interfaces.Catalogue;
using DomainSystem = AfterSales.Domain.Repairs.VehicleSystem;

namespace AfterSales.Grains.Catalogue;

/// <summary>Between the catalogue's wire documents and the pure catalogue rules (systems share names and values on both sides).</summary>
public static class CatalogueMapping
{
    /// <summary>The domain version of <paramref name="document"/>, or the problems with it keyed by field.</summary>
    public static CatalogueVersion? ToVersion(this CatalogueDocument document, out IReadOnlyDictionary<string, string[]> errors) =>
        CatalogueVersion.Create(
            document.EffectiveFrom,
            [.. document.Parts.Select(p => new CataloguePart(p.PartNo, p.Name, (DomainSystem)(int)p.System, p.Price, p.Supplier))],
            document.MainParts.ToDictionary(e => (DomainSystem)(int)e.Key, e => e.Value),
            [.. document.WearParts.Select(w => new WearPartTerm(w.PartNo, w.Months, w.Km, w.Models))],
            [.. (document.LabourOperations ?? []).Select(o => new LabourOperation(o.Code, o.Name, (DomainSystem)(int)o.System, o.Hours))],
            document.LabourRates is { } rates ? new LabourRates(rates.Default, rates.Provinces, rates.Stations) : null,
            out errors);

    /// <summary>The document of a valid version, spelled as the catalogue normalised it.</summary>
    public static CatalogueDocument ToDocument(this CatalogueVersion version) => new(
        version.EffectiveFrom,
        [.. version.Parts.Select(p => new CataloguePartEntry(p.PartNo, p.Name, (Interfaces.Vehicles.VehicleSystem)(int)p.System, p.Price, p.Supplier))],
        version.MainParts.ToDictionary(e => (Interfaces.Vehicles.VehicleSystem)(int)e.Key, e => e.Value),
        [.. version.WearParts.Select(w => new WearPartEntry(w.PartNo, w.Months, w.Km, [.. w.Models]))],
        version.LabourOperations.Count == 0 ? null : [.. version.LabourOperations.Select(o => new LabourOperationEntry(o.Code, o.Name, (Interfaces.Vehicles.VehicleSystem)(int)o.System, o.Hours))],
        version.LabourRates is { } rates
            ? new LabourRatesEntry(rates.Default, new SortedDictionary<string, decimal>(rates.Provinces.ToDictionary(), StringComparer.Ordinal), new SortedDictionary<string, decimal>(rates.Stations.ToDictionary(), StringComparer.Ordinal))
            : null);

    /// <summary>The whole catalogue of a snapshot (its documents were validated when stored).</summary>
    public static PartsCatalogue ToCatalogue(this ImmutableArray<CatalogueDocument> documents) =>
        new(documents.Select(d => d.ToVersion(out _)).OfType<CatalogueVersion>());
}
