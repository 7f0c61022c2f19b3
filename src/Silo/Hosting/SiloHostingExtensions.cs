using AfterSales.Api.Hosting;
using AfterSales.Grains.Catalogue;
using AfterSales.Grains.Common;
using AfterSales.Grains.Recalls;
using AfterSales.Grains.Vehicles;
using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Dashboard;
using Orleans.Storage;

namespace AfterSales.Silo.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>The grain storage provider every grain persists to (<c>[PersistentState(name, StorageName)]</c>).</summary>
    public const string StorageName = AfterSales.Grains.Common.GrainStorage.Name;

    /// <summary>How long a silo may take to stop (HTTP drained, grains deactivated, the membership table told); deploy/k8s's grace period is longer.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a silo shutting down keeps forwarding calls for the grains it no longer has (see <see cref="UseAfterSalesClustering"/>).</summary>
    public static readonly TimeSpan ShutdownForwardingPause = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a silo shutting down waits, after telling its clients to stop sending through its gateway, before it
    /// leaves the membership table's active list (see <see cref="UseAfterSalesClustering"/>).
    /// </summary>
    public static readonly TimeSpan ClientNotificationPause = TimeSpan.FromSeconds(1);

    /// <summary>The ADO.NET provider behind <see cref="StorageName"/>; grains use it through <see cref="DatabaseFailureTranslatingStorage"/>.</summary>
    private const string AdoNetStorageName = StorageName + "-adonet";

    /// <summary>
    /// Registers a whole production silo: clustering, storage, reminders, dashboard and the grains' services. A silo
    /// that <paramref name="servesApi"/> gives its grain calls the API's budget (<see cref="ClusterSettings.ResponseTimeout"/>)
    /// instead of Orleans' 30 s, so an HTTP request waits no longer than through the separate API host.
    /// </summary>
    public static IHostApplicationBuilder AddAfterSalesSilo(this IHostApplicationBuilder builder, ClusterSettings settings, bool servesApi = false)
    {
        builder.Services.AddAfterSalesGrainServices(builder.Configuration);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        // A dying peer makes the survivors' resilience pipeline log tens of thousands of retry warnings.
        builder.Logging.AddFilter("Polly", LogLevel.Error);

        var tls = ClusterTlsSettings.Load(builder.Configuration);
        builder.Services.AddAfterSalesTelemetry(builder.Configuration, "aftersales-silo", http: servesApi);
        var tracing = Telemetry.TracingEnabled(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseAfterSalesClustering(settings);
            if (tracing)
            {
                // Each grain call carries its caller's trace context: one trace from the HTTP request to the database.
                silo.AddActivityPropagation();
            }

            if (tls.Enabled)
            {
                silo.UseClusterTls(tls);
            }

            if (InKubernetesPod())
            {
                // The pod's name, address and labels make the silo's name, address and cluster ids; the silos of
                // pods that are gone are declared dead, and the pods of silos declared dead are deleted
                // (deploy/k8s/rbac.yaml gives it those rights).
                silo.UseKubernetesHosting();
            }

            silo.UseAfterSalesPersistence(settings);
            // A call another silo turned away while shutting down, without running it, is sent again: grain-to-grain
            // and, co-hosted, the HTTP requests' calls.
            silo.AddOutgoingGrainCallFilter<RejectedCallRetry>();
            if (settings.DashboardEnabled)
            {
                silo.AddDashboard();
            }

            if (servesApi)
            {
                silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
            }
        });
        return builder;
    }

    /// <summary>
    /// Mutual TLS on every silo-to-silo and client-to-gateway connection: each end presents its certificate and
    /// accepts only one issued by the cluster's CA, so a process without such a certificate cannot call a grain.
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterTlsSettings tls)
    {
        var certificate = tls.LoadCertificate();
        var ca = tls.LoadCa();
        return silo.UseTls(certificate, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateValidation = (remote, _, _) => ClusterTlsSettings.IsIssuedBy(remote, ca);
            options.OnAuthenticateAsClient = (_, client) => client.TargetHost = ClusterTlsSettings.TargetHost;
        });
    }

    /// <summary>Running in a Kubernetes pod with the pod's identity passed in (deploy/k8s/silo.yaml).</summary>
    public static bool InKubernetesPod() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"));

    /// <summary>The silo's name on the dashboard and in logs: <c>{region}-{host}-{silo port}</c> (a pod's name is its host name).</summary>
    public static string SiloName(ClusterSettings settings) => $"{settings.Region}-{Environment.MachineName}-{settings.SiloPort}";

    /// <summary>Services the grains need in any silo, test clusters included.</summary>
    public static IServiceCollection AddAfterSalesGrainServices(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddAfterSalesPolicies(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RecallCatalog>();
        services.AddSingleton<PartsCatalogueCopy>();
        services.AddSingleton<ISiloCopy>(provider => provider.GetRequiredService<RecallCatalog>());
        services.AddSingleton<ISiloCopy>(provider => provider.GetRequiredService<PartsCatalogueCopy>());
        services.AddSingleton<SiloCopySync>();
        services.AddSingleton<VehicleGrainServices>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<SiloCopySync>());
        return services;
    }

    /// <summary>PostgreSQL membership, endpoints and failure detection tuned to notice a dead silo in about a second.</summary>
    public static ISiloBuilder UseAfterSalesClustering(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = settings.ServiceId;
        });
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = settings.ConnectionString;
        });
        // Bound to the advertised address only, unless configured to listen on every interface (behind NAT, say).
        silo.ConfigureEndpoints(settings.ResolveAdvertisedAddress(), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
        // Unique across machines, pods and containers (all of which may use the same port): region, host, port.
        silo.Configure<SiloOptions>(options => options.SiloName = SiloName(settings));
        silo.Configure<GrainCollectionOptions>(options => options.CollectionAge = settings.IdleActivationAge);
        silo.Configure<LoadSheddingOptions>(options =>
        {
            options.LoadSheddingEnabled = settings.LoadSheddingEnabled;
            options.CpuThreshold = settings.LoadSheddingCpuThreshold;
            options.MemoryThreshold = settings.LoadSheddingMemoryThreshold;
        });
        silo.Configure<SiloMessagingOptions>(options =>
        {
            // A silo shutting down keeps forwarding, for this long after its grains are gone, the calls that still
            // reach it for them (callers whose caches point here), with word to update those caches. Without the
            // pause it stopped at once: such calls were turned away with nobody left to carry the rejection back, and
            // their callers waited out their timeout (5 s in the API), seen in a rolling upgrade.
            options.WaitForMessageToBeQueuedForOutboundTime = ShutdownForwardingPause;
            // A grain here answers a client through the client's connection to this silo's gateway, whichever gateway
            // the call came in by. A client keeps that connection to a gateway it was told to stop using, but takes
            // one that has left the active list without such word for dead and closes it, and the answers still to
            // come are lost: callers waited out their 5 s (a rolling run under CPU contention: the connection closed
            // 90 ms after the SIGTERM, docs/reliability.md). So the word gets a second to arrive before this silo
            // leaves the list; Orleans' default does not wait. The API host remembers it (RegionalGatewayListProvider).
            options.ClientGatewayShutdownNotificationTimeout = ClientNotificationPause;
        });
        silo.Configure<ClusterMembershipOptions>(options => ApplyFailureDetection(options, settings.FailureDetection));
        return silo;
    }

    /// <summary>The membership settings of a failure-detection profile (docs/operations.md, "Failure detection").</summary>
    public static void ApplyFailureDetection(ClusterMembershipOptions options, FailureDetectionProfile profile)
    {
        if (profile == FailureDetectionProfile.Wan)
        {
            // Probes cross regions (30–100 ms, with jitter and the odd lost packet): three misses of 3 s each, and
            // indirect probes through a third silo, before a silo is suspected; votes from two silos to declare it dead.
            options.ProbeTimeout = TimeSpan.FromSeconds(3);
            options.NumMissedProbesLimit = 3;
            options.EnableIndirectProbes = true;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            return;
        }

        // Measured on these machines: grains answer again 0.8–1.1 s after a kill -9 (defaults: ~10.5 s).
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>Grain state and reminders in PostgreSQL, state stored as readable JSON.</summary>
    public static ISiloBuilder UseAfterSalesPersistence(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.AddAdoNetGrainStorage(AdoNetStorageName, options =>
        {
            options.Invariant = "Npgsql";
            // The provider keeps no session state on its connections, so handing one back to the pool need not
            // reset it; the reset (DISCARD ALL) would also throw away write_grain_state's cached plans on every
            // write (docs/benchmarks.md).
            options.ConnectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { NoResetOnClose = true }.ConnectionString;
            options.GrainStorageSerializer = new JsonGrainStateSerializer();
            options.DeleteStateOnClear = true;
        });
        var groupCommit = new GroupCommitOptions();
        silo.Configuration.GetSection(GroupCommitOptions.SectionName).Bind(groupCommit);
        var problems = groupCommit.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
        }

        silo.Services.AddSingleton(groupCommit);
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageName, (services, _) =>
        {
            var adoNet = services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName);
            return new DatabaseFailureTranslatingStorage(groupCommit.Enabled ? services.GetRequiredService<GroupCommitGrainStorage>() : adoNet);
        });
        silo.Services.AddSingleton(services => new GroupCommitGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName),
            // Its own pool, never reset on return: the reset would discard write_grain_states' prepared statement
            // and cached plans on every group.
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { NoResetOnClose = true }.ConnectionString),
            // The service id the ADO.NET provider reads with (a test cluster sets its own).
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            new JsonGrainStateSerializer(),
            groupCommit));
        silo.AddIncomingGrainCallFilter<DatabaseFailureCallFilter>();
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString));
        // Its own pool too, never reset on return and with its few statements prepared per connection: a reset
        // (DISCARD ALL) was a statement of its own before every row read, half of the reads' database work in a bulk load.
        silo.Services.AddSingleton<IGrainRowReader>(_ => new PostgresGrainRowReader(
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { NoResetOnClose = true, MaxAutoPrepare = 16 }.ConnectionString),
            settings.ServiceId));
        // Never reset on return either: the log sets no session state, and a reset was a statement per recorded read.
        silo.Services.AddSingleton<Grains.Privacy.IPersonalDataLog>(_ => new PostgresPersonalDataLog(
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { NoResetOnClose = true }.ConnectionString), settings.ServiceId));
        silo.Services.AddSingleton<Grains.Stations.IStationLists>(_ => new PostgresStationLists(NpgsqlDataSource.Create(settings.ConnectionString), settings.ServiceId));
        silo.Services.AddSingleton(services => new OutboxSweeper(
            settings.ConnectionString, settings.ServiceId, services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<ILogger<OutboxSweeper>>(),
            KeyWindow(services)));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<OutboxSweeper>());
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = settings.ConnectionString;
        });
        // Province-homed grains find their province in their stored state, so their placement lives with the storage.
        silo.UseRegionalPlacement(settings);
        return silo;
    }

    /// <summary>The longest window in which any grain replays an idempotency key: older key rows can go.</summary>
    private static TimeSpan KeyWindow(IServiceProvider services) => new[]
    {
        services.GetRequiredService<IOptions<Grains.Vehicles.VehicleOptions>>().Value.IdempotencyWindow,
        services.GetRequiredService<IOptions<Grains.Stations.StationOptions>>().Value.IdempotencyWindow,
        services.GetRequiredService<IOptions<Grains.Complaints.ComplaintOptions>>().Value.IdempotencyWindow,
        services.GetRequiredService<IOptions<Grains.Parts.PartsOptions>>().Value.IdempotencyWindow,
        PartsCatalogueGrain.KeysKeptFor,
    }.Max();
}
