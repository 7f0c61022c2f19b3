using System.Net;
using Npgsql;
using Orleans.Messaging;

namespace AfterSales.ApiHost.Hosting;

/// <summary>
/// The gateway list from the PostgreSQL membership table (the active silos' gateways, as Orleans' ADO.NET list reads
/// them), narrowed to this API host's region while that region has a gateway up: a request's grain call then enters
/// the cluster in its own region (docs/operations.md, "Regions"). Silos write their region beside their membership row
/// once active (Silo/Hosting/RegionalPlacement.cs). Used with or without a region, for its <see cref="MaxStaleness"/>.
/// </summary>
public sealed class RegionalGatewayListProvider(NpgsqlDataSource database, ClientSettings settings) : IGatewayListProvider
{
    private const int ActiveStatus = 3;

    /// <summary>
    /// How long the client remembers a gateway it was told to stop using (its silo is leaving) or found dead. A leaving
    /// silo stays in the active list for its notice pause and its status write after telling its clients, and the
    /// client must remember the notice past that: a gateway that is neither listed nor remembered is taken for dead,
    /// and the client closes the connection that still carries the answers of calls in flight to the silo's grains
    /// (docs/reliability.md, "Rolling upgrade"). Orleans uses its refresh period (a minute by default); ours is seconds.
    /// </summary>
    public TimeSpan MaxStaleness => settings.GatewayListRefreshPeriod > GatewayMemory ? settings.GatewayListRefreshPeriod : GatewayMemory;

    /// <summary>The least <see cref="MaxStaleness"/>: well past a leaving silo's notice pause, a status write and a refresh.</summary>
    public static readonly TimeSpan GatewayMemory = TimeSpan.FromSeconds(10);

    [Obsolete("Orleans no longer reads it; every provider is updatable.")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        await using var command = database.CreateCommand(
            "SELECT address, proxy_port, generation, region FROM membership_silo WHERE deployment_id = $1 AND status = $2 AND proxy_port > 0");
        command.Parameters.Add(new NpgsqlParameter { Value = settings.ClusterId });
        command.Parameters.Add(new NpgsqlParameter { Value = ActiveStatus });
        var gateways = new List<(Uri Gateway, string? Region)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var address = SiloAddress.New(IPAddress.Parse(reader.GetString(0)), reader.GetInt32(1), reader.GetInt32(2));
            gateways.Add((address.ToGatewayUri(), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return GatewayPreference.Prefer(settings.Region, gateways);
    }
}

/// <summary>Which gateways a client of a region uses, as a pure function.</summary>
public static class GatewayPreference
{
    /// <summary>The gateways of <paramref name="region"/> when there are any, else all of them (no region: all).</summary>
    public static IList<Uri> Prefer(string? region, IReadOnlyList<(Uri Gateway, string? Region)> gateways)
    {
        var own = region is null ? [] : gateways.Where(g => g.Region == region).Select(g => g.Gateway).ToList();
        return own.Count > 0 ? own : [.. gateways.Select(g => g.Gateway)];
    }
}
