using AfterSales.Interfaces.Cluster;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace AfterSales.Grains.Cluster;

/// <summary>Stateless and local to the gateway silo: a readiness probe must not depend on any one silo.</summary>
[StatelessWorker]
public sealed class ClusterProbeGrain(ILocalSiloDetails silo, TimeProvider time) : Grain, IClusterProbeGrain
{
    public Task<ProbeReply> PingAsync() => Task.FromResult(new ProbeReply(silo.Name, time.GetUtcNow()));
}
