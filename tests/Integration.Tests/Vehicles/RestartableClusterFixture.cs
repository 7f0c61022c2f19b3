using AfterSales.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// Like <see cref="ClusterFixture"/> (own database, one production-configured silo, the real API host), but its
/// silo may be restarted: the shared fixture's silo is never stopped because other tests use it.
/// </summary>
/// <remarks>
/// What signals that the API host's client is back, as observed with Orleans 10.4.2:
/// <list type="number">
/// <item>A stopping silo closes the client's gateway connection and the <see cref="GatewayConnectionObserver"/>
/// hears it at once: NotifyClusterConnectionLost, then NotifyGatewayCountChanged(0, 1, false).</item>
/// <item>The client opens gateway connections lazily — for a request, or for its periodic cluster-manifest poll
/// (<see cref="TypeManagementOptions.TypeMapRefreshInterval"/>, 1 minute by default). With no traffic,
/// NotifyGatewayCountChanged(1, 0, true) did not arrive within 30 s of the new silo starting. With the poll at
/// <see cref="ManifestRefresh"/> the client reconnects by itself within about a second.</item>
/// <item>The notification comes when the connection opens, before the manifest poll it carries has been
/// answered. A manifest polled while the old silo was shutting down no longer names it, so for a moment the
/// client knows no silo that hosts IVehicleGrain: a request then failed in GetGrain ("Could not find an
/// implementation", which the API now answers with 503). So after the gateway notification the fixture also
/// awaits the client's cluster manifest naming the new silo (<see cref="IClusterManifestProvider.Updates"/>).</item>
/// </list>
/// </remarks>
public class RestartableClusterFixture : IAsyncLifetime
{
    /// <summary>How often the API host's client polls the cluster manifest (production default: 1 minute).</summary>
    public static readonly TimeSpan ManifestRefresh = TimeSpan.FromSeconds(1);

    public FakeTimeProvider Clock { get; } = new(ClusterFixture.Start);

    /// <summary>The warnings of every silo this fixture started, for a test to await one.</summary>
    public LogSignals Logs { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public string ClusterId { get; } = $"restart-{Guid.NewGuid():N}"[..20];

    public SiloHost Silo { get; private set; } = null!;

    /// <summary>Registered in the API host's Orleans client: tells when the client lost and regained a gateway.</summary>
    public GatewayConnectionObserver Gateways { get; } = new();

    public ApiFactory Api { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Extra silo settings of a derived fixture (a policy a test needs).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? SiloSettings => null;

    /// <summary>Extra silo services of a derived fixture, registered in every silo it starts.</summary>
    protected virtual void ConfigureSiloServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("restart");
        Silo = await SiloHost.StartAsync(ConnectionString, ClusterId, Clock, extraSettings: SiloSettings, logs: Logs, configureServices: ConfigureSiloServices);
        Api = new ApiFactory(ConnectionString, ClusterId, services =>
        {
            services.AddSingleton<IClusterConnectionStatusObserver>(Gateways);
            services.Configure<TypeManagementOptions>(options => options.TypeMapRefreshInterval = ManifestRefresh);
        });
        Http = Api.CreateClient(AfterSales.Api.Security.Roles.Operator);
    }

    /// <summary>
    /// Stops the silo (gracefully: its activations go, its state stays in PostgreSQL), starts a new one on the same
    /// database and cluster id, and returns once the API host's client is connected to it and knows its grains.
    /// </summary>
    /// <param name="whileStopped">Runs while no silo is up (e.g. business time passing).</param>
    public async Task RestartSiloAsync(TimeSpan timeout, Action? whileStopped = null)
    {
        await Silo.DisposeAsync();
        await WaitAsync(Gateways.ConnectionLost, timeout, "the API host's client to notice that the silo has gone");
        whileStopped?.Invoke();
        Silo = await SiloHost.StartAsync(ConnectionString, ClusterId, Clock, extraSettings: SiloSettings, logs: Logs, configureServices: ConfigureSiloServices);
        await WaitAsync(Gateways.Reconnected, timeout, "the API host's client to connect to the new silo's gateway");
        var newSilo = Silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        using var cancel = new CancellationTokenSource(timeout);
        await WaitAsync(ManifestNamesAsync(newSilo, cancel.Token), timeout, $"the API host's cluster manifest to name the new silo {newSilo}");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Silo.DisposeAsync();
    }

    private async Task ManifestNamesAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        // The stream starts with the current manifest, then yields every update.
        await foreach (var manifest in Api.Services.GetRequiredService<IClusterManifestProvider>().Updates.WithCancellation(cancellationToken))
        {
            if (manifest.Silos.ContainsKey(silo))
            {
                return;
            }
        }

        throw new InvalidOperationException("The client's cluster manifest stream ended.");
    }

    private async Task WaitAsync(Task signal, TimeSpan timeout, string what)
    {
        try
        {
            await signal.WaitAsync(timeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Client notifications: {string.Join("; ", Gateways.Events)}");
        }
    }
}
