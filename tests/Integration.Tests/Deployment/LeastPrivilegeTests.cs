using System.Net;
using System.Net.Http.Json;
using AfterSales.Api.Security;
using AfterSales.Integration.Tests.Infrastructure;
using AfterSales.Silo.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AfterSales.Integration.Tests.Deployment;

/// <summary>
/// Issue 18, item 5: the Compose deployment's two database accounts, built here the way the postgres image builds
/// them (deploy/postgres/least-privilege.sql run by the database's owner before the migrations). The migrator owns
/// the schema; a silo and the API running as the application's account serve writes and reads, and that account can
/// change no schema and no recorded read of personal data.
/// </summary>
public sealed class LeastPrivilegeTests
{
    private const string Migrator = "t_aftersales_migrator";
    private const string AppPassword = "test-only-app-password";

    [Fact]
    public async Task TheApplicationsAccount_ServesTheApi_ButCannotChangeTheSchemaOrTheReadLog()
    {
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString);
        var database = $"t_least_privilege_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(server.ConnectionString,
            // The image's POSTGRES_USER is a superuser; the test's migrator has only what the script needs: it owns
            // the database and may create the application's role.
            $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Migrator}') THEN CREATE ROLE {Migrator} LOGIN CREATEROLE; END IF; END $$",
            $"CREATE DATABASE \"{database}\" OWNER {Migrator}");
        var migrator = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Username = Migrator }.ConnectionString;
        var app = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Username = "aftersales_app", Password = AppPassword }.ConnectionString;

        // What deploy/postgres/initdb/10-least-privilege.sh does, then the `migrate` service.
        var script = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "postgres", "least-privilege.sql"));
        await ExecuteAsync(migrator, $"SELECT set_config('aftersales.app_password', '{AppPassword}', false); {script}");
        await new DatabaseMigrator(migrator, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        var clusterId = $"lp-{Guid.NewGuid():N}"[..20];
        await using (var silo = await SiloHost.StartAsync(app, clusterId, extraSettings: new Dictionary<string, string?> { ["Cluster:ApplyMigrationsOnStart"] = "false" }))
        await using (var api = new ApiFactory(app, clusterId))
        {
            using var operatorClient = api.CreateClient(Roles.Operator);
            var vin = await TestFleet.DeliveredVehicleAsync(operatorClient);
            using var desk = api.CreateClient(Roles.CallCentre);
            using var read = await desk.GetAsync($"/api/vehicles/{vin}");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var reads = await operatorClient.GetAsync($"/api/personal-data-reads?vin={vin}");
            Assert.Equal(HttpStatusCode.OK, reads.StatusCode);
            Assert.Single((await reads.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("items").EnumerateArray());
        }

        // The application's account: rows only.
        foreach (var statement in new[]
        {
            "CREATE TABLE intruder (id int)",
            "DROP TABLE grain_state",
            "ALTER TABLE personal_data_reads DISABLE TRIGGER USER",
            "TRUNCATE personal_data_reads",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, statement));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {refused.SqlState} {refused.MessageText}");
        }

        var rewrite = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, "UPDATE personal_data_reads SET actor = 'nobody'"));
        Assert.Contains("append-only", rewrite.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheScript_RefusesAShortPassword()
    {
        var database = await TestDatabase.CreateAsync("lp_short", migrate: false);
        var refused = await Assert.ThrowsAsync<PostgresException>(async () => await ExecuteAsync(database,
            "SELECT set_config('aftersales.app_password', 'short', false); " + await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "postgres", "least-privilege.sql"))));
        Assert.Contains("at least 12 characters", refused.MessageText, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
