using System.Net;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Where this silo lives and how it joins the cluster. Bound from the <c>Cluster</c> section
/// (environment: <c>Cluster__SiloPort</c> …) plus <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";
    public const string ConnectionStringName = "Postgres";

    /// <summary>Cluster (deployment) id shared by silos and clients that form one cluster. Default <c>aftersales</c>.</summary>
    public string ClusterId { get; set; } = "aftersales";

    /// <summary>Service id: keys grain state and reminders; keep it stable across deployments. Default <c>aftersales</c>.</summary>
    public string ServiceId { get; set; } = "aftersales";

    /// <summary>Region this silo runs in, shown in the dashboard and logs. Default <c>default</c>.</summary>
    public string Region { get; set; } = "default";

    /// <summary>
    /// How quickly a silo that stopped answering is declared dead (docs/operations.md, "Failure detection").
    /// <see cref="FailureDetectionProfile.Lan"/> (default): about a second, for silos on one network.
    /// <see cref="FailureDetectionProfile.Wan"/>: for one cluster spread across regions, where a 1 s probe timeout
    /// would declare healthy silos dead on a WAN hiccup; a dead silo is noticed in about 10 s instead.
    /// </summary>
    public FailureDetectionProfile FailureDetection { get; set; } = FailureDetectionProfile.Lan;

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and clients reach this silo at (IP or resolvable host name). Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Listen on every interface instead of <see cref="AdvertisedAddress"/> only. Default false: the silo and gateway
    /// ports are not exposed on interfaces nobody should reach them through.
    /// </summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Apply pending database migrations when the silo starts. Default true.</summary>
    public bool ApplyMigrationsOnStart { get; set; } = true;

    /// <summary>Host the Orleans dashboard's data collection in this silo. Default true (costs throughput; see stack notes).</summary>
    public bool DashboardEnabled { get; set; } = true;

    /// <summary>
    /// Serve the HTTP API from this silo (co-hosted: grain calls stay in the process). Default true; false for a
    /// silo behind separate API hosts. Kestrel listens where <c>ASPNETCORE_URLS</c> says (default <c>http://localhost:5000</c>).
    /// </summary>
    public bool ServeApi { get; set; } = true;

    /// <summary>
    /// With <see cref="ServeApi"/>: how long a grain call made by this silo may take before it fails (an HTTP request
    /// then answers 503 with <c>Retry-After</c>), the same budget the separate API host gives its calls. Default 5 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a grain stays in memory with no calls before Orleans deactivates it (Orleans' own default is 15 min).
    /// Default 2 h: the vehicles, stations and complaints asked about in that time answer from memory, at about 4 KB
    /// of silo heap per active vehicle (docs/benchmarks.md); lower it on a silo short of memory. At least 2 min.
    /// </summary>
    public TimeSpan IdleActivationAge { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Orleans load shedding: while the silo's CPU or memory is above these thresholds its gateway turns client
    /// requests away at once (a separate API host answers them 503 + Retry-After) instead of queueing them. Default on,
    /// 95 % CPU, 90 % memory.
    /// </summary>
    public bool LoadSheddingEnabled { get; set; } = true;

    /// <summary>See <see cref="LoadSheddingEnabled"/>: CPU % (1–100). Default 95.</summary>
    public int LoadSheddingCpuThreshold { get; set; } = 95;

    /// <summary>See <see cref="LoadSheddingEnabled"/>: memory % (1–100). Default 90.</summary>
    public int LoadSheddingMemoryThreshold { get; set; } = 90;

    /// <summary>Npgsql connection string (<c>ConnectionStrings:Postgres</c>).</summary>
    public string ConnectionString { get; set; } = "";

    public static ClusterSettings Load(IConfiguration configuration)
    {
        var settings = new ClusterSettings();
        configuration.GetSection(SectionName).Bind(settings);
        settings.ConnectionString = configuration.GetConnectionString(ConnectionStringName) ?? "";
        return settings;
    }

    /// <summary>Every problem with the settings, each naming the setting and what would be accepted.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { (nameof(LoadSheddingCpuThreshold), LoadSheddingCpuThreshold), (nameof(LoadSheddingMemoryThreshold), LoadSheddingMemoryThreshold) })
        {
            if (value is < 1 or > 100)
            {
                problems.Add($"Cluster:{name} must be a percentage from 1 to 100; it is {value}.");
            }
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("ConnectionStrings:Postgres is missing (environment: ConnectionStrings__Postgres). ./run.sh sets it for its private PostgreSQL.");
        }
        else
        {
            try
            {
                var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
                if (string.IsNullOrWhiteSpace(parsed.Host))
                {
                    problems.Add("ConnectionStrings:Postgres has no Host.");
                }
            }
            catch (ArgumentException ex)
            {
                problems.Add($"ConnectionStrings:Postgres is not a valid Npgsql connection string: {ex.Message}");
            }
        }

        RequireText(problems, nameof(ClusterId), ClusterId);
        RequireText(problems, nameof(ServiceId), ServiceId);
        RequireText(problems, nameof(Region), Region);
        RequirePort(problems, nameof(SiloPort), SiloPort);
        RequirePort(problems, nameof(GatewayPort), GatewayPort);
        if (SiloPort == GatewayPort)
        {
            problems.Add($"{SectionName}:SiloPort and {SectionName}:GatewayPort must differ (both are {SiloPort}).");
        }

        if (ServeApi && ResponseTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{SectionName}:ResponseTimeout must be positive (was {ResponseTimeout}).");
        }

        // Orleans looks for idle grains once a minute: a shorter age could not be kept.
        if (IdleActivationAge < TimeSpan.FromMinutes(2))
        {
            problems.Add($"{SectionName}:IdleActivationAge must be at least 00:02:00 (was {IdleActivationAge}).");
        }

        if (string.IsNullOrWhiteSpace(AdvertisedAddress))
        {
            problems.Add($"{SectionName}:AdvertisedAddress must be an IP address or host name.");
        }

        return problems;
    }

    /// <summary>The advertised address as an IP, resolving a host name (compose service names) once at start.</summary>
    public IPAddress ResolveAdvertisedAddress()
    {
        if (IPAddress.TryParse(AdvertisedAddress, out var ip))
        {
            return ip;
        }

        var addresses = Dns.GetHostAddresses(AdvertisedAddress);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{SectionName}:AdvertisedAddress '{AdvertisedAddress}' does not resolve to an address.");
    }

    private static void RequireText(List<string> problems, string name, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{SectionName}:{name} must not be empty.");
        }
    }

    private static void RequirePort(List<string> problems, string name, int value)
    {
        if (value is < 1 or > 65535)
        {
            problems.Add($"{SectionName}:{name} must be a TCP port between 1 and 65535 (was {value}).");
        }
    }
}

/// <summary>Membership failure-detection settings: see <see cref="ClusterSettings.FailureDetection"/>.</summary>
public enum FailureDetectionProfile
{
    Lan,
    Wan,
}
