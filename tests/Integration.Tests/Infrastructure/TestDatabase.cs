using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// Databases on the throwaway PostgreSQL that ./test.sh starts (AFTERSALES_TEST_POSTGRES). Every fixture gets a
/// database of its own, so tests never see each other's rows.
/// </summary>
public static class TestDatabase
{
    public const string ServerVariable = "AFTERSALES_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable)
        ?? throw new InvalidOperationException($"{ServerVariable} is not set: run the tests with ./test.sh, which starts a throwaway PostgreSQL.");

    /// <summary>Creates an empty database and returns its connection string; migrated unless asked otherwise.</summary>
    public static async Task<string> CreateAsync(string purpose, bool migrate = true)
    {
        var name = $"t_{purpose}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
        if (migrate)
        {
            await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        }

        return connectionString;
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
