using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// Applies the project's versioned SQL migrations (embedded <c>Persistence/Migrations/*.sql</c>) in name order.
/// Applied scripts are journaled in <c>schema_migrations</c>, so a second run changes nothing; every script is
/// also written to be idempotent on its own. A PostgreSQL advisory lock serialises silos that start at once.
/// </summary>
public sealed partial class DatabaseMigrator(string connectionString, ILogger<DatabaseMigrator> logger)
{
    // Any constant works; it only has to be the same for every process migrating this database.
    private const long MigrationLockKey = 0x4166_7465_7253_616C; // "AfterSal"

    /// <summary>Applies every pending migration and returns the names of the scripts it ran.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            acquire.Parameters.AddWithValue("key", MigrationLockKey);
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly,
                    name => name.Contains(".Persistence.Migrations.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", "schema_migrations")
                .WithTransactionPerScript()
                // Query texts are dollar-quoted ($q$ … $q$); DbUp's $variable$ substitution would mangle them.
                .WithVariablesDisabled()
                .LogTo(new DbUpLogAdapter(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Database migration failed in script '{result.ErrorScript?.Name}': {result.Error?.Message}", result.Error);
            }

            var applied = result.Scripts.Select(script => script.Name).ToList();
            LogMigrated(logger, applied.Count);
            return applied;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database schema is current ({Applied} migration(s) applied in this run)")]
    private static partial void LogMigrated(ILogger logger, int applied);

    private sealed class DbUpLogAdapter(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
