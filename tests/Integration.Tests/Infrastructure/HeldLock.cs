using Npgsql;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// Another transaction holding a lock (a row, a table) in PostgreSQL: whatever needs it waits until disposal rolls the
/// transaction back. Tests use it to hold a write or read in the database while they look at what is queued behind it.
/// </summary>
public sealed class HeldLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Runs <paramref name="sql"/> (a <c>LOCK TABLE</c> or a <c>SELECT … FOR UPDATE</c>) in a transaction left open.</summary>
    public static async Task<HeldLock> TakeAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
        return new HeldLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
