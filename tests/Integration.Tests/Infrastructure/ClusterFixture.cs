using Microsoft.Extensions.Time.Testing;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A database of its own, one production-configured silo and the API host in front of it, shared by the tests
/// of a collection (or a class). Business time is a fake clock starting at <see cref="Start"/>.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The silo's warnings, for a test to await one.</summary>
    public LogSignals Logs { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}"[..20];

    public SiloHost Silo { get; private set; } = null!;

    public ApiFactory Api { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Whether the silo runs on the real clock instead of <see cref="Clock"/> (for data dated from today).</summary>
    protected virtual bool RealTime => false;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("cluster");
        Silo = await SiloHost.StartAsync(ConnectionString, ClusterId, RealTime ? null : Clock, dashboard: true, logs: Logs);
        // Tests fire thousands of requests as one caller; the rate limit has a test of its own.
        Api = new ApiFactory(ConnectionString, ClusterId, settings: new Dictionary<string, string> { ["Auth:PermitsPerSecond"] = "1000000" });
        // Operators may call every route; role-specific behaviour is tested with clients of other roles.
        Http = Api.CreateClient(AfterSales.Api.Security.Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Silo.DisposeAsync();
    }
}

/// <summary>A <see cref="ClusterFixture"/> whose silo keeps real time.</summary>
public sealed class RealTimeClusterFixture : ClusterFixture
{
    protected override bool RealTime => true;
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
