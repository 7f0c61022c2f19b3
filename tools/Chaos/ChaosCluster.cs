using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AfterSales.Chaos;

/// <summary>How one graceful replacement went, each time from the SIGTERM; null where it did not happen.</summary>
public sealed record Replacement(int Silo, TimeSpan SigtermAt, TimeSpan? Exited, int? ExitCode, TimeSpan? Active, TimeSpan? GatewayOpen)
{
    public bool Graceful => Exited is not null && ExitCode == 0;
}

/// <summary>
/// The silo processes and the API host of the run; silos can be killed with SIGKILL and restarted, or replaced
/// gracefully (SIGTERM, as an orchestrator stops a pod) by a silo of another build.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly ChaosOptions _options;
    private readonly string _clusterId = $"chaos-{Guid.NewGuid():N}"[..18];
    private readonly string _signingKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
    private readonly Process?[] _silos;
    private readonly (int Silo, int Gateway)[] _ports;
    private Process? _api;
    private int _incarnations;

    public ChaosCluster(ChaosOptions options)
    {
        _options = options;
        _silos = new Process?[options.Silos];
        _ports = new (int, int)[options.Silos];
        ApiPort = FreePort();
        if (options.LogDir is { } logs)
        {
            Directory.CreateDirectory(logs);
        }
    }

    public int ApiPort { get; }

    public string BaseUrl => $"http://127.0.0.1:{ApiPort}";

    /// <summary>Migrates with the starting build, then starts every silo and the API host of that build.</summary>
    public async Task StartAsync()
    {
        var siloDll = _options.FromSiloDll ?? _options.SiloDll;
        await MigrateAsync(siloDll);
        for (var i = 0; i < _silos.Length; i++)
        {
            StartSilo(i, siloDll);
        }

        _api = Start(_options.FromApiDll ?? _options.ApiDll, [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = _options.ConnectionString,
            ["Cluster__ClusterId"] = _clusterId,
            ["Cluster__ServiceId"] = _clusterId,
            // The chaos run fails a call stuck on a silo that just died after 2 s instead of 5, so the client retries sooner.
            ["Cluster__ResponseTimeout"] = _options.ApiResponseTimeout.ToString("c", CultureInfo.InvariantCulture),
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

    /// <summary>Applies the migrations of a build (the operator's migration Job, run before its silos roll).</summary>
    public async Task MigrateAsync(string siloDll)
    {
        using var migrate = Start(siloDll, ["migrate"], SiloEnvironment(FreePort(), FreePort()), "migrate");
        await migrate.WaitForExitAsync();
        if (migrate.ExitCode != 0)
        {
            throw new InvalidOperationException($"migrate ({siloDll}) exited with {migrate.ExitCode}");
        }
    }

    /// <summary>SIGKILL one silo (no goodbye to the membership table), then start a new incarnation on fresh ports.</summary>
    public async Task KillAndRestartAsync(int index)
    {
        var victim = _silos[index]!;
        victim.Kill(entireProcessTree: true);
        await victim.WaitForExitAsync();
        victim.Dispose();
        StartSilo(index, _options.SiloDll);
    }

    /// <summary>
    /// One step of a rolling upgrade, as an operator (or Kubernetes deleting a pod) does it: SIGTERM the silo, wait for
    /// it to leave, start its replacement of <see cref="ChaosOptions.SiloDll"/>'s build on fresh ports, and wait until
    /// the membership table has it Active and its gateway accepts connections. A silo that has not exited within
    /// <see cref="ChaosOptions.ExitLimit"/> is killed, and the step says so.
    /// </summary>
    public async Task<Replacement> ReplaceGracefullyAsync(int index, Func<TimeSpan> clock, TimeSpan joinLimit)
    {
        var leaving = _silos[index]!;
        var sigtermAt = clock();
        Signal(leaving.Id, "TERM");
        using (var exit = new CancellationTokenSource(_options.ExitLimit))
        {
            try
            {
                await leaving.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                leaving.Kill(entireProcessTree: true);
                await leaving.WaitForExitAsync();
                leaving.Dispose();
                return new Replacement(index, sigtermAt, null, null, null, null);
            }
        }

        var exited = clock() - sigtermAt;
        var exitCode = leaving.ExitCode;
        leaving.Dispose();
        var (siloPort, gatewayPort) = StartSilo(index, _options.SiloDll);
        var deadline = DateTimeOffset.UtcNow + joinLimit;
        TimeSpan? active = null, gatewayOpen = null;
        await using var connection = new NpgsqlConnection(_options.ConnectionString);
        await connection.OpenAsync();
        while (DateTimeOffset.UtcNow < deadline && (active is null || gatewayOpen is null))
        {
            if (active is null && await IsActiveAsync(connection, siloPort))
            {
                active = clock() - sigtermAt;
            }

            if (gatewayOpen is null && await AcceptsAsync(gatewayPort))
            {
                gatewayOpen = clock() - sigtermAt;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return new Replacement(index, sigtermAt, exited, exitCode, active, gatewayOpen);
    }

    /// <summary>How many of this cluster's silos the membership table has Active now.</summary>
    public async Task<int> ActiveSilosAsync()
    {
        await using var connection = new NpgsqlConnection(_options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int FROM membership_silo WHERE deployment_id = @cluster AND status = 3", connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private async Task<bool> IsActiveAsync(NpgsqlConnection connection, int siloPort)
    {
        // Orleans' SiloStatus.Active is 3.
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM membership_silo WHERE deployment_id = @cluster AND port = @port AND status = 3)", connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        command.Parameters.AddWithValue("port", siloPort);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
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

    private (int Silo, int Gateway) StartSilo(int index, string dll)
    {
        var ports = _ports[index] = (FreePort(), FreePort());
        _silos[index] = Start(dll, [], SiloEnvironment(ports.Item1, ports.Item2), $"silo{index + 1}");
        return ports;
    }

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
        // With a log directory, Orleans' own account of joining and leaving is kept.
        ["Logging__LogLevel__Orleans"] = _options.LogDir is null ? "Error" : "Information",
    };

    private Process Start(string dll, string[] args, Dictionary<string, string> environment, string name)
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

        if (_options.LogDir is not null)
        {
            // Lines the runner's own times (UTC) can be laid against.
            info.Environment["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
            info.Environment["Logging__Console__UseUtcTimestamp"] = "true";
            // The project's own account too: retried rejections, members asked again.
            info.Environment["Logging__LogLevel__AfterSales"] = "Information";
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        // Drain output so a chatty process never blocks on a full pipe; keep only errors worth a look (and everything
        // in the log directory, when there is one).
        var log = _options.LogDir is { } logs
            ? TextWriter.Synchronized(new StreamWriter(Path.Combine(logs, $"{Interlocked.Increment(ref _incarnations):D2}-{name}.log")) { AutoFlush = true })
            : null;
        process.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            log?.WriteLine(e.Data);
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
