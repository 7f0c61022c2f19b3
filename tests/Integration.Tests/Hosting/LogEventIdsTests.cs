using System.Reflection;
using Microsoft.Extensions.Logging;

namespace AfterSales.Integration.Tests.Hosting;

/// <summary>
/// Operators filter and alert on a log event by its id, and tests wait for one by it (a complaint's breach, a
/// buyback's): two events sharing an id would be taken for each other. So every <c>[LoggerMessage]</c> of ours has
/// an id of its own, across every assembly a process loads.
/// </summary>
public sealed class LogEventIdsTests
{
    private static readonly Assembly[] Ours =
    [
        typeof(AfterSales.Api.Hosting.ApiComposition).Assembly,
        typeof(Program).Assembly,
        typeof(AfterSales.Silo.Hosting.SiloHostingExtensions).Assembly,
        typeof(AfterSales.Grains.Vehicles.VehicleGrain).Assembly,
    ];

    private static readonly (int Id, string Method, Assembly Assembly)[] Events = [.. Ours
        .SelectMany(assembly => assembly.GetTypes())
        .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(found => found.Attribute is not null)
        .Select(found => (found.Attribute!.EventId, $"{found.Method.DeclaringType!.FullName}.{found.Method.Name}", found.Method.Module.Assembly))];

    [Fact]
    public void TheLogEvents_AreFound()
    {
        // A broken search must not pass the uniqueness check vacuously: each assembly logs, and there are dozens.
        Assert.All(Ours, assembly => Assert.Contains(Events, e => e.Assembly == assembly));
        Assert.True(Events.Length >= 40, $"{Events.Length} log events found");
        Assert.Contains(Events, e => e.Id == AfterSales.Grains.Complaints.ComplaintGrain.BreachEventId);
    }

    [Fact]
    public void EveryLogEvent_HasAnIdOfItsOwn()
    {
        var shared = Events.GroupBy(e => e.Id)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(e => e.Method))}")
            .ToList();

        Assert.True(shared.Count == 0, "Event ids used more than once: " + string.Join("; ", shared));
    }
}
