using AfterSales.Integration.Tests.Infrastructure;
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
}
