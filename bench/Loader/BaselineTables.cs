using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Bench.Loader;

/// <summary>
/// The relational tables the database-per-request baseline reads (schema <c>baseline</c>): one row per vehicle,
/// one per visit, one per kept odometer reading. Filled with binary COPY.
/// </summary>
public static class BaselineTables
{
    private const string Schema = """
        DROP SCHEMA IF EXISTS baseline CASCADE;
        CREATE SCHEMA baseline;
        CREATE TABLE baseline.vehicles (
            vin text PRIMARY KEY, model text NOT NULL, batch text NOT NULL, production_date date NOT NULL,
            powertrain smallint NOT NULL, price numeric(12,2) NOT NULL, lifecycle smallint NOT NULL,
            invoice_date date, delivery_date date, coverage_restarted_on date);
        CREATE TABLE baseline.visits (
            vin text NOT NULL, visit_id text NOT NULL, station_code text NOT NULL, kind smallint NOT NULL,
            agreed_at timestamptz NOT NULL, completed_at timestamptz, mileage_km integer NOT NULL, fault_code text,
            system smallint NOT NULL, work_grade smallint NOT NULL, warranty boolean NOT NULL, unit_replaced boolean NOT NULL,
            main_part_replaced text, serious_safety boolean NOT NULL, safety_defect smallint NOT NULL,
            excluded_hours double precision NOT NULL, recall_campaign_id text, work_done text, appraiser text,
            PRIMARY KEY (vin, visit_id));
        CREATE TABLE baseline.catalogue (effective_from date PRIMARY KEY, document jsonb NOT NULL);
        CREATE TABLE baseline.odometer (
            vin text NOT NULL, read_at timestamptz NOT NULL, km integer NOT NULL,
            PRIMARY KEY (vin, read_at));
        """;

    public static async Task CreateAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(Schema);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task CopyAsync(NpgsqlDataSource db, IReadOnlyList<GeneratedVehicle> vehicles, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY baseline.vehicles (vin, model, batch, production_date, powertrain, price, lifecycle, invoice_date, delivery_date, coverage_restarted_on) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var v in vehicles)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(v.Vin, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(v.Model, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(v.Batch, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(v.ProductionDate, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync((short)v.Powertrain, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(v.Price, NpgsqlDbType.Numeric, cancellationToken);
                await copy.WriteAsync((short)v.Lifecycle, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(v.InvoiceDate, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync(v.DeliveryDate, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY baseline.visits (vin, visit_id, station_code, kind, agreed_at, completed_at, mileage_km, fault_code, system, work_grade, warranty, unit_replaced, main_part_replaced, serious_safety, safety_defect, excluded_hours, recall_campaign_id, work_done, appraiser) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var v in vehicles)
            {
                foreach (var visit in v.Visits)
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(v.Vin, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(visit.VisitId, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(visit.StationCode, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync((short)visit.Kind, NpgsqlDbType.Smallint, cancellationToken);
                    await copy.WriteAsync(visit.AgreedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(visit.CompletedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(visit.MileageKm, NpgsqlDbType.Integer, cancellationToken);
                    await WriteNullableAsync(copy, visit.FaultCode, cancellationToken);
                    await copy.WriteAsync((short)visit.System, NpgsqlDbType.Smallint, cancellationToken);
                    await copy.WriteAsync((short)visit.WorkGrade, NpgsqlDbType.Smallint, cancellationToken);
                    await copy.WriteAsync(visit.Warranty, NpgsqlDbType.Boolean, cancellationToken);
                    await copy.WriteAsync(visit.UnitReplaced, NpgsqlDbType.Boolean, cancellationToken);
                    await WriteNullableAsync(copy, visit.MainPartReplaced, cancellationToken);
                    await copy.WriteAsync(visit.SeriousSafety, NpgsqlDbType.Boolean, cancellationToken);
                    await copy.WriteAsync((short)visit.SafetyDefect, NpgsqlDbType.Smallint, cancellationToken);
                    await copy.WriteAsync(0.0, NpgsqlDbType.Double, cancellationToken);
                    await copy.WriteNullAsync(cancellationToken);
                    await copy.WriteAsync(visit.WorkDone, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(visit.Appraiser, NpgsqlDbType.Text, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY baseline.odometer (vin, read_at, km) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var v in vehicles)
            {
                foreach (var (readAt, km) in DataSet.KeptReadings(v))
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(v.Vin, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(readAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(km, NpgsqlDbType.Integer, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var catalogue = new NpgsqlCommand("INSERT INTO baseline.catalogue (effective_from, document) VALUES ($1, $2)", connection))
        {
            catalogue.Parameters.Add(new NpgsqlParameter { Value = DateOnly.Parse(DataSet.CatalogueEffectiveFrom, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Date });
            catalogue.Parameters.Add(new NpgsqlParameter { Value = System.Text.Json.JsonSerializer.Serialize(DataSet.Catalogue, System.Text.Json.JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb });
            await catalogue.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("ANALYZE baseline.vehicles; ANALYZE baseline.visits; ANALYZE baseline.odometer;", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
