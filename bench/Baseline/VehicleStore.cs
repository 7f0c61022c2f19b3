using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using Npgsql;
using NpgsqlTypes;

namespace AfterSales.Bench.Baseline;

/// <summary>A vehicle as the baseline reads it per request: the rule inputs plus its lifecycle code.</summary>
public sealed record StoredVehicle(VehicleFacts Facts, IReadOnlyList<RepairVisit> Archive, short Lifecycle, DateTimeOffset? LastReadAt, int OdometerKm)
{
    /// <summary>
    /// The reading the system uses when no mileage is asked: the current one from its date on, else the highest reading
    /// by then (dates in the business calendar, UTC+08:00).
    /// </summary>
    public int MileageOn(DateOnly date)
    {
        var latest = 0;
        foreach (var reading in Facts.OdometerReadings)
        {
            if (WarrantyPolicy.Default.DateOf(reading.ReadAt) <= date)
            {
                latest = Math.Max(latest, reading.Km);
            }
        }

        return LastReadAt is not { } last || date >= WarrantyPolicy.Default.DateOf(last) ? OdometerKm : latest;
    }
}

/// <summary>Reads a vehicle's rows in one round trip (three statements in one batch) and upserts odometer readings.</summary>
public sealed class VehicleStore(NpgsqlDataSource db)
{
    private static readonly TimeSpan BusinessOffset = TimeSpan.FromHours(8);

    public async Task<StoredVehicle?> ReadAsync(string vin, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command("SELECT model, batch, production_date, powertrain, price, lifecycle, invoice_date, delivery_date, coverage_restarted_on FROM baseline.vehicles WHERE vin = $1", vin),
                Command("SELECT visit_id, station_code, kind, agreed_at, completed_at, mileage_km, fault_code, system, work_grade, warranty, unit_replaced, main_part_replaced, serious_safety, safety_defect, excluded_hours, recall_campaign_id FROM baseline.visits WHERE vin = $1 ORDER BY agreed_at, visit_id", vin),
                Command("SELECT read_at, km FROM baseline.odometer WHERE vin = $1 ORDER BY read_at", vin),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var facts = new VehicleFacts
        {
            Vin = vin,
            Model = reader.GetString(0),
            Batch = reader.GetString(1),
            ProductionDate = reader.GetFieldValue<DateOnly>(2),
            Powertrain = (Powertrain)reader.GetInt16(3),
            Price = reader.GetDecimal(4),
            InvoiceDate = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
            DeliveryDate = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
            CoverageRestartedOn = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8),
        };
        var lifecycle = reader.GetInt16(5);

        await reader.NextResultAsync(cancellationToken);
        var archive = new List<RepairVisit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            archive.Add(new RepairVisit
            {
                Id = reader.GetString(0),
                StationCode = reader.GetString(1),
                Kind = (VisitKind)reader.GetInt16(2),
                AgreedAt = Local(reader.GetFieldValue<DateTimeOffset>(3)),
                CompletedAt = reader.IsDBNull(4) ? null : Local(reader.GetFieldValue<DateTimeOffset>(4)),
                MileageKm = reader.GetInt32(5),
                FaultCode = reader.IsDBNull(6) ? null : reader.GetString(6),
                System = (VehicleSystem)reader.GetInt16(7),
                WorkGrade = (WorkGrade)reader.GetInt16(8),
                Warranty = reader.GetBoolean(9),
                UnitReplaced = reader.GetBoolean(10),
                MainPartsReplaced = reader.IsDBNull(11) ? [] : [reader.GetString(11)],
                SeriousSafety = reader.GetBoolean(12),
                SafetyDefect = (SafetyDefect)reader.GetInt16(13),
                ExcludedTime = TimeSpan.FromHours(reader.GetDouble(14)),
                RecallCampaignId = reader.IsDBNull(15) ? null : reader.GetString(15),
            });
        }

        await reader.NextResultAsync(cancellationToken);
        var readings = new List<OdometerReading>();
        while (await reader.ReadAsync(cancellationToken))
        {
            readings.Add(new OdometerReading(Local(reader.GetFieldValue<DateTimeOffset>(0)), reader.GetInt32(1)));
        }

        DateTimeOffset? lastReadAt = readings.Count == 0 ? null : readings[^1].ReadAt;
        return new StoredVehicle(facts with { OdometerReadings = readings }, archive, lifecycle, lastReadAt, readings.Count == 0 ? 0 : readings.Max(r => r.Km));
    }

    /// <summary>One statement: inserts the reading unless a higher one exists (never backwards); false when nothing was written.</summary>
    public async Task<bool> UpsertReadingAsync(string vin, DateTimeOffset readAt, int km, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO baseline.odometer AS o (vin, read_at, km)
            SELECT $1, $2, $3
            WHERE EXISTS (SELECT 1 FROM baseline.vehicles WHERE vin = $1)
              AND NOT EXISTS (SELECT 1 FROM baseline.odometer WHERE vin = $1 AND km > $3)
            ON CONFLICT (vin, read_at) DO UPDATE SET km = EXCLUDED.km WHERE o.km <= EXCLUDED.km
            RETURNING km
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = vin });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = readAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = km });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static NpgsqlBatchCommand Command(string sql, string vin) => new(sql)
    {
        Parameters = { new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = vin } },
    };

    private static DateTimeOffset Local(DateTimeOffset utc) => utc.ToOffset(BusinessOffset);
}
