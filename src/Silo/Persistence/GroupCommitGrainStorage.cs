using System.Data.Common;
using System.Globalization;
using AfterSales.Grains.Common;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace AfterSales.Silo.Persistence;

/// <summary>How a silo groups its grain-state writes (configuration section <c>GroupCommit</c>).</summary>
public sealed class GroupCommitOptions
{
    public const string SectionName = "GroupCommit";

    /// <summary>Write grain states in groups (one round trip and one commit per group). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most writes in one group; at most 64 (see migration 0014). Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>Groups being written at once, each on its own connection (and as many groups of reads). Default 2.</summary>
    public int MaxBatchesInFlight { get; set; } = 2;

    /// <summary>How long one group may take before it fails, and with it each of its writes. Default 30 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxBatchSize is < 1 or > 64)
        {
            problems.Add($"{SectionName}:MaxBatchSize must be from 1 to 64 (was {MaxBatchSize}).");
        }

        if (MaxBatchesInFlight is < 1 or > 64)
        {
            problems.Add($"{SectionName}:MaxBatchesInFlight must be from 1 to 64 (was {MaxBatchesInFlight}).");
        }

        if (CommandTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{SectionName}:CommandTimeout must be at least 1 s (was {CommandTimeout}).");
        }

        return problems;
    }
}

/// <summary>
/// Grain storage whose writes are group-committed: the states grains save at about the same time go to PostgreSQL in
/// one call of <c>write_grain_states_split</c> (migrations 0014, 0016), so one round trip and one commit, instead of one
/// each; each document goes with its rows taken out (<see cref="StateDocument"/>), which the database writes set-based.
/// Every write keeps its own version check: a stale version fails that write alone (<see cref="InconsistentStateException"/>),
/// as does a duplicate row or any other error the database reports for it; a failure of the call fails every write
/// in it, and none of them is stored. A write's task ends only after its group has committed.
/// Reads are grouped the same way (<c>read_grain_states</c>, migration 0015): activations under load share round trips.
/// Clears go to the inner storage (the ADO.NET provider, which keys and versions the rows the same way).
/// </summary>
public sealed class GroupCommitGrainStorage : IGrainStorage
{
    private const string WriteStatesSql =
        "SELECT new_version, error_code, error_message FROM write_grain_states_split($1, $2, $3, $4, $5, $6, $7, $8, $9) ORDER BY item";

    private const string ReadStatesSql = "SELECT item, payload, version FROM read_grain_states($1, $2, $3, $4, $5)";

    private readonly IGrainStorage _inner;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly int _commandTimeoutSeconds;

    public GroupCommitGrainStorage(IGrainStorage inner, NpgsqlDataSource dataSource, string serviceId, IGrainStorageSerializer serializer, GroupCommitOptions options)
    {
        _inner = inner;
        _dataSource = dataSource;
        _serviceId = serviceId;
        _serializer = serializer;
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        Queue = new GroupCommitQueue<StateWrite, StateWriteOutcome>(WriteBatchAsync, options.MaxBatchSize, options.MaxBatchesInFlight);
        Reads = new GroupCommitQueue<StateKey, StoredState>(ReadBatchAsync, options.MaxBatchSize, options.MaxBatchesInFlight);
    }

    /// <summary>The grouping of this silo's writes (its counts show how many writes each commit carried).</summary>
    public GroupCommitQueue<StateWrite, StateWriteOutcome> Queue { get; }

    /// <summary>The grouping of this silo's reads.</summary>
    public GroupCommitQueue<StateKey, StoredState> Reads { get; }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await ReadAsync(stateName, grainId, grainState);
        }
        catch
        {
            // Counted here rather than by Orleans' state bridge, which the vehicles' states do not pass through.
            AfterSalesMetrics.StorageError("read", stateName);
            throw;
        }
    }

    private async Task ReadAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await Reads.EnqueueAsync(StateKey.Of(stateName, grainId));
        // As the ADO.NET provider: no row (or an empty one) reads as a new state with no version.
        var state = stored.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : default;
        grainState.State = state ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.Version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = stored.Payload is not null;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await WriteAsync(stateName, grainId, grainState);
        }
        catch
        {
            AfterSalesMetrics.StorageError("write", stateName);
            throw;
        }
    }

    private async Task WriteAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = string.IsNullOrWhiteSpace(grainState.ETag) ? (int?)null : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var write = new StateWrite(StateKey.Of(stateName, grainId), version, _serializer.Serialize(grainState.State).ToArray());
        var outcome = await Queue.EnqueueAsync(write);
        if (outcome.ErrorCode is not null)
        {
            throw new StateWriteFailedException(outcome.ErrorCode, $"Writing the {stateName} state of {grainId} failed: {outcome.ErrorMessage} (SQLSTATE {outcome.ErrorCode})");
        }

        if (outcome.NewVersion is not { } written)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={_serviceId} GrainType={stateName} GrainId={grainId} ETag={grainState.ETag}.");
        }

        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <summary>Writes <paramref name="batch"/> in one statement (one round trip, one transaction).</summary>
    public async Task<IReadOnlyList<StateWriteOutcome>> WriteBatchAsync(IReadOnlyList<StateWrite> batch)
    {
        AfterSalesMetrics.WriteBatch(batch.Count);
        var stateNames = new string[batch.Count];
        var grainKeys = new string?[batch.Count];
        var n0 = new long[batch.Count];
        var n1 = new long[batch.Count];
        var versions = new int?[batch.Count];
        var payloads = new byte[batch.Count][];
        var newRows = new string?[batch.Count];
        var absentRows = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            stateNames[i] = write.Key.StateName;
            grainKeys[i] = write.Key.GrainKey;
            n0[i] = write.Key.N0;
            n1[i] = write.Key.N1;
            versions[i] = write.Version;
            (payloads[i], newRows[i], absentRows[i]) = StateDocument.Split(write.Payload);
        }

        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(WriteStatesSql, connection) { CommandTimeout = _commandTimeoutSeconds };
        AddKeyParameters(command, stateNames, grainKeys, n0, n1);
        command.Parameters.Add(new NpgsqlParameter { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = newRows, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = absentRows, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        // Prepared once per physical connection (the connections are not reset when pooled).
        await command.PrepareAsync().ConfigureAwait(false);

        var outcomes = new List<StateWriteOutcome>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            outcomes.Add(new StateWriteOutcome(
                reader.IsDBNull(0) ? null : reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return outcomes;
    }

/// <summary>Reads the states of <paramref name="batch"/> in one statement; a grain with no row reads as <see cref="StoredState"/>'s default.</summary>
    public async Task<IReadOnlyList<StoredState>> ReadBatchAsync(IReadOnlyList<StateKey> batch)
    {
        var stateNames = new string[batch.Count];
        var grainKeys = new string?[batch.Count];
        var n0 = new long[batch.Count];
        var n1 = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            (stateNames[i], grainKeys[i], n0[i], n1[i]) = batch[i];
        }

        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(ReadStatesSql, connection) { CommandTimeout = _commandTimeoutSeconds };
        AddKeyParameters(command, stateNames, grainKeys, n0, n1);
        await command.PrepareAsync().ConfigureAwait(false);

        var states = new StoredState[batch.Count];
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            states[reader.GetInt32(0) - 1] = new StoredState(
                reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2));
        }

        return states;
    }

    private void AddKeyParameters(NpgsqlCommand command, string[] stateNames, string?[] grainKeys, long[] n0, long[] n1)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = stateNames, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = grainKeys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = n0, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = n1, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
    }
}

/// <summary>The row a grain's state lives in, keyed the way the Orleans ADO.NET provider keys it (so its reads find our writes).</summary>
public readonly record struct StateKey(string StateName, string? GrainKey, long N0, long N1)
{
    public static StateKey Of(string stateName, GrainId grainId)
    {
        if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
        {
            var bytes = guid.ToByteArray();
            return new StateKey(stateName, guidExtension, BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8));
        }

        if (grainId.TryGetIntegerKey(out var integer, out var integerExtension))
        {
            return new StateKey(stateName, integerExtension, 0, integer);
        }

        return new StateKey(stateName, grainId.Key.ToString(), 0, 0);
    }
}

/// <summary>A grain's stored document (null: none) and its version (null: no row).</summary>
public readonly record struct StoredState(byte[]? Payload, int? Version);

/// <summary>One grain's state to write: its row, the version it read (null: it read nothing) and its JSON.</summary>
public sealed record StateWrite(StateKey Key, int? Version, byte[] Payload);

/// <summary>What the database answered for one write: its new version, or the error it alone failed with, or neither (a version conflict).</summary>
public readonly record struct StateWriteOutcome(int? NewVersion, string? ErrorCode, string? ErrorMessage);

/// <summary>
/// The database refused one write of a group (the others may have committed). A <see cref="DbException"/> with the
/// database's SQLSTATE, so the silo treats it as it treats the same error from a write of its own: a duplicate row
/// (23505) tells a grain a fact was already recorded, anything else is a database failure the caller may retry.
/// </summary>
public sealed class StateWriteFailedException(string sqlState, string message) : DbException(message)
{
    public override string SqlState { get; } = sqlState;
}
