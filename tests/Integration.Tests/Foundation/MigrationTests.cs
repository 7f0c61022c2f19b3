using AfterSales.Grains.Vehicles;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Vehicles;
using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace AfterSales.Integration.Tests.Foundation;

public sealed class MigrationTests
{
    // Everything an operator or Orleans could observe of the schema, as one comparable string.
    private const string SchemaSnapshotSql = """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS line
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT 'query ' || querykey || ' ' || md5(querytext) FROM orleansquery
            UNION ALL
            SELECT 'journal ' || scriptname FROM schema_migrations
        ) snapshot
        """;

    [Fact]
    public async Task Migrations_RunTwice_SecondRunAppliesNothingAndChangesNothing()
    {
        var connectionString = await TestDatabase.CreateAsync("migrate", migrate: false);
        var migrator = new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance);

        var first = await migrator.MigrateAsync(CancellationToken.None);
        var afterFirst = await TestDatabase.ScalarAsync<string>(connectionString, SchemaSnapshotSql);
        var second = await migrator.MigrateAsync(CancellationToken.None);
        var afterSecond = await TestDatabase.ScalarAsync<string>(connectionString, SchemaSnapshotSql);

        Assert.NotEmpty(first);
        Assert.Empty(second);
        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task Migrations_ProvideEveryQueryTheOrleansProvidersRequire()
    {
        string[] required =
        [
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "GatewaysQueryKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        var connectionString = await TestDatabase.CreateAsync("queries");

        var keys = await TestDatabase.ScalarAsync<string[]>(connectionString, "SELECT array_agg(querykey) FROM orleansquery");

        Assert.Empty(required.Except(keys!));
    }

    [Fact]
    public async Task Migration0021_GroupWritesAndReads_LookEachKeyUp_EvenOnAConnectionThatBeganOnAnEmptyTable()
    {
        // PL/pgSQL keeps a generic plan from a connection's sixth call: made while grain_state was nearly empty, the
        // set-based join of 0015/0016 then scanned the whole service on every later call (bench/profiling.md, round 3).
        var connectionString = await TestDatabase.CreateAsync("keylookups");
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) " +
            "SELECT 'svc', 'probe', 'k' || g, 0, 0, 1, '{}'::jsonb FROM generate_series(1, 2) g");
        for (var call = 1; call <= 8; call++)
        {
            Assert.Equal([call + 1, call + 1], await WriteGroupAsync(connection, call));
            Assert.Equal(2, await ReadGroupAsync(connection));
        }

        await ExecuteAsync(connection, "INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) " +
            "SELECT 'svc', 'probe', 'other' || g, 0, 0, 1, '{}'::jsonb FROM generate_series(1, 5000) g");

        // The same connection, so the same cached plans: index entries read by one write of two keys, and one read.
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.Equal([10, 10], await WriteGroupAsync(connection, 9));
        Assert.Equal(2, await ReadGroupAsync(connection));
        var fetched = await ScalarAsync<long>(connection, "SELECT coalesce(sum(idx_tup_fetch), 0)::bigint FROM pg_stat_xact_user_tables WHERE relname = 'grain_state'");
        await transaction.CommitAsync();

        // Two keys, each with its chain of nine earlier versions on the page (36 here); the old plan read 10,036.
        Assert.InRange(fetched, 1, 100);
    }

    private static async Task<int?[]> WriteGroupAsync(Npgsql.NpgsqlConnection connection, int version)
    {
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT new_version FROM write_grain_states_split('svc', ARRAY['probe','probe'], ARRAY['k1','k2'], ARRAY[0,0]::bigint[], " +
            "ARRAY[0,0]::bigint[], ARRAY[$1,$1]::integer[], ARRAY[convert_to('{}','UTF8'), convert_to('{}','UTF8')], ARRAY[NULL,NULL]::text[], " +
            "ARRAY[NULL,NULL]::text[]) ORDER BY item", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = version });
        var versions = new List<int?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.IsDBNull(0) ? null : reader.GetInt32(0));
        }

        return [.. versions];
    }

    private static Task<long> ReadGroupAsync(Npgsql.NpgsqlConnection connection) => ScalarAsync<long>(connection,
        "SELECT count(*) FROM read_grain_states('svc', ARRAY['probe','probe'], ARRAY['k1','k2'], ARRAY[0,0]::bigint[], ARRAY[0,0]::bigint[])");

    private static async Task ExecuteAsync(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Migrations_StartedByManySilosAtOnce_AllSucceedAndApplyEachScriptOnce()
    {
        var connectionString = await TestDatabase.CreateAsync("concurrent", migrate: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None))));

        var journaled = await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(*) FROM schema_migrations");
        var distinct = await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT scriptname) FROM schema_migrations");
        Assert.Equal(runs.Max(r => r.Count), runs.Sum(r => r.Count));
        Assert.Equal(distinct, journaled);
        Assert.Equal(runs.Sum(r => r.Count), journaled);
    }

    /// <summary>
    /// Migration 0006: stored vehicle documents written before main parts became a catalogue list name one
    /// <c>mainPartReplaced</c> per visit (or none); they are rewritten to <c>mainPartsReplaced</c>, in the archive and in
    /// remembered replies, and read back by the current state types.
    /// </summary>
    [Fact]
    public async Task Migration0006_RewritesStoredVisitsToTheListOfMainParts()
    {
        var connectionString = await TestDatabase.CreateAsync("mainparts");
        var agreed = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
        CompletedVisit Visit(string id) => new(
            id, "S-1", VisitKind.Repair, agreed, agreed.AddHours(2), 8_000, "P0301", VehicleSystem.Engine, WorkGrade.Minor, true, false,
            [], false, SafetyDefect.None, 0, null, [], null, null);
        var state = new VehicleState
        {
            Identity = new VehicleIdentity("LASCA1S40PS000009", "AS-C11", "B1", new DateOnly(2026, 1, 5), Powertrain.Ice, 119_800m),
            Visits = [new VisitEntry(Visit("WO-1"), 1, null, agreed), new VisitEntry(Visit("WO-2"), 1, null, agreed)],
        };
        // The old shape: the first visit (and its remembered reply, then kept in the document) named one main part, the second none.
        var old = System.Text.Json.Nodes.JsonNode.Parse(new JsonGrainStateSerializer().Serialize(state).ToString())!;
        old["visits"] = System.Text.Json.JsonSerializer.SerializeToNode(state.Visits, JsonGrainStateSerializer.Options);
        old["requests"] = System.Text.Json.JsonSerializer.SerializeToNode(
            new[] { new RememberedRequest("k", "f", agreed, null, new RepairRecordView(Visit("WO-1"), 1, null, agreed), false) }, JsonGrainStateSerializer.Options);
        foreach (var visit in new[] { old["visits"]![0]!["visit"]!, old["visits"]![1]!["visit"]!, old["requests"]![0]!["record"]!["visit"]! })
        {
            visit.AsObject().Remove("mainPartsReplaced");
        }

        old["visits"]![0]!["visit"]!["mainPartReplaced"] = "ENG-CRANK";
        old["requests"]![0]!["record"]!["visit"]!["mainPartReplaced"] = "ENG-CRANK";
        await TestDatabase.ScalarAsync<int>(connectionString,
            "INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES ('s', 'vehicle', 'LASCA1S40PS000009', 0, 0, 1, @payload::jsonb)",
            ("payload", old.ToJsonString()));
        await TestDatabase.ScalarAsync<int>(connectionString,
            "DELETE FROM schema_migrations WHERE scriptname LIKE '%0006_visit_main_parts.sql' OR scriptname LIKE '%0009_vehicle_archive_rows.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        // 0006 rewrites the visits, then 0009 moves them to their rows (in archive order) and counts them.
        Assert.Equal(2, applied.Count);
        var payload = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT payload::text FROM grain_state WHERE grain_key = 'LASCA1S40PS000009'");
        Assert.DoesNotContain("mainPartReplaced\"", payload, StringComparison.Ordinal);
        Assert.Equal(2, new JsonGrainStateSerializer().Deserialize<VehicleState>(new BinaryData(System.Text.Encoding.UTF8.GetBytes(payload!)))!.VisitCount);
        var rows = await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT json_agg(body ORDER BY (body->>'seq')::int)::text FROM grain_rows WHERE grain_key = 'LASCA1S40PS000009' AND kind = 'visit'");
        var stored = System.Text.Json.JsonSerializer.Deserialize<StoredVisit[]>(rows!, JsonGrainStateSerializer.Options)!;
        Assert.Equal(["WO-1", "WO-2"], stored.Select(v => v.Entry.Visit.VisitId));
        Assert.Equal(["ENG-CRANK"], stored[0].Entry.Visit.MainPartsReplaced);
        Assert.Empty(stored[1].Entry.Visit.MainPartsReplaced);
        var remembered = System.Text.Json.JsonSerializer.Deserialize<RememberedRequest>(
            System.Text.Json.Nodes.JsonNode.Parse(payload!)!["requests"]![0]!.ToJsonString(), JsonGrainStateSerializer.Options)!;
        Assert.Equal(["ENG-CRANK"], remembered.Record!.Visit.MainPartsReplaced);
    }

    /// <summary>
    /// Migration 0008: a station document written when it held every work order keeps its live ones; settled and
    /// cancelled ones move to grain_rows, and the count of orders opened is kept (ids go on from it).
    /// </summary>
    [Fact]
    public async Task Migration0008_MovesClosedWorkOrdersOutOfTheStationDocument()
    {
        var connectionString = await TestDatabase.CreateAsync("closedorders");
        await TestDatabase.ScalarAsync<int>(connectionString, """
            INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES
            ('s', 'station', 'S9', 0, 0, 7, '{"version":7,"workOrders":[{"id":"S9-1","state":"settled"},{"id":"S9-2","state":"inRepair"},{"id":"S9-3","state":"cancelled"},{"id":"S9-4","state":"completed"}]}')
            """);
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0008_closed_work_orders.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Single(applied);
        Assert.Equal("S9-2,S9-4 4", await TestDatabase.ScalarAsync<string>(connectionString, """
            SELECT (SELECT string_agg(o->>'id', ',') FROM jsonb_array_elements(payload->'workOrders') AS o) || ' ' || (payload->>'workOrdersOpened')
            FROM grain_state WHERE grain_key = 'S9'
            """));
        Assert.Equal("S9-1 settled,S9-3 cancelled", await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(row_key || ' ' || (body->>'state'), ',' ORDER BY row_key) FROM grain_rows WHERE grain_key = 'S9' AND kind = 'workOrder'"));
    }

    /// <summary>
    /// Migration 0007: idempotency keys kept in the documents ("requests") and the final sources a roll-up remembered
    /// ("finalSources") move to grain_rows, out of the documents; the keys keep the instant they were written.
    /// </summary>
    [Fact]
    public async Task Migration0007_MovesKeysAndFinalSourcesOutOfTheDocuments()
    {
        var connectionString = await TestDatabase.CreateAsync("rows");
        await TestDatabase.ScalarAsync<int>(connectionString, """
            INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES
            ('s', 'station', 'S1', 0, 0, 3, '{"version":3,"requests":[{"key":"k1","fingerprint":"F1","at":"2026-11-30T08:00:00+00:00","created":true},{"key":"k2","fingerprint":"F2","at":"2026-11-30T09:00:00+00:00","created":false}]}'),
            ('s', 'counterRollup', 'station:S1:2026-11', 0, 0, 5, '{"base":{"completedWorkOrders":2},"finalSources":["wo:S1-1","wo:S1-2"]}')
            """);
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0007_grain_rows.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Single(applied);
        Assert.Equal("k1 2026-11-30T08:00:00 F1,k2 2026-11-30T09:00:00 F2", await TestDatabase.ScalarAsync<string>(connectionString, """
            SELECT string_agg(row_key || ' ' || to_char(written_on AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || ' ' || (body->>'fingerprint'), ',' ORDER BY row_key)
            FROM grain_rows WHERE state_name = 'station' AND grain_key = 'S1' AND kind = 'key'
            """));
        Assert.Equal("wo:S1-1,wo:S1-2", await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(row_key, ',' ORDER BY row_key) FROM grain_rows WHERE state_name = 'counterRollup' AND kind = 'final'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM grain_state WHERE payload ? 'requests' OR payload ? 'finalSources'"));
    }

    /// <summary>
    /// Migration 0010: a fleet batch's VINs leave its document for rows (model and region each), and the document
    /// counts them by model and by model and region; a subscription keeps its listed VINs that are in the batch.
    /// </summary>
    [Fact]
    public async Task Migration0010_TurnsABatchsVinsIntoRowsAndCounts()
    {
        var connectionString = await TestDatabase.CreateAsync("fleetcounts");
        await TestDatabase.ScalarAsync<int>(connectionString, """
            INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES
            ('s', 'fleetBatch', 'B9', 0, 0, 4, '{"schemaVersion":1,"model":"M1","otherModels":{"V3":"M2"},"vins":["V1","V2","V3","V4"],
              "regions":{"V1":"Guangdong","V2":"Guangdong","V3":"Hunan"},"revision":3,
              "subscriptions":{"RC1":{"atSubscription":2,"addedSince":1,"listed":["V2","X9"],"listedOnly":false,"models":["M1"]}}}')
            """);
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0010_fleet_batch_counts.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Single(applied);
        Assert.Equal("V1 M1 Guangdong,V2 M1 Guangdong,V3 M2 Hunan,V4 M1 -", await TestDatabase.ScalarAsync<string>(connectionString, """
            SELECT string_agg(row_key || ' ' || (body->>'model') || ' ' || coalesce(body->>'region', '-'), ',' ORDER BY row_key)
            FROM grain_rows WHERE state_name = 'fleetBatch' AND grain_key = 'B9' AND kind = 'vin'
            """));
        var payload = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT payload::text FROM grain_state WHERE grain_key = 'B9'");
        var batch = System.Text.Json.JsonSerializer.Deserialize<AfterSales.Grains.Recalls.FleetBatchState>(payload!, JsonGrainStateSerializer.Options)!;
        Assert.Equal(4, batch.VehicleCount);
        Assert.Equal(3, batch.Models["M1"]);
        Assert.Equal(2, batch.Regions["M1"]["Guangdong"]);
        Assert.Equal(1, batch.Regions["M2"]["Hunan"]);
        Assert.Equal(3, batch.Revision);
        var subscription = batch.Subscriptions["RC1"];
        Assert.Equal((2L, 1L), (subscription.AtSubscription, subscription.AddedSince));
        Assert.Equal(new AfterSales.Grains.Recalls.FleetMember("M1", "Guangdong"), Assert.Single(subscription.ListedHere).Value);
        Assert.DoesNotContain("\"vins\"", payload, StringComparison.Ordinal);
    }

    /// <summary>
    /// Migration 0011: a month's parts plan kept every idempotency key in its document ("keys") and the catalogue its
    /// keys of the day ("requests"); they move to grain_rows, out of the documents. A plan key's row carries the plan it
    /// answered with while that plan is still the one stored; a key whose plan was replaced since carries none (a retry
    /// of it stays refused), and the stored plans read back by the current state type.
    /// </summary>
    [Fact]
    public async Task Migration0011_MovesThePlansAndTheCataloguesKeysOutOfTheDocuments()
    {
        var connectionString = await TestDatabase.CreateAsync("plankeys");
        await TestDatabase.ScalarAsync<int>(connectionString, """
            INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES
            ('s', 'partsPlan', '2026-07', 0, 0, 3, '{"schemaVersion":1,
              "plans":{"S1":{"month":"2026-07","stationCode":"S1","region":"Hubei","lines":[{"partNo":"P-1","quantity":4}],"submittedAt":"2026-07-02T01:00:00+00:00"}},
              "keys":{"k-now":{"fingerprint":"F2","at":"2026-07-02T01:00:00+00:00"},"k-replaced":{"fingerprint":"F1","at":"2026-07-01T01:00:00+00:00"}}}'),
            ('s', 'partsCatalogue', 'national', 0, 0, 2, '{"revision":2,"versions":[],"requests":[{"key":"c1","fingerprint":"FC","at":"2026-07-01T03:00:00+00:00"}]}')
            """);
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0011_parts_plan_keys.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Single(applied);
        var rows = await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT json_agg(body ORDER BY row_key)::text FROM grain_rows WHERE state_name = 'partsPlan' AND grain_key = '2026-07' AND kind = 'key'");
        var keys = System.Text.Json.JsonSerializer.Deserialize<AfterSales.Grains.Parts.RememberedPlan[]>(rows!, JsonGrainStateSerializer.Options)!;
        Assert.Equal(["k-now", "k-replaced"], keys.Select(k => k.Key));
        Assert.Equal(("F2", 4), (keys[0].Fingerprint, keys[0].Plan!.Lines[0].Quantity));
        Assert.Equal("F1", keys[1].Fingerprint);
        Assert.Null(keys[1].Plan);
        Assert.Equal("k-now 2026-07-02T01:00:00,k-replaced 2026-07-01T01:00:00", await TestDatabase.ScalarAsync<string>(connectionString, """
            SELECT string_agg(row_key || ' ' || to_char(written_on AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), ',' ORDER BY row_key)
            FROM grain_rows WHERE state_name = 'partsPlan' AND kind = 'key'
            """));
        Assert.Equal("c1 FC", await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT row_key || ' ' || (body->>'fingerprint') FROM grain_rows WHERE state_name = 'partsCatalogue' AND grain_key = 'national' AND kind = 'key'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM grain_state WHERE payload ? 'keys' OR payload ? 'requests'"));
        var plan = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT payload::text FROM grain_state WHERE state_name = 'partsPlan'");
        Assert.Equal(4, new JsonGrainStateSerializer().Deserialize<AfterSales.Grains.Parts.PartsPlanState>(new BinaryData(System.Text.Encoding.UTF8.GetBytes(plan!)))!.Plans["S1"].Lines[0].Quantity);
    }

    /// <summary>
    /// Migration 0012: a depot's finished reservations leave its document for rows (with whether their parts arrived),
    /// the arrival marks kept are those of live reservations, and a reservation's request key becomes a key row; the
    /// document reads back by the current state type and a finished reservation's row by its body type.
    /// </summary>
    [Fact]
    public async Task Migration0012_MovesADepotsFinishedReservationsAndTheirKeysOutOfTheDocument()
    {
        var connectionString = await TestDatabase.CreateAsync("depotrows");
        await TestDatabase.ScalarAsync<int>(connectionString, """
            INSERT INTO grain_state (service_id, state_name, grain_key, grain_id_n0, grain_id_n1, version, payload) VALUES
            ('s', 'depot', 'D9', 0, 0, 6, '{"schemaVersion":1,"version":6,"registration":{"name":"D9","province":"Hubei","latitude":30.5,"longitude":114.3},
              "book":{"onHand":{"P-1":7},"onOrder":{},"nextSequence":5,"reservations":[
                {"id":"D9-R1","partNo":"P-1","quantity":2,"stationCode":"S1","workOrderId":"S1-1","warranty":false,"urgent":false,"sequence":1,"state":"shipped","shipped":2,"requestKey":"k1","fingerprint":"F1","held":0},
                {"id":"D9-R2","partNo":"P-1","quantity":1,"stationCode":"S1","workOrderId":"S1-2","warranty":true,"urgent":false,"sequence":2,"state":"released","shipped":0},
                {"id":"D9-R3","partNo":"P-1","quantity":3,"stationCode":"S1","workOrderId":"S1-3","warranty":false,"urgent":true,"sequence":3,"state":"allocated","shipped":1,"requestKey":"k3","fingerprint":"F3"},
                {"id":"D9-R4","partNo":"P-1","quantity":9,"stationCode":"S2","workOrderId":"S2-1","warranty":false,"urgent":false,"sequence":4,"state":"queued","shipped":0}]},
              "arrived":["D9-R0","D9-R1","D9-R3"],"outbox":[]}')
            """);
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0012_depot_finished_reservations.sql'");

        var applied = await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        Assert.Single(applied);
        var payload = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT payload::text FROM grain_state WHERE grain_key = 'D9'");
        var depot = new JsonGrainStateSerializer().Deserialize<AfterSales.Grains.Parts.DepotState>(new BinaryData(System.Text.Encoding.UTF8.GetBytes(payload!)))!;
        Assert.Equal(["D9-R3", "D9-R4"], depot.Book.Reservations.Select(r => r.Id));
        Assert.Equal(["D9-R3"], depot.Arrived);
        Assert.Equal((7, 5), (depot.Book.OnHand["P-1"], depot.Book.Levels("P-1").Available));
        Assert.DoesNotContain("requestKey", payload, StringComparison.Ordinal);

        var rows = await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT json_agg(body ORDER BY row_key)::text FROM grain_rows WHERE state_name = 'depot' AND grain_key = 'D9' AND kind = 'reservation'");
        var finished = System.Text.Json.JsonSerializer.Deserialize<AfterSales.Grains.Parts.FinishedReservation[]>(rows!, JsonGrainStateSerializer.Options)!;
        Assert.Equal([("D9-R1", AfterSales.Domain.Parts.ReservationState.Shipped, 2, true), ("D9-R2", AfterSales.Domain.Parts.ReservationState.Released, 0, false)],
            finished.Select(f => (f.Reservation.Id, f.Reservation.State, f.Reservation.Shipped, f.Arrived)));

        var keys = await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT json_agg(body ORDER BY row_key)::text FROM grain_rows WHERE state_name = 'depot' AND grain_key = 'D9' AND kind = 'key'");
        var remembered = System.Text.Json.JsonSerializer.Deserialize<AfterSales.Grains.Parts.Remembered[]>(keys!, JsonGrainStateSerializer.Options)!;
        Assert.Equal([("k1", "F1", "D9-R1"), ("k3", "F3", "D9-R3")], remembered.Select(k => (k.Key, k.Fingerprint, k.ReservationId)));
        Assert.All(remembered, k => Assert.InRange(k.At, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5)));

        // Run again, it changes nothing.
        await TestDatabase.ScalarAsync<int>(connectionString, "DELETE FROM schema_migrations WHERE scriptname LIKE '%0012_depot_finished_reservations.sql'");
        await new DatabaseMigrator(connectionString, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        Assert.Equal(payload, await TestDatabase.ScalarAsync<string>(connectionString, "SELECT payload::text FROM grain_state WHERE grain_key = 'D9'"));
        Assert.Equal(4L, await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grain_rows WHERE grain_key = 'D9'"));
    }
}
