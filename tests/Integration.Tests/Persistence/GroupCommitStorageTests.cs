using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using AfterSales.Grains.Common;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Persistence;
using Npgsql;
using Orleans.Storage;

namespace AfterSales.Integration.Tests.Persistence;

/// <summary>
/// Group commit against PostgreSQL: many grains' writes in one round trip and one commit, each with its own version
/// check; a conflict or an error fails only its own write, a failed group fails all of its writes and stores none,
/// and nothing is acknowledged before its group commits.
/// </summary>
public sealed class GroupCommitStorageTests
{
    private const string ServiceId = "svc";

    [Fact]
    public async Task OneGroup_StoresEachGoodWrite_AndFailsOnlyTheStaleTheDuplicateAndTheRefusedOnes()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("VB", null, """{"km":1,"newRows":[{"kind":"fact","key":"b1","unique":true}]}""");
        await storage.WriteAsync("VC", null, """{"km":1}""");
        await storage.WriteAsync("VD", null, """{"km":1,"newRows":[{"kind":"fact","key":"d1","unique":true}]}""");
        await using var refusal = await WriteRefusal.StartAsync(connectionString, "vehicle", "VE");

        var outcomes = await storage.Inner.WriteBatchAsync(
        [
            Write("VA", null, """{"km":5}"""),
            Write("VB", 1, """{"km":6,"newRows":[{"kind":"fact","key":"b2","unique":true}]}"""),
            Write("VC", 7, """{"km":66}"""),
            Write("VD", 1, """{"km":77,"newRows":[{"kind":"fact","key":"d2","unique":true},{"kind":"fact","key":"d1","unique":true}]}"""),
            Write("VE", null, """{"km":8}"""),
            Write("VF", null, """{"km":9}"""),
        ]);

        Assert.Equal(new StateWriteOutcome(1, null, null), outcomes[0]);
        Assert.Equal(new StateWriteOutcome(2, null, null), outcomes[1]);
        Assert.Equal(new StateWriteOutcome(null, null, null), outcomes[2]);
        Assert.Equal("23505", outcomes[3].ErrorCode);
        Assert.Contains("grain_rows_pkey", outcomes[3].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("P0001", outcomes[4].ErrorCode);
        Assert.Equal(new StateWriteOutcome(1, null, null), outcomes[5]);
        Assert.Equal("VA 1 5|VB 2 6|VC 1 1|VD 1 1|VF 1 9", await StoredAsync(connectionString));
        // The duplicate write left none of its rows; the good ones kept theirs.
        Assert.Equal("b1,b2,d1", await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(row_key, ',' ORDER BY row_key) FROM grain_rows WHERE kind = 'fact'"));
        // Refused twice: in the group's set-based attempt (rolled back whole), then when the writes went one by one.
        Assert.Equal(2, await refusal.RefusedAsync());
    }

    [Fact]
    public async Task AGroupWithNothingFailing_IsWrittenWhole_InsertsUpdatesConflictsUniqueAndReplacedRowsAndAbsentRowsAsEachWouldAlone()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("VB", null, """{"km":1,"newRows":[{"kind":"order","key":"o1","body":{"state":"open"}}]}""");
        await storage.WriteAsync("VC", null, """{"km":1}""");

        var outcomes = await storage.Inner.WriteBatchAsync(
        [
            Write("VA", null, """{"km":5,"newRows":[{"kind":"fact","key":"a1","unique":true}],"newRowsVisits":[{"kind":"visit","key":"v1","body":{"seq":0}}]}"""),
            Write("VB", 1, """{"km":6,"newRowsOrders":[{"kind":"order","key":"o1","body":{"state":"closed"}}],"absentRows":[{"kind":"final","key":"s1"}]}"""),
            Write("VC", 3, """{"km":66,"newRows":[{"kind":"fact","key":"c9","unique":true}]}"""),
            Write("VD", null, """{"km":7}"""),
        ]);

        Assert.Equal([new(1, null, null), new(2, null, null), new(null, null, null), new(1, null, null)], outcomes);
        Assert.Equal("VA 1 5|VB 2 6|VC 1 1|VD 1 7", await StoredAsync(connectionString));
        // The rows of the writes that landed, none of the conflicting one's; a replaced row has its new body; no
        // "newRows…" or "absentRows" member is left in a stored document.
        Assert.Equal("VA fact a1|VA visit v1 {\"seq\": 0}|VB order o1 {\"state\": \"closed\"}", await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(grain_key || ' ' || kind || ' ' || row_key || coalesce(' ' || body::text, ''), '|' ORDER BY grain_key, kind, row_key) FROM grain_rows"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM grain_state WHERE payload ? 'newRows' OR payload ? 'newRowsVisits' OR payload ? 'newRowsOrders' OR payload ? 'absentRows'"));
    }

    /// <summary>
    /// Migration 0017: a write that leaves the state's outbox as it was changes no indexed column, so PostgreSQL keeps
    /// the new version beside the old one with no new index entry (a HOT update); a grain written often no longer walks a
    /// growing run of dead index entries. Counted in one transaction (the transaction's own statistics, not yet flushed).
    /// </summary>
    [Fact]
    public async Task WritesThatLeaveTheOutboxAsItWas_AreHeapOnlyUpdates_AndTheOwedFlagFollowsTheOutbox()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        async Task<int?> WriteAsync(int? version, string json)
        {
            await using var command = new NpgsqlCommand(
                "SELECT new_version FROM write_grain_states_split('svc', ARRAY['vehicle'], ARRAY['VH'], ARRAY[0::bigint], ARRAY[0::bigint], ARRAY[$1::integer], ARRAY[convert_to($2, 'UTF8')], ARRAY[NULL::text], ARRAY[NULL::text])",
                connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.AddWithValue(json);
            return (int?)await command.ExecuteScalarAsync();
        }

        async Task<long> HotUpdatesAsync()
        {
            await using var command = new NpgsqlCommand("SELECT pg_stat_get_xact_tuples_hot_updated('grain_state'::regclass)", connection, transaction);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        async Task<bool> PendingAsync()
        {
            await using var command = new NpgsqlCommand("SELECT outbox_pending FROM grain_state WHERE grain_key = 'VH'", connection, transaction);
            return (bool)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal(1, await WriteAsync(null, """{"km":1}"""));
        Assert.Equal(2, await WriteAsync(1, """{"km":2}"""));
        Assert.Equal(3, await WriteAsync(2, """{"km":3,"outbox":[]}"""));
        Assert.Equal(2L, await HotUpdatesAsync());
        Assert.False(await PendingAsync());

        Assert.Equal(4, await WriteAsync(3, """{"km":4,"outbox":[{"kind":"x"}]}"""));
        Assert.Equal(2L, await HotUpdatesAsync());
        Assert.True(await PendingAsync());
        Assert.Equal(5, await WriteAsync(4, """{"km":5,"outbox":[{"kind":"x"},{"kind":"y"}]}"""));
        Assert.Equal(3L, await HotUpdatesAsync());
        Assert.Equal(6, await WriteAsync(5, """{"km":6,"outbox":[]}"""));
        Assert.Equal(3L, await HotUpdatesAsync());
        Assert.False(await PendingAsync());
    }

    [Fact]
    public async Task ARowThatMustBeAbsentButExists_FailsOnlyItsWrite_AsADuplicateRow()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("VB", null, """{"km":1,"newRows":[{"kind":"final","key":"s1","unique":true}]}""");

        var outcomes = await storage.Inner.WriteBatchAsync(
        [
            Write("VA", null, """{"km":5,"absentRows":[{"kind":"final","key":"s1"}]}"""),
            Write("VB", 1, """{"km":6,"absentRows":[{"kind":"final","key":"s1"}]}"""),
            Write("VC", null, """{"km":7,"newRows":[{"kind":"final","key":"s1","unique":true}]}"""),
        ]);

        Assert.Equal(new StateWriteOutcome(1, null, null), outcomes[0]);
        Assert.Equal("23505", outcomes[1].ErrorCode);
        Assert.Contains("grain_rows_pkey", outcomes[1].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(new StateWriteOutcome(1, null, null), outcomes[2]);
        Assert.Equal("VA 1 5|VB 1 1|VC 1 7", await StoredAsync(connectionString));
    }

    [Fact]
    public async Task EachWriteFailsAsItWouldAlone_AConflictAsInconsistentState_ADuplicateAsADuplicateRow_ARefusalAsADatabaseFailure()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 2);
        var d = await storage.WriteAsync("VD", null, """{"km":1,"newRows":[{"kind":"fact","key":"d1","unique":true}]}""");
        await using var refusal = await WriteRefusal.StartAsync(connectionString, "vehicle", "VE");

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("VD", null, """{"km":2}"""));
        var duplicate = await Assert.ThrowsAsync<StateWriteFailedException>(() =>
            storage.WriteAsync("VD", d, """{"km":3,"newRows":[{"kind":"fact","key":"d1","unique":true}]}"""));
        var refused = await Assert.ThrowsAsync<StateWriteFailedException>(() => storage.WriteAsync("VE", null, """{"km":4}"""));

        Assert.True(GrainRows.IsDuplicateRow(duplicate));
        Assert.False(GrainRows.IsDuplicateRow(refused));
        Assert.True(DatabaseFailures.IsDatabaseFailure(refused));
        Assert.Equal("2", await storage.WriteAsync("VD", d, """{"km":5}"""));
        Assert.Equal("VD 2 5", await StoredAsync(connectionString));
    }

    [Fact]
    public async Task AFailedWrite_IsCountedInTheStorageErrorSeries_ByOperationAndState_AndAGoodOneIsNot()
    {
        // A state name of this test's own: the series is process-wide and other tests fail writes of "vehicle".
        const string StateName = "errorseries";
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 2);
        var errors = new List<(long Count, string? Operation)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "aftersales.storage.errors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, count, tags, _) =>
        {
            var pairs = tags.ToArray();
            if (pairs.Any(t => t.Key == "state" && (string?)t.Value == StateName))
            {
                lock (errors)
                {
                    errors.Add((count, (string?)pairs.Single(t => t.Key == "operation").Value));
                }
            }
        });
        listener.Start();
        var id = GrainId.Create(StateName, "VM");

        await storage.Inner.WriteStateAsync(StateName, id, new GrainState<JsonObject>(new JsonObject { ["km"] = 1 }, null));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.Inner.WriteStateAsync(StateName, id, new GrainState<JsonObject>(new JsonObject { ["km"] = 2 }, null)));

        Assert.Equal([(1L, (string?)"write")], errors);
    }

    [Fact]
    public async Task AGroupThatFails_FailsEveryWriteInIt_StoresNoneOfThem_AndAcknowledgesNoneBeforeItEnds()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1, commandTimeout: TimeSpan.FromSeconds(2));
        await storage.WriteAsync("VB", null, """{"km":1}""");
        await using var lockHolder = await LockRowAsync(connectionString, "VB");

        var group = storage.Inner.WriteBatchAsync(
        [
            Write("VA", null, """{"km":5}"""),
            Write("VB", 1, """{"km":6}"""),
            Write("VC", null, """{"km":7}"""),
        ]);
        await WaitUntilBlockedAsync(connectionString);
        Assert.False(group.IsCompleted);
        Assert.Equal("VB 1 1", await StoredAsync(connectionString));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => group);
        Assert.True(DatabaseFailures.IsDatabaseFailure(failure));
        Assert.Equal("VB 1 1", await StoredAsync(connectionString));
    }

    [Fact]
    public async Task AWriteInAGroupThatCommits_IsAcknowledgedOnlyAfterTheCommit()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("VB", null, """{"km":1}""");
        var lockHolder = await LockRowAsync(connectionString, "VB");

        var group = storage.Inner.WriteBatchAsync([Write("VA", null, """{"km":5}"""), Write("VB", 1, """{"km":6}""")]);
        await WaitUntilBlockedAsync(connectionString);
        Assert.False(group.IsCompleted);
        Assert.Equal("VB 1 1", await StoredAsync(connectionString));
        await lockHolder.DisposeAsync();

        Assert.Equal([new StateWriteOutcome(1, null, null), new StateWriteOutcome(2, null, null)], await group);
        Assert.Equal("VA 1 5|VB 2 6", await StoredAsync(connectionString));
    }

    [Fact]
    public async Task ConcurrentWritesOfManyGrains_ShareCommits_AndEachIsStoredOnce()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("G0", null, """{"km":0}""");
        var lockHolder = await LockRowAsync(connectionString, "G0");

        // The first group waits on the locked row, so the next 100 writes queue behind it and leave in groups.
        var blocked = storage.WriteAsync("G0", "1", """{"km":1}""");
        await WaitUntilBlockedAsync(connectionString);
        var writes = Enumerable.Range(1, 100).Select(i => storage.WriteAsync($"G{i}", null, $$"""{"km":{{i}}}""")).ToArray();
        Assert.All(writes, write => Assert.False(write.IsCompleted));
        await lockHolder.DisposeAsync();

        Assert.Equal("2", await blocked);
        Assert.All(await Task.WhenAll(writes), version => Assert.Equal("1", version));
        Assert.Equal((1 + 1 + 2, 1 + 1 + 100), (storage.Inner.Queue.Batches, storage.Inner.Queue.Items));
        Assert.Equal(101L, await TestDatabase.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM grain_state WHERE state_name = 'vehicle' AND (payload->>'km')::int = CASE grain_key WHEN 'G0' THEN 1 ELSE substr(grain_key, 2)::int END"));
    }

    [Fact]
    public async Task AGroupOfReads_ReturnsForEachGrainWhatTheSingleReadQueryReturns_ArchiveRowsAttached_AndNothingForAMissingGrain()
    {
        var connectionString = await TestDatabase.CreateAsync("groupcommit");
        await using var storage = Storage(connectionString, maxInFlight: 1);
        await storage.WriteAsync("VA", null, """{"km":1,"visitCount":2,"newRowsVisits":[{"kind":"visit","key":"v2","body":{"seq":1,"entry":{"n":2}}},{"kind":"visit","key":"v1","body":{"seq":0,"entry":{"n":1}}}]}""");
        await storage.WriteAsync("VB", null, """{"km":7}""");
        await storage.WriteAsync("VB", "1", """{"km":8}""");

        var read = await storage.Inner.ReadBatchAsync([Key("VB"), Key("VX"), Key("VA")]);

        Assert.Equal(await SingleReadAsync(connectionString, "VB"), (Text(read[0].Payload), read[0].Version));
        Assert.Equal((null, null), (Text(read[1].Payload), read[1].Version));
        Assert.Equal(await SingleReadAsync(connectionString, "VA"), (Text(read[2].Payload), read[2].Version));
        Assert.Equal("""{"km": 1, "visits": [{"n": 1}, {"n": 2}], "visitCount": 2}""", Text(read[2].Payload));
        var state = new GrainState<Dictionary<string, System.Text.Json.JsonElement>>();
        await storage.Inner.ReadStateAsync("vehicle", GrainId.Create("vehicle", "VB"), state);
        Assert.Equal(("2", true, 8), (state.ETag, state.RecordExists, state.State!["km"].GetInt32()));
        await storage.Inner.ReadStateAsync("vehicle", GrainId.Create("vehicle", "VX"), state);
        Assert.Equal((null, false, 0), (state.ETag, state.RecordExists, state.State.Count));
    }

    private static StateKey Key(string vin) => new("vehicle", vin, 0, 0);

    private static string? Text(byte[]? payload) => payload is null ? null : Encoding.UTF8.GetString(payload);

    /// <summary>What the ADO.NET provider's read query (ReadFromStorageKey) returns for one vehicle.</summary>
    private static async Task<(string?, int?)> SingleReadAsync(string connectionString, string vin)
    {
        var query = await TestDatabase.ScalarAsync<string>(connectionString, "SELECT querytext FROM orleansquery WHERE querykey = 'ReadFromStorageKey'");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("ServiceId", ServiceId);
        command.Parameters.AddWithValue("GrainTypeString", "vehicle");
        command.Parameters.AddWithValue("GrainIdExtensionString", vin);
        command.Parameters.AddWithValue("GrainIdN0", 0L);
        command.Parameters.AddWithValue("GrainIdN1", 0L);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(0)), reader.GetInt32(1));
    }

    // Keys that are not hexadecimal: "B" would be read as the integer key 11 (Orleans' and the ADO.NET provider's rule).
    private static StateWrite Write(string vin, int? version, string json) =>
        new(new StateKey("vehicle", vin, 0, 0), version, Encoding.UTF8.GetBytes(json));

    private static TestStorage Storage(string connectionString, int maxInFlight, TimeSpan? commandTimeout = null)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new GroupCommitOptions { MaxBatchesInFlight = maxInFlight, CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(30) };
        return new TestStorage(new GroupCommitGrainStorage(new NoReads(), dataSource, ServiceId, new JsonGrainStateSerializer(), options), dataSource);
    }

    private static Task<string?> StoredAsync(string connectionString) =>
        TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(grain_key || ' ' || version || ' ' || (payload->>'km'), '|' ORDER BY grain_key) FROM grain_state WHERE state_name = 'vehicle'");

    /// <summary>Another transaction holding <paramref name="vin"/>'s state row: a write of it waits until disposal.</summary>
    private static Task<HeldLock> LockRowAsync(string connectionString, string vin) =>
        HeldLock.TakeAsync(connectionString, "SELECT 1 FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @vin FOR UPDATE", ("vin", vin));

    private static Task WaitUntilBlockedAsync(string connectionString) =>
        Eventually.UntilAsync(
            () => TestDatabase.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%write_grain_states%'"),
            waiting => waiting > 0, TimeSpan.FromSeconds(30), "the group to wait on the locked row");

    private sealed class TestStorage(GroupCommitGrainStorage inner, NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        public GroupCommitGrainStorage Inner => inner;

        /// <summary>Writes through the queue as a grain would; returns the new ETag.</summary>
        public async Task<string?> WriteAsync(string vin, string? etag, string json)
        {
            var state = new GrainState<JsonObject>(JsonNode.Parse(json)!.AsObject(), etag);
            await inner.WriteStateAsync("vehicle", GrainId.Create("vehicle", vin), state);
            return state.ETag;
        }

        public ValueTask DisposeAsync() => dataSource.DisposeAsync();
    }

    private sealed class NoReads : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }
}
