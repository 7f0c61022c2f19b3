using Npgsql;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of a test's own (scripts/postgres.sh), for tests that stop and start the database.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(2);
    private readonly string _dataDirectory;

    private PrivatePostgres(string dataDirectory, int port)
    {
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = "aftersales",
        Username = "aftersales",
        // Fail fast while the server is down instead of waiting the default 15 s per attempt.
        Timeout = 3,
    }.ConnectionString;

    public static async Task<PrivatePostgres> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("aftersales-outage-pg-").FullName;
        var server = new PrivatePostgres(directory, FreePorts.Next());
        await server.StartServerAsync();
        return server;
    }

    public Task StartServerAsync() => RunAsync($"PG_FSYNC=off pg_start '{_dataDirectory}' {Port}");

    public Task StopServerAsync() => RunAsync($"pg_stop '{_dataDirectory}'");

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static async Task RunAsync(string command)
    {
        await using var process = ExternalProcess.Start("bash", ["-c", $"source scripts/postgres.sh && {command}"]);
        var exitCode = await process.WaitForExitAsync(ScriptTimeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed with exit code {exitCode}:\n{process.Output}");
        }
    }
}
