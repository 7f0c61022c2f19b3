using Npgsql;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// PostgreSQL refusing one grain's writes: a trigger on grain_state that raises for one state name and grain key
/// (and, optionally, only for documents matching a condition on NEW.payload), so exactly one step of a flow fails
/// while everything else writes. The grain's whole write fails — its state, its outbox and its grain_rows are one
/// statement — as it would for a lost connection, a full disk or a lock timeout. Dispose to lift it.
/// </summary>
public sealed class WriteRefusal : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _trigger;
    private bool _lifted;

    private WriteRefusal(string connectionString, string trigger)
    {
        _connectionString = connectionString;
        _trigger = trigger;
    }

    /// <summary>
    /// From now on every write of grain <paramref name="grainKey"/>'s <paramref name="stateName"/> state fails
    /// (where <paramref name="payloadCondition"/>, SQL over <c>NEW.payload</c>, holds, if given).
    /// </summary>
    public static async Task<WriteRefusal> StartAsync(string connectionString, string stateName, string grainKey, string? payloadCondition = null)
    {
        var trigger = "refuse_" + Guid.NewGuid().ToString("N")[..12];
        var when = $"NEW.state_name = {Literal(stateName)} AND NEW.grain_key = {Literal(grainKey)}" + (payloadCondition is null ? "" : $" AND ({payloadCondition})");
        await ExecuteAsync(connectionString, $"""
            CREATE OR REPLACE FUNCTION test_refuse_grain_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- A sequence is not rolled back with the refused write: it counts the refusals.
                PERFORM nextval(TG_ARGV[0]::regclass);
                RAISE EXCEPTION 'writes of % % are refused (test fault)', NEW.state_name, NEW.grain_key;
            END $$;
            CREATE SEQUENCE {trigger}_fired;
            CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON grain_state FOR EACH ROW
                WHEN ({when}) EXECUTE FUNCTION test_refuse_grain_write('{trigger}_fired');
            """);
        return new WriteRefusal(connectionString, trigger);
    }

    /// <summary>How many writes were refused so far (a test shows its fault happened).</summary>
    public async Task<long> RefusedAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {_trigger}_fired", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Lets the grain write again (idempotent); returns how many writes were refused.</summary>
    public async Task<long> LiftAsync()
    {
        var refused = await RefusedAsync();
        if (!_lifted)
        {
            await ExecuteAsync(_connectionString, $"DROP TRIGGER IF EXISTS {_trigger} ON grain_state");
            _lifted = true;
        }

        return refused;
    }

    /// <summary>
    /// <see cref="LiftAsync"/> for a synchronous callback (say, while a restarted silo is down); returns how many
    /// writes were refused.
    /// </summary>
    public long Lift()
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var count = new NpgsqlCommand($"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {_trigger}_fired", connection);
        var refused = (long)count.ExecuteScalar()!;
        if (!_lifted)
        {
            using var drop = new NpgsqlCommand($"DROP TRIGGER IF EXISTS {_trigger} ON grain_state", connection);
            drop.ExecuteNonQuery();
            _lifted = true;
        }

        return refused;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_lifted)
        {
            await LiftAsync();
        }
    }

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
