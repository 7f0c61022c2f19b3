using Npgsql;

namespace AfterSales.ApiHost.Hosting;

/// <summary>How the API host joins the cluster as a client: <c>Cluster</c> section plus <c>ConnectionStrings:Postgres</c>.</summary>
public sealed class ClientSettings
{
    /// <summary>Cluster id the silos use. Default <c>aftersales</c>.</summary>
    public string ClusterId { get; set; } = "aftersales";

    /// <summary>Service id the silos use. Default <c>aftersales</c>.</summary>
    public string ServiceId { get; set; } = "aftersales";

    /// <summary>How long a grain call may take before the request fails with 503. Default 5 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the client re-reads the gateway list from the membership table. Default 2 s.</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The region this API host runs in (<c>Cluster:Region</c>): it connects only to gateways of silos in that region
    /// while any is up, and to every gateway otherwise. Unset: every gateway (one region).
    /// </summary>
    public string? Region { get; set; }

    public string ConnectionString { get; set; } = "";

    public static ClientSettings Load(IConfiguration configuration)
    {
        var settings = new ClientSettings();
        configuration.GetSection("Cluster").Bind(settings);
        settings.ConnectionString = configuration.GetConnectionString("Postgres") ?? "";
        return settings;
    }

    /// <summary>Every problem with the settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("ConnectionStrings:Postgres is missing (environment: ConnectionStrings__Postgres).");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"ConnectionStrings:Postgres is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add("Cluster:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            problems.Add("Cluster:ServiceId must not be empty.");
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"Cluster:ResponseTimeout must be positive (was {ResponseTimeout}).");
        }

        if (GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            problems.Add($"Cluster:GatewayListRefreshPeriod must be positive (was {GatewayListRefreshPeriod}).");
        }

        return problems;
    }
}
