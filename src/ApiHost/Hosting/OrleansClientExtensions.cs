using AfterSales.Api.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Dashboard;
using Orleans.Messaging;

namespace AfterSales.ApiHost.Hosting;

public static partial class OrleansClientExtensions
{
    /// <summary>
    /// How long the API host may take to stop: requests in flight finish (Kestrel stops taking new ones first), then
    /// the client leaves the gateways. deploy/k8s-api-host's grace period is longer.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Joins the cluster as an external client through the PostgreSQL membership table. The client keeps retrying
    /// until a gateway answers and re-reads the gateway list every couple of seconds, so the API host outlives
    /// silo restarts.
    /// </summary>
    public static WebApplicationBuilder AddAfterSalesCluster(this WebApplicationBuilder builder)
    {
        var settings = ClientSettings.Load(builder.Configuration);
        var tls = ClusterTlsSettings.Load(builder.Configuration);
        var problems = settings.Validate().Concat(tls.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration: " + string.Join(" ", problems));
        }

        builder.Services.AddSingleton(settings);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = settings.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = settings.ConnectionString;
            });
            // In place of the ADO.NET list (registered above): the same active gateways, this region's while any is up,
            // and a leaving silo's notice remembered long enough (RegionalGatewayListProvider.MaxStaleness).
            client.Services.AddSingleton<IGatewayListProvider>(services => new RegionalGatewayListProvider(
                services.GetRequiredService<NpgsqlDataSource>(), settings));

            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = settings.GatewayListRefreshPeriod);
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = settings.ResponseTimeout);
            // Learn quickly which grain types a (re)started silo hosts; the default minute leaves a restarted
            // cluster answering 503 for that long.
            client.Configure<TypeManagementOptions>(options => options.TypeMapRefreshInterval = TimeSpan.FromSeconds(5));
            client.UseConnectionRetryFilter<RetryUntilClusterAnswers>();
            // A call a silo shutting down turned away without running it is sent again (a rolling upgrade is no error).
            client.AddOutgoingGrainCallFilter<RejectedCallRetry>();
            if (Telemetry.TracingEnabled(builder.Configuration))
            {
                client.AddActivityPropagation();
            }

            if (tls.Enabled)
            {
                // The gateway accepts only clients with a certificate of the cluster's CA, and so does this client of it.
                var ca = tls.LoadCa();
                client.UseTls(tls.LoadCertificate(), options =>
                {
                    options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    options.RemoteCertificateValidation = (remote, _, _) => ClusterTlsSettings.IsIssuedBy(remote, ca);
                    options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = ClusterTlsSettings.TargetHost;
                });
            }

            client.AddDashboard();
        });
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        return builder;
    }

    /// <summary>Keeps the host up while no silo is reachable yet (start order does not matter).</summary>
    private sealed partial class RetryUntilClusterAnswers(TimeProvider time, ILogger<RetryUntilClusterAnswers> logger) : IClientConnectionRetryFilter
    {
        private int _attempts;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            if (attempt == 1 || attempt % 10 == 0)
            {
                LogWaiting(logger, attempt, exception.Message);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "No silo reachable yet (attempt {Attempt}): {Reason}. Retrying.")]
        private static partial void LogWaiting(ILogger logger, int attempt, string reason);
    }
}
