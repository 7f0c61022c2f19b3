using AfterSales.Interfaces.Cluster;
using AfterSales.Interfaces.Common;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace AfterSales.Grains.Cluster;

/// <summary>Runs where it is called (stateless worker): measures the silo that hosts the caller's gateway.</summary>
[StatelessWorker(1)]
public sealed class MemoryProbeGrain(ILocalSiloDetails silo) : Grain, IMemoryProbeGrain
{
    public async Task<MemoryReport> CollectAndMeasureAsync()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);

        var statistics = await GrainFactory.Grain<IManagementGrain>(0).GetSimpleGrainStatistics([silo.SiloAddress]);
        var byType = statistics
            .GroupBy(s => s.GrainType, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
        return new MemoryReport(silo.Name, heap, byType.Values.Sum(), byType);
    }
}
