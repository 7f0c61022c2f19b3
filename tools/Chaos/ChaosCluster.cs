using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AfterSales.Chaos;

/// <summary>The silo processes and the API host of the run; silos can be killed with SIGKILL and restarted.</summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly ChaosOptions _options;
    private readonly string _clusterId = $"chaos-{Guid.NewGuid():N}"[..18];
    private readonly string _signingKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
    private readonly Process?[] _silos;
    private Process? _api;

    public ChaosCluster(ChaosOptions options)
    {
        _options = options;
        _silos = new Process?[options.Silos];
        ApiPort = FreePort();
    }

    public int ApiPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{ApiPort}";

    public async Task StartAsync()
    {
        var migrate = Start(_options.SiloDll, ["migrate"], SiloEnvironment(FreePort(), FreePort()), "migrate");
        await migrate.WaitForExitAsync();
        if (migrate.ExitCode != 0)
        {
            throw new InvalidOperationException($"migrate exited with {migrate.ExitCode}");
        }

        for (var i = 0; i < _silos.Length; i++)
        {
            StartSilo(i);
        }

        _api = Start(_options.ApiDll, [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = _options.ConnectionString,
            ["Cluster__ClusterId"] = _clusterId,
            ["Cluster__ServiceId"] = _clusterId,
            // A call stuck on a silo that just died fails after 2 s instead of 5, so the client retries sooner.
            ["Cluster__ResponseTimeout"] = "00:00:02",
            ["Cluster__GatewayListRefreshPeriod"] = "00:00:01",
            ["Auth__SigningKey"] = _signingKey,
            ["Auth__PermitsPerSecond"] = "1000000",
            ["ASPNETCORE_URLS"] = BaseUrl,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        }, "api");
    }

    /// <summary>An operator token signed with this run's key (the API host's own token command).</summary>
    public async Task<string> OperatorTokenAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(_options.ApiDll);
        foreach (var arg in new[] { "token", "--role", "operator", "--hours", "2" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Auth__SigningKey"] = _signingKey;
        // The command issues development tokens in Development only.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(info)!;
        var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        return token;
    }

    /// <summary>SIGKILL one silo (no goodbye to the membership table), then start a new incarnation on fresh ports.</summary>
    public async Task KillAndRestartAsync(int index)
    {
        var victim = _silos[index]!;
        victim.Kill(entireProcessTree: true);
        await victim.WaitForExitAsync();
        victim.Dispose();
        StartSilo(index);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _silos.Append(_api))
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process?.Dispose();
        }
    }

    private void StartSilo(int index) =>
        _silos[index] = Start(_options.SiloDll, [], SiloEnvironment(FreePort(), FreePort()), $"silo{index + 1}");

    private Dictionary<string, string> SiloEnvironment(int siloPort, int gatewayPort) => new()
    {
        ["ConnectionStrings__Postgres"] = _options.ConnectionString,
        ["Cluster__ClusterId"] = _clusterId,
        ["Cluster__ServiceId"] = _clusterId,
        ["Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Cluster__DashboardEnabled"] = "false",
        // Behind the one API host this run kills no silo of: the write load keeps one address across the kills.
        ["Cluster__ServeApi"] = "false",
        ["Cluster__ApplyMigrationsOnStart"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Orleans"] = "Error",
    };

    private static Process Start(string dll, string[] args, Dictionary<string, string> environment, string name)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        // Drain output so a chatty process never blocks on a full pipe; keep only errors worth a look.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"[{name}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
