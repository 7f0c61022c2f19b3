using System.Globalization;
using System.Text.Json;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>A serialized member: its name and CLR type.</summary>
public sealed record WireField(string Name, string Type);

/// <summary>A message type (keyed by its alias in the manifest) and its members by id.</summary>
public sealed record WireType(string Type, SortedDictionary<uint, WireField> Fields);

/// <summary>A grain method (keyed by its alias): its parameter types and reply type.</summary>
public sealed record WireMethod(string Name, IReadOnlyList<string> Parameters, string Returns);

/// <summary>A grain interface (keyed by its alias): its [Version] and its methods.</summary>
public sealed record WireInterface(string Type, int Version, SortedDictionary<string, WireMethod> Methods);

/// <summary>
/// A release's wire contract (WireSamples/vN/fields.json): every message's [Id] members with their types, every enum's
/// numbers, every grain interface's version and methods. <see cref="Breaks"/> says what a later build may not change.
/// </summary>
public sealed record WireManifest(
    SortedDictionary<string, WireType> Types,
    SortedDictionary<string, Dictionary<string, long>> Enums,
    SortedDictionary<string, WireInterface> Interfaces)
{
    /// <summary>This build's contract.</summary>
    public static WireManifest OfThisBuild() => new(
        new(WireCatalogue.MessageTypes.ToDictionary(
            WireCatalogue.WireTypeName,
            t => new WireType(WireCatalogue.ClrName(t), new(WireCatalogue.SerializedMembers(t).ToDictionary(m => m.Id, m => new WireField(m.Member.Name, WireCatalogue.ClrName(m.Type)))))),
            StringComparer.Ordinal),
        new(WireCatalogue.Enums.ToDictionary(
            t => t.FullName!,
            t => Enum.GetValues(t).Cast<Enum>()
                .OrderBy(v => Convert.ToInt64(v, CultureInfo.InvariantCulture))
                .ToDictionary(v => v.ToString(), v => Convert.ToInt64(v, CultureInfo.InvariantCulture))),
            StringComparer.Ordinal),
        new(WireCatalogue.GrainInterfaces.ToDictionary(
            WireCatalogue.WireTypeName,
            t => new WireInterface(WireCatalogue.ClrName(t), WireCatalogue.VersionOf(t), new(WireCatalogue.Methods(t).ToDictionary(
                WireCatalogue.MethodAlias,
                m => new WireMethod(m.Name, [.. m.GetParameters().Select(p => WireCatalogue.ClrName(p.ParameterType))], WireCatalogue.ClrName(m.ReturnType))), StringComparer.Ordinal))),
            StringComparer.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(this, WireSampleStore.Json) + "\n";

    public static WireManifest FromJson(string json) =>
        JsonSerializer.Deserialize<WireManifest>(json, WireSampleStore.Json) ?? throw new InvalidDataException("An empty wire manifest.");

    /// <summary>
    /// What <paramref name="current"/> changed that a silo of the <paramref name="released"/> build cannot read or call:
    /// a message, field, enum member, grain interface or method gone; a field id now of another type or member; a method's
    /// parameters or reply changed; a method added without a higher [Version].
    /// </summary>
    public static IReadOnlyList<string> Breaks(WireManifest released, WireManifest current)
    {
        var breaks = new List<string>();
        foreach (var (alias, type) in released.Types)
        {
            if (!current.Types.TryGetValue(alias, out var now))
            {
                breaks.Add($"message {alias} ({type.Type}) is gone: the released build still sends it");
                continue;
            }

            foreach (var (id, field) in type.Fields)
            {
                if (!now.Fields.TryGetValue(id, out var nowField))
                {
                    breaks.Add($"{alias} field {id} ({field.Name}) is gone: keep it, or the released build reads its default");
                }
                else if (nowField.Name != field.Name)
                {
                    breaks.Add($"{alias} field {id} was {field.Name} and is now {nowField.Name}: an id is never reused (give the new member a new id)");
                }
                else if (nowField.Type != field.Type)
                {
                    breaks.Add($"{alias} field {id} ({field.Name}) was {field.Type} and is now {nowField.Type}: a field's type never changes (add a new field with a new id)");
                }
            }
        }

        foreach (var (name, members) in released.Enums)
        {
            if (!current.Enums.TryGetValue(name, out var now))
            {
                breaks.Add($"enum {name} is gone");
                continue;
            }

            foreach (var (member, value) in members)
            {
                if (!now.TryGetValue(member, out var nowValue))
                {
                    breaks.Add($"enum {name}.{member} = {value} is gone: the released build still sends {value}");
                }
                else if (nowValue != value)
                {
                    breaks.Add($"enum {name}.{member} was {value} and is now {nowValue}: enums travel as numbers");
                }
            }
        }

        foreach (var (alias, grain) in released.Interfaces)
        {
            if (!current.Interfaces.TryGetValue(alias, out var now))
            {
                breaks.Add($"grain interface {alias} ({grain.Type}) is gone: the released build still calls it");
                continue;
            }

            if (now.Version < grain.Version)
            {
                breaks.Add($"{alias} went from [Version({grain.Version})] down to [Version({now.Version})]");
            }

            foreach (var (methodAlias, method) in grain.Methods)
            {
                if (!now.Methods.TryGetValue(methodAlias, out var nowMethod))
                {
                    breaks.Add($"{alias}/{methodAlias} ({method.Name}) is gone: the released build still calls it");
                }
                else if (!nowMethod.Parameters.SequenceEqual(method.Parameters) || nowMethod.Returns != method.Returns)
                {
                    breaks.Add($"{alias}/{methodAlias} was ({string.Join(", ", method.Parameters)}) → {method.Returns} and is now "
                        + $"({string.Join(", ", nowMethod.Parameters)}) → {nowMethod.Returns}: add a new method with a new alias instead");
                }
            }

            var added = now.Methods.Keys.Except(grain.Methods.Keys).ToList();
            if (added.Count > 0 && now.Version <= grain.Version)
            {
                breaks.Add($"{alias} added {string.Join(", ", added)} but kept [Version({now.Version})]: raise it, so a call to a new method never reaches an older silo");
            }
        }

        return breaks;
    }
}
