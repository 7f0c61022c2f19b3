using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Privacy;
using AfterSales.Silo.Persistence;
using Npgsql;

namespace AfterSales.Integration.Tests.Persistence;

/// <summary>
/// The personal-data read log group-commits its appends (every full read is recorded before its reply, so one commit
/// per read was a second commit on every operator write): concurrent reads share one INSERT and one commit, each is
/// recorded once and in the order it was queued, none is acknowledged before its batch commits, and a batch the
/// database refuses fails every read in it and records none of them.
/// </summary>
public sealed class PersonalDataLogGroupCommitTests
{
    private const string ServiceId = "svc";

    [Fact]
    public async Task ConcurrentReads_ShareCommits_EachRecordedOnceInTheOrderQueued_NoneAcknowledgedBeforeItsCommit()
    {
        var connectionString = await TestDatabase.CreateAsync("readlog");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new PostgresPersonalDataLog(dataSource, ServiceId, maxBatchSize: 128, maxBatchesInFlight: 1);

        Task first;
        Task[] rest;
        await using (await LockTableAsync(connectionString))
        {
            // The first batch waits on the locked table, so the next 100 reads queue behind it and leave as one.
            first = log.AppendAsync(Read("V000"));
            await WaitUntilBlockedAsync(connectionString);
            rest = [.. Enumerable.Range(1, 100).Select(i => log.AppendAsync(Read($"V{i:000}")))];
            Assert.False(first.IsCompleted);
            Assert.All(rest, read => Assert.False(read.IsCompleted));
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(*) FROM personal_data_reads"));
        }

        await first;
        await Task.WhenAll(rest);
        Assert.Equal((2L, 101L), (log.Appends.Batches, log.Appends.Items));
        Assert.Equal(string.Join(",", Enumerable.Range(0, 101).Select(i => $"V{i:000}")), await TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT string_agg(subject_id, ',' ORDER BY id) FROM personal_data_reads WHERE service_id = 'svc'"));
        var newest = (await log.QueryAsync(new PersonalDataQuery(null, null, null, null, 1)))[0];
        Assert.Equal((At, "operator:probe", PersonalDataSubject.Vehicle, "V100", "GET /api/vehicles/V100"),
            (newest.At, newest.Actor, newest.Subject, newest.SubjectId, newest.Route));
    }

    [Fact]
    public async Task ABatchTheDatabaseRefuses_FailsEveryReadInIt_RecordsNoneOfThem_AndTheNextBatchIsRecorded()
    {
        var connectionString = await TestDatabase.CreateAsync("readlog");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var log = new PostgresPersonalDataLog(dataSource, ServiceId, maxBatchSize: 128, maxBatchesInFlight: 1);
        await ExecuteAsync(connectionString, """
            CREATE FUNCTION test_refuse_read() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'reads of % are refused (test fault)', NEW.subject_id;
            END $$;
            CREATE TRIGGER refuse_read BEFORE INSERT ON personal_data_reads FOR EACH ROW
                WHEN (NEW.subject_id = 'REFUSED') EXECUTE FUNCTION test_refuse_read();
            """);

        Task first;
        Task[] batch;
        await using (await LockTableAsync(connectionString))
        {
            first = log.AppendAsync(Read("V1"));
            await WaitUntilBlockedAsync(connectionString);
            batch = [log.AppendAsync(Read("V2")), log.AppendAsync(Read("REFUSED")), log.AppendAsync(Read("V3"))];
        }

        await first;
        foreach (var read in batch)
        {
            var failure = await Assert.ThrowsAsync<ServiceUnavailableException>(() => read);
            Assert.Contains("refused (test fault)", failure.Message, StringComparison.Ordinal);
        }

        await log.AppendAsync(Read("V4"));
        Assert.Equal("V1,V4", await TestDatabase.ScalarAsync<string>(connectionString, "SELECT string_agg(subject_id, ',' ORDER BY id) FROM personal_data_reads"));
    }

    private static readonly DateTimeOffset At = new(2026, 12, 6, 8, 30, 0, TimeSpan.Zero);

    private static PersonalDataRead Read(string vin) => new(At, "operator:probe", PersonalDataSubject.Vehicle, vin, $"GET /api/vehicles/{vin}");

    /// <summary>Another transaction holding the log's table: an insert waits until disposal.</summary>
    internal static Task<HeldLock> LockTableAsync(string connectionString) =>
        HeldLock.TakeAsync(connectionString, "LOCK TABLE personal_data_reads IN SHARE MODE");

    internal static Task WaitUntilBlockedAsync(string connectionString) =>
        Eventually.UntilAsync(
            () => TestDatabase.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO personal_data_reads%'"),
            waiting => waiting > 0, TimeSpan.FromSeconds(30), "the log's insert to wait on the locked table");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
