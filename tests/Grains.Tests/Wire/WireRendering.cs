using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Orleans.Serialization.Invocation;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>
/// A value as JSON, field by field as the wire carries it: a contract type's [Id] members in id order (including those
/// the HTTP JSON leaves out), enums by name, decimals with their scale, instants with their offset, a call as its
/// arguments. Two values that render alike carry the same data.
/// </summary>
public static class WireRendering
{
    public static JsonNode? Render(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        Enum e => JsonValue.Create(e.ToString()),
        int or long or short or byte or uint or ulong or ushort => JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
        decimal d => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        double d => JsonValue.Create(d.ToString("R", CultureInfo.InvariantCulture)),
        float f => JsonValue.Create(f.ToString("R", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("O", CultureInfo.InvariantCulture)),
        DateTimeOffset d => JsonValue.Create(d.ToString("O", CultureInfo.InvariantCulture)),
        DateTime d => JsonValue.Create(d.ToString("O", CultureInfo.InvariantCulture)),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        Guid g => JsonValue.Create(g.ToString("D")),
        SiloAddress a => JsonValue.Create(a.ToParsableString()),
        IInvokable call => new JsonArray([.. Enumerable.Range(0, call.GetArgumentCount()).Select(i => Render(call.GetArgument(i)))]),
        Exception e => new JsonObject { ["Type"] = e.GetType().FullName, ["Message"] = e.Message },
        IDictionary map => RenderMap(map),
        IEnumerable items => RenderItems(items),
        _ when WireCatalogue.IsContractType(value.GetType()) => RenderFields(value),
        _ => throw new NotSupportedException($"No rendering for {value.GetType()}: add one to {nameof(WireRendering)}."),
    };

    /// <summary>
    /// Where a value read from an older release's bytes differs from what that release wrote, or null when it reads the
    /// same. Members the older release did not have (fields added since, with new ids) are not compared: old bytes
    /// cannot carry them.
    /// </summary>
    public static string? Difference(JsonNode? written, JsonNode? read, string path = "$")
    {
        switch (written)
        {
            case JsonObject expected when read is JsonObject actual:
                foreach (var (name, value) in expected)
                {
                    if (!actual.TryGetPropertyValue(name, out var other))
                    {
                        return $"{path}.{name} is missing";
                    }

                    if (Difference(value, other, $"{path}.{name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonArray expected when read is JsonArray actual:
                if (expected.Count != actual.Count)
                {
                    return $"{path} has {actual.Count} items, not {expected.Count}";
                }

                for (var i = 0; i < expected.Count; i++)
                {
                    if (Difference(expected[i], actual[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(written, read)
                    ? null
                    : $"{path} is {read?.ToJsonString() ?? "null"}, not {written?.ToJsonString() ?? "null"}";
        }
    }

    private static JsonObject RenderFields(object value)
    {
        var fields = new JsonObject();
        foreach (var (_, member, _) in WireCatalogue.SerializedMembers(value.GetType()))
        {
            fields[member.Name] = Render(member switch
            {
                System.Reflection.PropertyInfo p => p.GetValue(value),
                System.Reflection.FieldInfo f => f.GetValue(value),
                _ => throw new NotSupportedException(member.ToString()),
            });
        }

        return fields;
    }

    // Entries by key and set items sorted: an order the type does not promise (a hash set's, say) may differ between
    // the process that wrote a sample and the one that reads it.
    private static JsonObject RenderMap(IDictionary map)
    {
        var pairs = new List<(string Key, object? Value)>();
        for (var entry = map.GetEnumerator(); entry.MoveNext();)
        {
            pairs.Add((KeyText(entry.Key), entry.Value));
        }

        return new JsonObject(pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Render(p.Value))));
    }

    private static string KeyText(object key) => key switch
    {
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };

    private static JsonNode? RenderItems(IEnumerable items)
    {
        // A default ImmutableArray (a field added since the bytes were written) has no items to enumerate.
        var type = items.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
            && (bool)type.GetProperty(nameof(System.Collections.Immutable.ImmutableArray<int>.IsDefault))!.GetValue(items)!)
        {
            return null;
        }

        var rendered = items.Cast<object?>().Select(Render);
        var unordered = type.GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));
        return new JsonArray([.. unordered ? rendered.OrderBy(r => r?.ToJsonString(), StringComparer.Ordinal) : rendered]);
    }
}
