namespace AfterSales.Interfaces.Common;

/// <summary>
/// Grain references without Orleans' per-call type resolution. <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c> works out
/// the interface's grain type names from its attributes, by reflection, on every call (Orleans 10.4 keeps no cache):
/// 7 % of the API host's CPU on the warranty path (bench/profiling.md). Those names cannot change while the process
/// runs, so they are worked out once per interface, by Orleans itself, and each reference is made from them.
/// </summary>
public static class GrainReferences
{
    /// <summary>The grain of interface <typeparamref name="T"/> with string key <paramref name="key"/>; same as <c>GetGrain&lt;T&gt;(key)</c>.</summary>
    public static T Grain<T>(this IGrainFactory factory, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var kind = Kind<T>.Of(factory);
        return (T)factory.GetGrain(GrainId.Create(kind.GrainType, key), kind.InterfaceType);
    }

    /// <summary>The grain of interface <typeparamref name="T"/> with integer key <paramref name="key"/>; same as <c>GetGrain&lt;T&gt;(key)</c>.</summary>
    public static T Grain<T>(this IGrainFactory factory, long key)
        where T : IGrainWithIntegerKey
    {
        ArgumentNullException.ThrowIfNull(factory);
        var kind = Kind<T>.Of(factory);
        return (T)factory.GetGrain(GrainId.Create(kind.GrainType, GrainIdKeyExtensions.CreateIntegerKey(key)), kind.InterfaceType);
    }

    private sealed record GrainKind(GrainType GrainType, GrainInterfaceType InterfaceType);

    private static class Kind<T>
        where T : IAddressable
    {
        // A reference, so publishing it is atomic; two threads racing both compute the same value. Kept for the
        // process's life: a deployment that adds a grain class for an interface restarts its clients anyway.
        private static GrainKind? resolved;

        public static GrainKind Of(IGrainFactory factory) => resolved ??= Resolve(factory);

        private static GrainKind Resolve(IGrainFactory factory)
        {
            var sample = typeof(IGrainWithStringKey).IsAssignableFrom(typeof(T))
                ? factory.GetGrain(typeof(T), "resolve")
                : factory.GetGrain(typeof(T), 0L);
            var reference = (GrainReference)sample;
            return new GrainKind(reference.GrainId.Type, reference.InterfaceType);
        }
    }
}
