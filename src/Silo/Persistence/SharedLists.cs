using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// One shared, exactly sized array per distinct content of the small read-only lists of grain state (a visit's parts
/// used, its main parts replaced). A million vehicles' archives hold a few thousand distinct such lists, mostly empty
/// or a maintenance's standard parts; read as they are written, every visit carried a <see cref="List{T}"/> and its
/// over-sized buffer of its own (about 170 bytes a visit). The arrays are only ever read through
/// <see cref="IReadOnlyList{T}"/>, so sharing them is safe. Bounded like <see cref="SharedStrings"/>: past
/// <see cref="Capacity"/> distinct lists, or for lists longer than <see cref="MaxLength"/>, a list is simply not shared.
/// The JSON is the same either way.
/// </summary>
public sealed class SharedLists<T> : JsonConverter<IReadOnlyList<T>>
    where T : notnull
{
    /// <summary>Most distinct lists kept.</summary>
    public const int Capacity = 50_000;

    /// <summary>Longest list shared.</summary>
    public const int MaxLength = 16;

    private readonly ConcurrentDictionary<Content, T[]> _pool = new();

    /// <summary>Distinct lists currently shared.</summary>
    public int Count => _pool.Count;

    public override bool HandleNull => false;

    public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var items = JsonSerializer.Deserialize<T[]>(ref reader, options);
        if (items is null)
        {
            return null;
        }

        if (items.Length == 0)
        {
            return [];
        }

        if (items.Length > MaxLength)
        {
            return items;
        }

        var content = new Content(items);
        return _pool.TryGetValue(content, out var shared) ? shared
            : _pool.Count < Capacity ? _pool.GetOrAdd(content, items)
            : items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);

    /// <summary>An array compared by its elements (records and strings compare by value).</summary>
    private readonly struct Content(T[] items) : IEquatable<Content>
    {
        private readonly T[] _items = items;

        public bool Equals(Content other) => _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

        public override bool Equals(object? obj) => obj is Content other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var item in _items)
            {
                hash.Add(item);
            }

            return hash.ToHashCode();
        }
    }
}
