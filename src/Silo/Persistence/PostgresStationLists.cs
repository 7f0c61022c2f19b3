using System.Text.Json;
using AfterSales.Grains.Complaints;
using AfterSales.Grains.Stations;
using AfterSales.Interfaces.Stations;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// A station's lists in PostgreSQL, read with the grain-state JSON options so a document reads as the grain wrote it.
/// Work orders: the live ones in the station's document (grain_state 'station', "workOrders") and the closed ones in
/// its rows (grain_rows kind 'workOrder'), in one statement so an order closing meanwhile is seen once. Complaints: the
/// complaint documents whose "stationCode" is the station (migration 0020's column and index).
/// </summary>
public sealed class PostgresStationLists(NpgsqlDataSource database, string serviceId) : IStationLists
{
    public async Task<long?> StationRevisionAsync(string stationCode, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand(
                """
                SELECT coalesce((payload->>'revision')::bigint, 0) FROM grain_state
                WHERE service_id = $1 AND state_name = 'station' AND grain_key = $2
                  AND jsonb_typeof(payload->'registry') = 'object'
                """);
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(stationCode);
            return await command.ExecuteScalarAsync(cancellationToken) is long revision ? revision : null;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a station");
        }
    }

    public async Task<IReadOnlyList<ListedWorkOrder>> WorkOrdersAsync(string stationCode, long? beforeNumber, int limit, CancellationToken cancellationToken = default)
    {
        try
        {
            // A closed order leaves the document in the statement that writes its row, so it is in one or the other;
            // should it be in both, the document's (live) copy wins.
            await using var command = database.CreateCommand(
                """
                WITH orders AS (
                    SELECT 0 AS source, o AS body
                    FROM grain_state g, jsonb_array_elements(CASE WHEN jsonb_typeof(g.payload->'workOrders') = 'array' THEN g.payload->'workOrders' ELSE '[]'::jsonb END) AS o
                    WHERE g.service_id = $1 AND g.state_name = 'station' AND g.grain_key = $2
                    UNION ALL
                    SELECT 1, r.body FROM grain_rows r
                    WHERE r.service_id = $1 AND r.state_name = 'station' AND r.grain_key = $2 AND r.kind = 'workOrder' AND r.body IS NOT NULL),
                numbered AS (
                    SELECT substring(body->>'id' from '-([0-9]{1,18})$')::bigint AS n, source, body FROM orders)
                SELECT DISTINCT ON (n) n, body::text FROM numbered
                WHERE n IS NOT NULL AND ($3::bigint IS NULL OR n < $3)
                ORDER BY n DESC, source
                LIMIT $4
                """);
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(stationCode);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeNumber ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.AddWithValue(limit);
            var orders = new List<ListedWorkOrder>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize<WorkOrderView>(reader.GetString(1), JsonGrainStateSerializer.Options) is { } order)
                {
                    orders.Add(new ListedWorkOrder(reader.GetInt64(0), order));
                }
            }

            return orders;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading a station's work orders");
        }
    }

    public Task<IReadOnlyList<ListedComplaint>> ComplaintsAsync(
        string stationCode, (DateTimeOffset RegisteredAt, string Id)? before, int limit, CancellationToken cancellationToken = default) =>
        ReadComplaintsAsync(stationCode, before, limit, "", oldestFirst: false, "Reading a station's complaints", cancellationToken);

    // The queue: cards stored with no station ("stationCode": ""), the closed ones left out, longest waiting first.
    public Task<IReadOnlyList<ListedComplaint>> QueuedComplaintsAsync((DateTimeOffset RegisteredAt, string Id)? after, int limit, CancellationToken cancellationToken = default) =>
        ReadComplaintsAsync("", after, limit, "AND payload->>'stage' IS DISTINCT FROM 'closed'", oldestFirst: true, "Reading the call centre's queue", cancellationToken);

    public Task<IReadOnlyList<ListedComplaint>> ComplaintsWithActionsAsync(string stationCode, CancellationToken cancellationToken = default) =>
        ReadComplaintsAsync(stationCode, null, int.MaxValue, "AND jsonb_typeof(payload->'correctiveActions') = 'array' AND payload->'correctiveActions' <> '[]'::jsonb",
            oldestFirst: false, "Reading a station's corrective actions", cancellationToken);

    private async Task<IReadOnlyList<ListedComplaint>> ReadComplaintsAsync(
        string stationCode, (DateTimeOffset RegisteredAt, string Id)? from, int limit, string filter, bool oldestFirst, string what, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.CreateCommand(
                $"""
                SELECT grain_key, registered_at, payload::text FROM (
                    SELECT grain_key, (payload->>'registeredAt')::timestamptz AS registered_at, payload FROM grain_state
                    WHERE service_id = $1 AND complaint_station = $2 AND jsonb_typeof(payload->'intake') = 'object' {filter}) AS c
                WHERE $3::timestamptz IS NULL OR (registered_at, grain_key) {(oldestFirst ? ">" : "<")} ($3, $4)
                ORDER BY registered_at {(oldestFirst ? "ASC" : "DESC")}, grain_key {(oldestFirst ? "ASC" : "DESC")}
                LIMIT $5
                """);
            command.Parameters.AddWithValue(serviceId);
            command.Parameters.AddWithValue(stationCode);
            command.Parameters.Add(new NpgsqlParameter { Value = from is { } at ? at.RegisteredAt : (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = from is { } key ? key.Id : (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.AddWithValue(limit);
            var complaints = new List<ListedComplaint>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize<ComplaintGrainState>(reader.GetString(2), JsonGrainStateSerializer.Options) is { IsRegistered: true } state)
                {
                    complaints.Add(new ListedComplaint(reader.GetString(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero), state));
                }
            }

            return complaints;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, what);
        }
    }
}
