using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// One shared instance per distinct value of the low-cardinality text fields of grain state (model, batch,
/// station and dealer codes, fault codes, part numbers, appraisers, work descriptions). Two hundred thousand
/// active vehicles hold a few thousand distinct such values; without sharing, every activation read from storage
/// carried its own copies (about 470 bytes per vehicle). The pool is bounded: past <see cref="Capacity"/> values,
/// or for values longer than <see cref="MaxLength"/>, strings are simply not shared.
/// </summary>
public sealed class SharedStrings : JsonConverter<string>
{
    /// <summary>Most distinct values kept. Default 100,000 (a few MB at most).</summary>
    public const int Capacity = 100_000;

    /// <summary>Longest value shared, in characters. Default 128.</summary>
    public const int MaxLength = 128;

    /// <summary>State property names (any type) whose values repeat across grains.</summary>
    public static readonly IReadOnlySet<string> PropertyNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "Model", "Batch", "DealerCode", "StationCode", "FaultCode", "WorkDone", "Appraiser", "PartNo",
        "MainPartReplaced", "RecallCampaignId", "Region",
    };

    private readonly ConcurrentDictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SharedStrings() => _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Distinct values currently shared.</summary>
    public int Count => _pool.Count;

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (reader.ValueIsEscaped || length > MaxLength * 3)
        {
            return Share(reader.GetString()!);
        }

        Span<char> buffer = stackalloc char[MaxLength * 3];
        var written = reader.CopyString(buffer);
        var chars = buffer[..written];
        return _lookup.TryGetValue(chars, out var shared) ? shared : Share(new string(chars));
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    private string Share(string value) =>
        value.Length <= MaxLength && _pool.Count < Capacity ? _pool.GetOrAdd(value, value) : value;
}
