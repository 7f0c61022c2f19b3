using System.Text.Json;
using AfterSales.Grains.Common;
using Npgsql;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// Reads grain_rows (migration 0007) with the grain-state JSON options, so a row's body reads as it was written. A
/// database failure becomes a <see cref="AfterSales.Interfaces.Common.ServiceUnavailableException"/> (503, retry), as
/// for state reads: Npgsql's exceptions cannot travel to the client.
/// </summary>
public sealed class PostgresGrainRowReader(NpgsqlDataSource database, string serviceId) : IGrainRowReader
{
    public async Task<IReadOnlyList<TBody>> ReadAsync<TBody>(string stateName, string grainKey, string kind, TimeSpan? maxAge, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadAllAsync<TBody>(stateName, grainKey, kind, maxAge, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a grain's rows");
        }
    }

    public async Task<TBody?> ReadOneAsync<TBody>(string stateName, string grainKey, string kind, string key, CancellationToken cancellationToken = default)
        where TBody : class
    {
        try
        {
            return await ReadRowAsync<TBody>(stateName, grainKey, kind, key, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a grain's row");
        }
    }

    public async Task<bool> ExistsAsync(string stateName, string grainKey, string kind, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand("""
                SELECT EXISTS (SELECT 1 FROM grain_rows WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND kind = $4 AND row_key = $5)
                """);
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(stateName);
            command.Parameters.AddWithValue(grainKey);
            command.Parameters.AddWithValue(kind);
            command.Parameters.AddWithValue(key);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a grain's row");
        }
    }

    public async Task<IReadOnlyDictionary<string, TBody>> ReadManyAsync<TBody>(string stateName, string grainKey, string kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
        where TBody : class
    {
        if (keys.Count == 0)
        {
            return new Dictionary<string, TBody>(StringComparer.Ordinal);
        }

        try
        {
            return await ReadRowsAsync<TBody>(stateName, grainKey, kind, keys, cancellationToken);
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a grain's rows");
        }
    }

    public async Task<IReadOnlyList<KeyValuePair<string, TBody>>> ReadPageAsync<TBody>(string stateName, string grainKey, string kind, string? beforeKey, int limit, CancellationToken cancellationToken = default)
        where TBody : class
    {
        try
        {
            // The primary key (…, kind, row_key) serves the range and the order.
            await using var command = database.CreateCommand("""
                SELECT row_key, body::text FROM grain_rows
                WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND kind = $4 AND ($5::text IS NULL OR row_key < $5) AND body IS NOT NULL
                ORDER BY row_key DESC
                LIMIT $6
                """);
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(stateName);
            command.Parameters.AddWithValue(grainKey);
            command.Parameters.AddWithValue(kind);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.AddWithValue(limit);
            var rows = new List<KeyValuePair<string, TBody>>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize<TBody>(reader.GetString(1), JsonGrainStateSerializer.Options) is { } body)
                {
                    rows.Add(KeyValuePair.Create(reader.GetString(0), body));
                }
            }

            return rows;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a page of a grain's rows");
        }
    }

    private async Task<IReadOnlyList<TBody>> ReadAllAsync<TBody>(string stateName, string grainKey, string kind, TimeSpan? maxAge, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT body::text FROM grain_rows
            WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND kind = $4 AND ($5::interval IS NULL OR written_on >= now() - $5::interval)
            """);
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(stateName);
        command.Parameters.AddWithValue(grainKey);
        command.Parameters.AddWithValue(kind);
        command.Parameters.Add(new NpgsqlParameter { Value = maxAge is { } age ? age : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
        var rows = new List<TBody>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0) && JsonSerializer.Deserialize<TBody>(reader.GetString(0), JsonGrainStateSerializer.Options) is { } body)
            {
                rows.Add(body);
            }
        }

        return rows;
    }

    private async Task<TBody?> ReadRowAsync<TBody>(string stateName, string grainKey, string kind, string key, CancellationToken cancellationToken)
        where TBody : class
    {
        await using var command = database.CreateCommand("""
            SELECT body::text FROM grain_rows
            WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND kind = $4 AND row_key = $5
            """);
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(stateName);
        command.Parameters.AddWithValue(grainKey);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(key);
        return await command.ExecuteScalarAsync(cancellationToken) is string json
            ? JsonSerializer.Deserialize<TBody>(json, JsonGrainStateSerializer.Options)
            : null;
    }

    private async Task<IReadOnlyDictionary<string, TBody>> ReadRowsAsync<TBody>(string stateName, string grainKey, string kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
        where TBody : class
    {
        await using var command = database.CreateCommand("""
            SELECT row_key, body::text FROM grain_rows
            WHERE service_id = $1 AND state_name = $2 AND grain_key = $3 AND kind = $4 AND row_key = ANY($5)
            """);
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(stateName);
        command.Parameters.AddWithValue(grainKey);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(keys.ToArray());
        var rows = new Dictionary<string, TBody>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(1) && JsonSerializer.Deserialize<TBody>(reader.GetString(1), JsonGrainStateSerializer.Options) is { } body)
            {
                rows[reader.GetString(0)] = body;
            }
        }

        return rows;
    }
}
