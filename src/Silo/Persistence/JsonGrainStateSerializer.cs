using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using AfterSales.Interfaces.Vehicles;
using Orleans.Storage;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// Stores grain state as plain camelCase JSON with no .NET type names in it (the default serializer embeds
/// "$type": "Namespace.Type, Assembly", which breaks on every rename). The state classes are the schema:
/// renaming a property is a migration, renaming a type is not. Reading shares the values of repetitive text
/// fields and of small read-only lists between activations (<see cref="SharedStrings"/>, <see cref="SharedLists{T}"/>);
/// the JSON is the same either way.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public static readonly SharedStrings SharedStrings = new();

    public static readonly SharedLists<PartUsed> SharedPartLists = new();

    public static readonly SharedLists<string> SharedTextLists = new();

    public static readonly JsonSerializerOptions Options = CreateOptions();

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // jsonb does not keep key order; nothing here may depend on it.
            AllowOutOfOrderMetadataProperties = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ShareRepetitiveStrings } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static void ShareRepetitiveStrings(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(string)
                && property.AttributeProvider is MemberInfo member
                && SharedStrings.PropertyNames.Contains(member.Name))
            {
                property.CustomConverter = SharedStrings;
            }
            else if (property.PropertyType == typeof(IReadOnlyList<PartUsed>))
            {
                property.CustomConverter = SharedPartLists;
            }
            else if (property.PropertyType == typeof(IReadOnlyList<string>))
            {
                property.CustomConverter = SharedTextLists;
            }
        }
    }
}
