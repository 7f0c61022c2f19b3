using AfterSales.Grains.Privacy;
using AfterSales.Interfaces.Privacy;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// The personal-data read log in PostgreSQL (migration 0018: append-only, a trigger refuses updates and deletes).
/// Every full read of personal data is recorded before its reply, so under load a commit per read was a second
/// commit on every operator write; concurrent reads are group-committed instead (<see cref="GroupCommitQueue{TItem, TResult}"/>:
/// one multi-row INSERT and one commit per batch, a lone read leaving at once). An append returns only when its
/// batch has committed, and a failed batch fails each of its appends.
/// </summary>
public sealed class PostgresPersonalDataLog : IPersonalDataLog
{
    private readonly NpgsqlDataSource _database;
    private readonly string _serviceId;

    public PostgresPersonalDataLog(NpgsqlDataSource database, string serviceId, int maxBatchSize = 128, int maxBatchesInFlight = 2)
    {
        _database = database;
        _serviceId = serviceId;
        Appends = new GroupCommitQueue<PersonalDataRead, bool>(AppendBatchAsync, maxBatchSize, maxBatchesInFlight);
    }

    /// <summary>The batches the appends went out in (tests and diagnostics read its counts).</summary>
    public GroupCommitQueue<PersonalDataRead, bool> Appends { get; }

    public Task AppendAsync(PersonalDataRead read, CancellationToken cancellationToken = default) => Appends.EnqueueAsync(read);

    private async Task<IReadOnlyList<bool>> AppendBatchAsync(IReadOnlyList<PersonalDataRead> batch)
    {
        var at = new DateTime[batch.Count];
        var actors = new string[batch.Count];
        var kinds = new string[batch.Count];
        var subjects = new string[batch.Count];
        var routes = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            at[i] = batch[i].At.UtcDateTime;
            actors[i] = batch[i].Actor;
            kinds[i] = Kind(batch[i].Subject);
            subjects[i] = batch[i].SubjectId;
            routes[i] = batch[i].Route;
        }

        try
        {
            // WITH ORDINALITY and ORDER BY: the ids (the log's order) follow the order the reads were queued in.
            await using var command = _database.CreateCommand(
                """
                INSERT INTO personal_data_reads (service_id, read_at, actor, subject_kind, subject_id, route)
                SELECT $1, r.read_at, r.actor, r.subject_kind, r.subject_id, r.route
                FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
                    AS r(read_at, actor, subject_kind, subject_id, route, position)
                ORDER BY r.position
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = actors, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = routes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var inserted = await command.ExecuteNonQueryAsync();
            if (inserted != batch.Count)
            {
                throw new InvalidOperationException($"Recording {batch.Count} reads of personal data inserted {inserted} rows.");
            }

            return new bool[batch.Count];
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Recording a read of personal data");
        }
    }

    public async Task<IReadOnlyList<PersonalDataReadEntry>> QueryAsync(PersonalDataQuery query, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _database.CreateCommand(
                """
                SELECT id, read_at, actor, subject_kind, subject_id, route FROM personal_data_reads
                WHERE service_id = $1
                  AND ($2::text IS NULL OR subject_kind = $2) AND ($3::text IS NULL OR subject_id = $3)
                  AND ($4::text IS NULL OR actor = $4) AND ($5::bigint IS NULL OR id < $5)
                ORDER BY id DESC LIMIT $6
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = _serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = query.Subject is { } subject ? Kind(subject) : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.SubjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.BeforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = query.Limit });
            var entries = new List<PersonalDataReadEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new PersonalDataReadEntry(
                    reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero), reader.GetString(2),
                    reader.GetString(3) == "complaint" ? PersonalDataSubject.Complaint : PersonalDataSubject.Vehicle, reader.GetString(4), reader.GetString(5)));
            }

            return entries;
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, "Reading the log of personal-data reads");
        }
    }

    private static string Kind(PersonalDataSubject subject) => subject == PersonalDataSubject.Complaint ? "complaint" : "vehicle";
}
