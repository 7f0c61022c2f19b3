using System.Data;
using System.Text;
using AfterSales.Integration.Tests.Infrastructure;
using Npgsql;

namespace AfterSales.Integration.Tests.Foundation;

/// <summary>
/// The grain-state write query (<c>WriteToStorageKey</c>) against PostgreSQL, with parameters typed the way the
/// Orleans ADO.NET provider types them: its optimistic-concurrency contract is what keeps a lost reply or a
/// second activation from overwriting newer state.
/// </summary>
public sealed class StorageQueryTests
{
    [Fact]
    public async Task WriteQuery_InsertsOnce_UpdatesOnlyFromTheCurrentVersion_AndRefusesStaleWritesWithoutChangingTheRow()
    {
        var connectionString = await TestDatabase.CreateAsync("storage");
        var query = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT querytext FROM orleansquery WHERE querykey = 'WriteToStorageKey'");

        var first = await WriteAsync(connectionString, query!, version: null, """{"odometerKm":10}""");
        var secondInsert = await WriteAsync(connectionString, query!, version: null, """{"odometerKm":99}""");
        var update = await WriteAsync(connectionString, query!, version: 1, """{"odometerKm":20}""");
        var stale = await WriteAsync(connectionString, query!, version: 1, """{"odometerKm":77}""");
        var ahead = await WriteAsync(connectionString, query!, version: 5, """{"odometerKm":88}""");

        Assert.Equal(1, first);
        Assert.Null(secondInsert);
        Assert.Equal(2, update);
        Assert.Null(stale);
        Assert.Null(ahead);
        var stored = await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT version || ' ' || (payload->>'odometerKm') FROM grain_state WHERE state_name = 'vehicle' AND grain_key = 'VIN-1'");
        Assert.Equal("2 20", stored);
    }

    private static async Task<int?> WriteAsync(string connectionString, string query, int? version, string json)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.Add(Parameter("ServiceId", DbType.String, "svc"));
        command.Parameters.Add(Parameter("GrainTypeString", DbType.String, "vehicle"));
        command.Parameters.Add(Parameter("GrainIdExtensionString", DbType.String, "VIN-1"));
        command.Parameters.Add(Parameter("GrainIdN0", DbType.Int64, 0L));
        command.Parameters.Add(Parameter("GrainIdN1", DbType.Int64, 0L));
        command.Parameters.Add(Parameter("GrainStateVersion", DbType.Int32, version));
        command.Parameters.Add(Parameter("PayloadBinary", DbType.Binary, Encoding.UTF8.GetBytes(json)));
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetInt32(0) : null;
    }

    private static NpgsqlParameter Parameter(string name, DbType type, object? value) =>
        new(name, value ?? DBNull.Value) { DbType = type };
}
