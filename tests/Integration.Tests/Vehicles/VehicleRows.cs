using AfterSales.Integration.Tests.Infrastructure;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>What the database holds for a vehicle: its row in grain_state (state_name 'vehicle', keyed by VIN).</summary>
public static class VehicleRows
{
    /// <summary>
    /// The version of a vehicle just registered (or imported) and nothing since: its registration, written with the
    /// fleet-index entry it owes its batch, then that entry's acknowledgement, which empties the outbox.
    /// </summary>
    public const int AfterRegistration = 2;

    /// <summary>The row's optimistic-concurrency version; null when there is no row. Any stored change bumps it.</summary>
    public static Task<int?> VersionAsync(string connectionString, string vin) =>
        TestDatabase.ScalarAsync<int?>(connectionString,
            "SELECT version FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @key", ("key", vin));

    /// <summary>Rows of any state stored under <paramref name="key"/>.</summary>
    public static async Task<long> CountAsync(string connectionString, string key) =>
        await TestDatabase.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grain_state WHERE grain_key = @key", ("key", key));

    /// <summary>One field of the stored payload (camelCase JSON), as text.</summary>
    public static Task<string?> PayloadFieldAsync(string connectionString, string vin, string field) =>
        TestDatabase.ScalarAsync<string>(connectionString,
            "SELECT payload->>@field FROM grain_state WHERE state_name = 'vehicle' AND grain_key = @key", ("key", vin), ("field", field));
}
