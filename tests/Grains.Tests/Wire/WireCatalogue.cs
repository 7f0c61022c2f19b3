using System.Reflection;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;
using Orleans.Serialization.Invocation;

namespace AfterSales.Grains.Tests.Wire;

/// <summary>What a sample is of: a message type, a grain call (the request Orleans sends), or a grain method's reply.</summary>
public enum WireKind
{
    Message = 0,
    Call = 1,
    Reply = 2,
}

/// <summary>
/// One thing that travels between silos. <see cref="WireName"/> is what the wire identifies it by (the aliases), so a
/// sample is matched to the build by it; <see cref="File"/> and <see cref="Description"/> name it for people.
/// </summary>
public sealed record WireSubject(WireKind Kind, string WireName, string File, string Description, Type Type);

/// <summary>The contract of this build as reflection sees it: its grain interfaces, messages, calls and replies.</summary>
public static class WireCatalogue
{
    /// <summary>The assembly of grain contracts and the messages they carry.</summary>
    public static Assembly Contracts { get; } = typeof(Refusal).Assembly;

    /// <summary>The assemblies that declare grain interfaces: the contracts, and the grains' own IOutboxOwner.</summary>
    public static IReadOnlyList<Assembly> InterfaceAssemblies { get; } = [Contracts, typeof(IOutboxOwner).Assembly];

    public static IReadOnlyList<Type> GrainInterfaces { get; } =
    [
        .. InterfaceAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsInterface && t.IsPublic && typeof(IAddressable).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
    ];

    /// <summary>Every [GenerateSerializer] type of the contracts, generic definitions included.</summary>
    public static IReadOnlyList<Type> MessageTypes { get; } =
        [.. Contracts.GetTypes().Where(IsContractType).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    /// <summary>The contracts' enums: they travel as their numbers.</summary>
    public static IReadOnlyList<Type> Enums { get; } =
        [.. Contracts.GetTypes().Where(t => t.IsEnum && t.IsPublic).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static IReadOnlyList<WireSubject> Subjects { get; } = Discover();

    public static bool IsContractType(Type type) => type.GetCustomAttribute<GenerateSerializerAttribute>() is not null;

    /// <summary>The members a contract type puts on the wire, by id.</summary>
    public static IReadOnlyList<(uint Id, MemberInfo Member, Type Type)> SerializedMembers(Type type)
    {
        const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var members = new List<(uint, MemberInfo, Type)>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(Declared))
            {
                if (property.GetCustomAttribute<IdAttribute>() is { } id)
                {
                    members.Add((id.Id, property, property.PropertyType));
                }
            }

            foreach (var field in t.GetFields(Declared))
            {
                if (field.GetCustomAttribute<IdAttribute>() is { } id)
                {
                    members.Add((id.Id, field, field.FieldType));
                }
            }
        }

        return [.. members.OrderBy(m => m.Item1)];
    }

    public static ushort VersionOf(Type grainInterface) => grainInterface.GetCustomAttribute<VersionAttribute>()?.Version ?? 0;

    /// <summary>A grain method's alias: with the interface's alias, what a call is identified by on the wire.</summary>
    public static string MethodAlias(MethodInfo method) =>
        method.GetCustomAttribute<AliasAttribute>()?.Alias
        ?? throw new InvalidOperationException($"{method.DeclaringType}.{method.Name} has no [Alias]: its wire id would be a hash of its signature.");

    public static IEnumerable<MethodInfo> Methods(Type grainInterface) =>
        grainInterface.GetMethods().OrderBy(m => MethodAlias(m), StringComparer.Ordinal);

    /// <summary>The type as the wire names it: the alias where there is one, with the aliases of its type arguments.</summary>
    public static string WireTypeName(Type type)
    {
        if (type.IsArray)
        {
            return WireTypeName(type.GetElementType()!) + "[]";
        }

        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        var name = definition.GetCustomAttribute<AliasAttribute>()?.Alias ?? definition.FullName ?? definition.Name;
        return type.IsConstructedGenericType ? $"{name}[{string.Join(",", type.GetGenericArguments().Select(WireTypeName))}]" : name;
    }

    /// <summary>The C# spelling of a type with namespaces: <c>System.Collections.Generic.IReadOnlyList&lt;System.String&gt;</c>.</summary>
    public static string ClrName(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return ClrName(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition().FullName!;
        return $"{definition[..definition.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(ClrName))}>";
    }

    /// <summary>The reply type of a grain method (the T of Task&lt;T&gt;), or null for a Task.</summary>
    public static Type? ReplyType(MethodInfo method) =>
        method.ReturnType.IsGenericType && (method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) || method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? method.ReturnType.GetGenericArguments()[0]
            : null;

    private static IReadOnlyList<WireSubject> Discover()
    {
        var subjects = new List<WireSubject>();
        foreach (var type in MessageTypes.Where(t => !t.IsGenericTypeDefinition))
        {
            subjects.Add(new(WireKind.Message, WireTypeName(type), $"messages/{type.FullName}.json", ClrName(type), type));
        }

        var calls = InterfaceAssemblies.SelectMany(Invokables).ToDictionary(c => c.Method, c => c.Type);
        var replies = new HashSet<Type>();
        foreach (var grainInterface in GrainInterfaces)
        {
            foreach (var method in Methods(grainInterface))
            {
                var alias = MethodAlias(method);
                var call = calls.GetValueOrDefault(method)
                    ?? throw new InvalidOperationException($"No generated call type for {grainInterface}.{method.Name}.");
                subjects.Add(new(WireKind.Call, $"{WireTypeName(grainInterface)}/{alias}", $"calls/{grainInterface.FullName}.{alias}.json", $"{grainInterface.FullName}.{method.Name}", call));

                // A reply that is itself a message is sampled as one; a generic around contract types (Outcome<T>, a
                // list of views) gets its own sample, because the wire names the whole constructed type.
                if (ReplyType(method) is { IsConstructedGenericType: true } reply && Mentions(reply) && replies.Add(reply))
                {
                    var name = ClrName(reply);
                    subjects.Add(new(WireKind.Reply, WireTypeName(reply), $"replies/{name.Replace('<', '[').Replace('>', ']').Replace(", ", ",", StringComparison.Ordinal)}.json", name, reply));
                }
            }
        }

        return [.. subjects.OrderBy(s => s.File, StringComparer.Ordinal)];
    }

    private static bool Mentions(Type type) =>
        type.Assembly == Contracts || (type.IsGenericType && type.GetGenericArguments().Any(Mentions)) || (type.IsArray && Mentions(type.GetElementType()!));

    /// <summary>The generated call types (one per grain method) with the method each one calls.</summary>
    private static IEnumerable<(MethodInfo Method, Type Type)> Invokables(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => typeof(IInvokable).IsAssignableFrom(t) && t is { IsAbstract: false, ContainsGenericParameters: false }
                && t.GetCustomAttributes<CompoundTypeAliasAttribute>().Any())
            .Select(t => (((IInvokable)Activator.CreateInstance(t)!).GetMethod(), t));
}
