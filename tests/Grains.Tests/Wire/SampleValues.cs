using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using Orleans.Serialization.Invocation;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>
/// Builds a representative value of a contract type with something other than the default in every field, so a sample
/// proves that each field travels: strings named after their member, numbers counted up, dates apart, a non-zero enum
/// member, two entries in every collection. Deterministic: the same build writes the same samples.
/// </summary>
/// <remarks>
/// Grain references (an observer passed to a Sync call) stay null: reading one back needs a running cluster's
/// reference activator, and what they carry is Orleans' own format, not ours.
/// </remarks>
public sealed class SampleValues
{
    private const int CollectionSize = 2;
    private const int MaxDepth = 8;
    private static readonly DateOnly FirstDate = new(2026, 1, 1);
    private static readonly DateTimeOffset FirstInstant = new(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private int _counter;

    /// <summary>A value of <paramref name="type"/>; <paramref name="hint"/> (the member's name) goes into strings.</summary>
    public object? Create(Type type, string hint) => Create(type, hint, depth: 0);

    /// <summary>The call of <paramref name="invokableType"/> (a generated grain-call type) with every argument filled.</summary>
    public IInvokable CreateCall(Type invokableType)
    {
        var call = (IInvokable)Activator.CreateInstance(invokableType)!;
        var parameters = call.GetMethod().GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            call.SetArgument(i, Create(parameters[i].ParameterType, parameters[i].Name ?? $"arg{i}")!);
        }

        return call;
    }

    private int Next() => ++_counter;

    private object? Create(Type type, string hint, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new NotSupportedException($"{type} nests deeper than {MaxDepth} levels: a recursive contract type needs its own sample rule.");
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying, hint, depth);
        }

        if (typeof(IAddressable).IsAssignableFrom(type))
        {
            return null;
        }

        var n = Next();
        if (Scalar(type, hint, n) is { } scalar)
        {
            return scalar;
        }

        if (type.IsEnum)
        {
            // Never the zero member: a zero would read back the same even if the field were dropped.
            var members = Enum.GetValues(type).Cast<object>().Where(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) != 0).ToArray();
            return members.Length == 0 ? Enum.GetValues(type).GetValue(0) : members[n % members.Length];
        }

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, CollectionSize);
            for (var i = 0; i < CollectionSize; i++)
            {
                array.SetValue(Create(element, hint, depth + 1), i);
            }

            return array;
        }

        if (type.IsGenericType && Collection(type, hint, depth) is { } collection)
        {
            return collection;
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return Activator.CreateInstance(type, $"{hint}-{n}: the database did not answer");
        }

        if (WireCatalogue.IsContractType(type))
        {
            return Record(type, depth);
        }

        throw new NotSupportedException($"No sample rule for {type} (member {hint}): add one to {nameof(SampleValues)}.");
    }

    private static object? Scalar(Type type, string hint, int n) => type switch
    {
        _ when type == typeof(string) => $"{hint}-{n}",
        _ when type == typeof(bool) => true,
        _ when type == typeof(int) => n,
        _ when type == typeof(long) => 10_000_000_000L + n,
        _ when type == typeof(short) => (short)n,
        _ when type == typeof(byte) => (byte)n,
        _ when type == typeof(uint) => (uint)n,
        _ when type == typeof(ulong) => (ulong)n,
        _ when type == typeof(ushort) => (ushort)n,
        // Two decimal places with a trailing zero: the scale must survive the trip ("12.50", not "12.5").
        _ when type == typeof(decimal) => new decimal(n * 100 + 50, 0, 0, false, 2),
        _ when type == typeof(double) => n + 0.125,
        _ when type == typeof(float) => n + 0.25f,
        _ when type == typeof(DateOnly) => FirstDate.AddDays(n),
        _ when type == typeof(DateTimeOffset) => FirstInstant.AddMinutes(n * 7),
        _ when type == typeof(DateTime) => FirstInstant.UtcDateTime.AddMinutes(n * 7),
        _ when type == typeof(TimeSpan) => TimeSpan.FromMinutes(n),
        _ when type == typeof(Guid) => new Guid(n, 0, 0, new byte[8]),
        _ when type == typeof(SiloAddress) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_110 + n), n),
        _ => null,
    };

    private object? Collection(Type type, string hint, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        string? builder = definition switch
        {
            _ when definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>) => nameof(ListOf),
            _ when definition == typeof(ImmutableArray<>) => nameof(ImmutableArrayOf),
            _ when definition == typeof(ImmutableList<>) => nameof(ImmutableListOf),
            _ when definition == typeof(ImmutableSortedSet<>) => nameof(ImmutableSortedSetOf),
            _ when definition == typeof(ImmutableHashSet<>) => nameof(ImmutableHashSetOf),
            _ when definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>) => nameof(HashSetOf),
            _ when definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) => nameof(DictionaryOf),
            _ when definition == typeof(ImmutableSortedDictionary<,>) => nameof(ImmutableSortedDictionaryOf),
            _ when definition == typeof(ImmutableDictionary<,>) => nameof(ImmutableDictionaryOf),
            _ => null,
        };
        if (builder is null)
        {
            return null;
        }

        var method = typeof(SampleValues).GetMethod(builder, BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(arguments);
        return method.Invoke(this, [hint, depth + 1]);
    }

    private List<T> Items<T>(string hint, int depth)
    {
        // Distinct items, for sets and dictionary keys; an enum with one non-zero member gives only one.
        var items = new List<T>(CollectionSize);
        for (var attempt = 0; attempt < CollectionSize * 4 && items.Count < CollectionSize; attempt++)
        {
            var item = (T)Create(typeof(T), hint, depth)!;
            if (!items.Contains(item))
            {
                items.Add(item);
            }
        }

        return items;
    }

    private List<T> ListOf<T>(string hint, int depth) => Items<T>(hint, depth);

    private ImmutableArray<T> ImmutableArrayOf<T>(string hint, int depth) => [.. Items<T>(hint, depth)];

    private ImmutableList<T> ImmutableListOf<T>(string hint, int depth) => [.. Items<T>(hint, depth)];

    private ImmutableSortedSet<T> ImmutableSortedSetOf<T>(string hint, int depth) => [.. Items<T>(hint, depth)];

    private ImmutableHashSet<T> ImmutableHashSetOf<T>(string hint, int depth) => [.. Items<T>(hint, depth)];

    private HashSet<T> HashSetOf<T>(string hint, int depth) => [.. Items<T>(hint, depth)];

    private List<KeyValuePair<TKey, TValue>> Pairs<TKey, TValue>(string hint, int depth)
        where TKey : notnull =>
        [.. Items<TKey>(hint + "Key", depth).Select(key => KeyValuePair.Create(key, (TValue)Create(typeof(TValue), hint, depth)!))];

    private Dictionary<TKey, TValue> DictionaryOf<TKey, TValue>(string hint, int depth)
        where TKey : notnull => new(Pairs<TKey, TValue>(hint, depth));

    private ImmutableSortedDictionary<TKey, TValue> ImmutableSortedDictionaryOf<TKey, TValue>(string hint, int depth)
        where TKey : notnull => ImmutableSortedDictionary.CreateRange(Pairs<TKey, TValue>(hint, depth));

    private ImmutableDictionary<TKey, TValue> ImmutableDictionaryOf<TKey, TValue>(string hint, int depth)
        where TKey : notnull => ImmutableDictionary.CreateRange(Pairs<TKey, TValue>(hint, depth));

    /// <summary>A record through its widest constructor, then any serialized member the constructor left out.</summary>
    private object Record(Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new NotSupportedException($"{type} has no public constructor to build a sample with.");
        var parameters = constructor.GetParameters();
        var value = constructor.Invoke([.. parameters.Select(p => Create(p.ParameterType, p.Name!, depth + 1))]);

        var set = parameters.Select(p => p.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var member in WireCatalogue.SerializedMembers(type).Where(m => !set.Contains(m.Member.Name)))
        {
            switch (member.Member)
            {
                case PropertyInfo { CanWrite: true } property:
                    property.SetValue(value, Create(property.PropertyType, property.Name, depth + 1));
                    break;
                case FieldInfo field:
                    field.SetValue(value, Create(field.FieldType, field.Name, depth + 1));
                    break;
                default:
                    throw new NotSupportedException($"{type}.{member.Member.Name} is serialized but neither a constructor parameter nor settable.");
            }
        }

        return value;
    }
}
