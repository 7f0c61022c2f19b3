using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Cluster;

/// <summary>
/// Diagnostics for capacity planning and the benchmark: the GC heap after a forced full collection and the
/// activations living in the answering silo. A forced GC pauses the silo, so the HTTP route is off by default.
/// </summary>
[Alias("AfterSales.IMemoryProbeGrain")]
[Version(1)]
public interface IMemoryProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Runs a full blocking GC in the answering silo, then reports its heap and activation counts.</summary>
    /// <remarks>
    /// A compacting collection of a silo holding a million vehicles (several GB) takes longer than the API's 5 s
    /// grain-call budget on two cores, so this call has its own.
    /// </remarks>
    [Alias("CollectAndMeasure")]
    [ResponseTimeout("00:02:00")]
    Task<MemoryReport> CollectAndMeasureAsync();
}

/// <summary>One silo's GC heap (bytes, after a full collection) and its activations by grain type.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.MemoryReport")]
public sealed record class MemoryReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] long HeapBytes,
    [property: Id(2)] int Activations,
    [property: Id(3)] IReadOnlyDictionary<string, int> ActivationsByType);
