using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Cluster;

/// <summary>Answers readiness probes from whichever silo is nearest: proves the cluster executes grain calls.</summary>
[Alias("AfterSales.IClusterProbeGrain")]
[Version(1)]
public interface IClusterProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the name of the silo that answered.</summary>
    [Alias("Ping")]
    Task<ProbeReply> PingAsync();
}

[GenerateSerializer, Immutable, Alias("AfterSales.ProbeReply")]
public sealed record class ProbeReply([property: Id(0)] string Silo, [property: Id(1)] DateTimeOffset AnsweredAt);
