using AfterSales.Grains.Privacy;
using AfterSales.Interfaces.Privacy;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Silo.Persistence;

/// <summary>The personal-data read log in PostgreSQL (migration 0018: append-only, a trigger refuses updates and deletes).</summary>
public sealed class PostgresPersonalDataLog(NpgsqlDataSource database, string serviceId) : IPersonalDataLog
{
    public async Task AppendAsync(PersonalDataRead read, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.CreateCommand(
                "INSERT INTO personal_data_reads (service_id, read_at, actor, subject_kind, subject_id, route) VALUES ($1, $2, $3, $4, $5, $6)");
            command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = read.At.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = read.Actor });
            command.Parameters.Add(new NpgsqlParameter { Value = Kind(read.Subject) });
            command.Parameters.Add(new NpgsqlParameter { Value = read.SubjectId });
            command.Parameters.Add(new NpgsqlParameter { Value = read.Route });
            await command.ExecuteNonQueryAsync(cancellationToken);
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
            await using var command = database.CreateCommand(
                """
                SELECT id, read_at, actor, subject_kind, subject_id, route FROM personal_data_reads
                WHERE service_id = $1
                  AND ($2::text IS NULL OR subject_kind = $2) AND ($3::text IS NULL OR subject_id = $3)
                  AND ($4::text IS NULL OR actor = $4) AND ($5::bigint IS NULL OR id < $5)
                ORDER BY id DESC LIMIT $6
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
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
