using AfterSales.Interfaces.Cluster;
using Orleans.Serialization.Invocation;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The memory probe forces a compacting GC of the whole silo heap: seconds with a million vehicles active, past the
/// API's 5 s grain-call budget (the million-vehicle benchmark failed on it). Its call carries a budget of its own.
/// </summary>
public sealed class MemoryProbeTimeoutTests
{
    /// <summary>The interface has one method, so Orleans generates one request type for it (named by a hash of the method).</summary>
    [Fact]
    public void CollectAndMeasure_HasATwoMinuteBudget_WhateverTheSilosDefault()
    {
        var invokable = typeof(IMemoryProbeGrain).Assembly.GetTypes()
            .Single(t => typeof(IInvokable).IsAssignableFrom(t) && !t.IsAbstract && t.Name.StartsWith("Invokable_IMemoryProbeGrain_", StringComparison.Ordinal));

        var request = (IInvokable)Activator.CreateInstance(invokable)!;

        Assert.Equal(TimeSpan.FromMinutes(2), request.GetDefaultResponseTimeout());
    }
}
