using System.Collections.Immutable;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Catalogue;

/// <summary>A part the manufacturer lists on the 三包凭证, with its price (CNY per piece) and supplier when the version prices claims.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CataloguePartEntry")]
public sealed record class CataloguePartEntry(
    [property: Id(0)] string PartNo,
    [property: Id(1)] string Name,
    [property: Id(2)] VehicleSystem System,
    [property: Id(3)] decimal? Price = null,
    [property: Id(4)] string? Supplier = null);

/// <summary>An operation of the labour-time catalogue (工时定额) and the hours it is paid for.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.LabourOperationEntry")]
public sealed record class LabourOperationEntry(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] VehicleSystem System,
    [property: Id(3)] decimal Hours);

/// <summary>Labour rates, CNY per hour: a station's own, else its province's, else the default.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.LabourRatesEntry")]
public sealed record class LabourRatesEntry(
    [property: Id(0)] decimal Default,
    [property: Id(1)] IReadOnlyDictionary<string, decimal> Provinces,
    [property: Id(2)] IReadOnlyDictionary<string, decimal> Stations);

/// <summary>A wear part's own warranty period, for the models named (empty: every model).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.WearPartEntry")]
public sealed record class WearPartEntry(
    [property: Id(0)] string PartNo,
    [property: Id(1)] int Months,
    [property: Id(2)] int Km,
    [property: Id(3)] IReadOnlyList<string> Models);

/// <summary>
/// One version of the main-part and wear-part catalogue, in force from <see cref="EffectiveFrom"/> until the next
/// version: the parts, which of them are main parts of which system, and the wear parts' periods.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CatalogueDocument")]
public sealed record class CatalogueDocument(
    [property: Id(0)] DateOnly EffectiveFrom,
    [property: Id(1)] IReadOnlyList<CataloguePartEntry> Parts,
    [property: Id(2)] IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>> MainParts,
    [property: Id(3)] IReadOnlyList<WearPartEntry> WearParts,
    [property: Id(4)] IReadOnlyList<LabourOperationEntry>? LabourOperations = null,
    [property: Id(5)] LabourRatesEntry? LabourRates = null);

/// <summary>Every version of the catalogue, with a revision that grows with every change.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CatalogueSnapshot")]
public sealed record class CatalogueSnapshot(
    [property: Id(0)] int Revision,
    [property: Id(1)] ImmutableArray<CatalogueDocument> Versions);

/// <summary>A version as listed: its start and how much it holds.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CatalogueVersionSummary")]
public sealed record class CatalogueVersionSummary(
    [property: Id(0)] DateOnly EffectiveFrom,
    [property: Id(1)] int Parts,
    [property: Id(2)] int MainParts,
    [property: Id(3)] int WearParts);

/// <summary>
/// The national main-part and wear-part catalogue (policy data an operator maintains), keyed
/// <see cref="PartsCatalogueKeys.National"/>. Every silo keeps a copy that vehicles and stations read in memory; a
/// change is pushed to every silo's copy before it is acknowledged.
/// </summary>
[Alias("AfterSales.IPartsCatalogueGrain")]
[Version(1)]
public interface IPartsCatalogueGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the version that starts on the document's date; a document that makes no sense is refused naming the field.</summary>
    [Alias("PutVersion")]
    Task<Outcome<CatalogueDocument>> PutVersionAsync(CatalogueDocument document, string? idempotencyKey);

    /// <summary>The version that starts on <paramref name="effectiveFrom"/>.</summary>
    [Alias("GetVersion")]
    Task<Outcome<CatalogueDocument>> GetVersionAsync(DateOnly effectiveFrom);

    /// <summary>Every version, oldest first.</summary>
    [Alias("List")]
    Task<ImmutableArray<CatalogueVersionSummary>> ListAsync();

    /// <summary>Every version (a silo's copy asks when it starts and cannot wait for a push).</summary>
    [Alias("GetSnapshot"), Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly]
    Task<CatalogueSnapshot> GetSnapshotAsync();

    /// <summary>
    /// A silo subscribes (or renews) its copy; the catalogue answers with every version when the copy's revision is
    /// behind, else null.
    /// </summary>
    [Alias("Sync"), Orleans.Concurrency.AlwaysInterleave]
    Task<CatalogueSnapshot?> SyncAsync(SiloAddress silo, IPartsCatalogueObserver copy, int knownRevision);
}

/// <summary>A silo's copy of the catalogue, told of every change.</summary>
[Alias("AfterSales.IPartsCatalogueObserver")]
[Version(1)]
public interface IPartsCatalogueObserver : IGrainObserver
{
    [Alias("Update")]
    Task UpdateAsync(CatalogueSnapshot snapshot);
}

public static class PartsCatalogueKeys
{
    /// <summary>The one catalogue of the network.</summary>
    public const string National = "national";
}
