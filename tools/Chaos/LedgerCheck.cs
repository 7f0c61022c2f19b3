using System.Text.Json;
using Npgsql;

namespace AfterSales.Chaos;

/// <summary>Compares the client's ledger of acknowledged writes with what PostgreSQL holds.</summary>
public static class LedgerCheck
{
    public sealed record Result(int Acknowledged, int Lost, int Doubled, int StoredWithoutAcknowledgement, IReadOnlyList<string> Examples);

    /// <summary>
    /// Receipts per depot against the stock PostgreSQL holds: it must be at least what was acknowledged (else units
    /// were lost) and at most that plus what the client gave up on (which may or may not have landed); anything more
    /// was applied twice.
    /// </summary>
    public sealed record StockResult(int Acknowledged, long AcknowledgedUnits, long StoredUnits, int DepotsShort, int DepotsOver, IReadOnlyList<string> Examples);

    public static async Task<StockResult> CompareStockAsync(string connectionString, IReadOnlyCollection<Receipt> receipts, IReadOnlyList<string> depots)
    {
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_key, coalesce((payload->'book'->'onHand'->>@part)::bigint, 0) FROM grain_state WHERE state_name = 'depot'", connection);
        command.Parameters.AddWithValue("part", WriteLoad.Part);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored[reader.GetString(0)] = reader.GetInt64(1);
        }

        var (shortDepots, overDepots, examples) = (0, 0, new List<string>());
        foreach (var depot in depots)
        {
            var acknowledged = receipts.Where(r => r.Depot == depot && r.Acknowledged).Sum(r => (long)r.Quantity);
            var uncertain = receipts.Where(r => r.Depot == depot && !r.Acknowledged).Sum(r => (long)r.Quantity);
            var held = stored.GetValueOrDefault(depot);
            if (held < acknowledged)
            {
                shortDepots++;
                examples.Add($"depot {depot}: {held} units stored, {acknowledged} acknowledged (lost)");
            }
            else if (held > acknowledged + uncertain)
            {
                overDepots++;
                examples.Add($"depot {depot}: {held} units stored, at most {acknowledged + uncertain} sent (applied twice)");
            }
        }

        return new StockResult(receipts.Count(r => r.Acknowledged), receipts.Where(r => r.Acknowledged).Sum(r => (long)r.Quantity),
            depots.Sum(d => stored.GetValueOrDefault(d)), shortDepots, overDepots, examples);
    }

    /// <summary>The visit writers' ledger against the archives of their vehicles (<paramref name="fleet"/>; the work-order fleet is checked apart).</summary>
    public static async Task<Result> CompareAsync(string connectionString, IReadOnlyCollection<Acknowledgement> acknowledged, IReadOnlyList<string> fleet)
    {
        var stored = new Dictionary<string, int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The archive is rows beside each vehicle's document (grain_rows, kind 'visit'); the document counts them.
        // A vehicle whose count differs from its rows has an entry written twice or lost: its rows count as doubled.
        await using (var command = new NpgsqlCommand("""
            SELECT r.row_key, (g.payload->>'visitCount')::int <> count(*) OVER (PARTITION BY r.grain_key)
            FROM grain_rows r JOIN grain_state g ON g.state_name = r.state_name AND g.grain_key = r.grain_key AND g.service_id = r.service_id
            WHERE r.state_name = 'vehicle' AND r.kind = 'visit' AND r.grain_key = ANY(@fleet)
            """, connection))
        {
            command.Parameters.AddWithValue("fleet", fleet.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(0);
                stored[id] = stored.GetValueOrDefault(id) + (reader.GetBoolean(1) ? 2 : 1);
            }
        }

        var acknowledgedIds = acknowledged.Select(a => a.VisitId).ToHashSet();
        var lost = acknowledgedIds.Where(id => !stored.ContainsKey(id)).ToList();
        var doubled = stored.Where(s => s.Value > 1).Select(s => s.Key).ToList();
        var unacknowledged = stored.Keys.Count(id => !acknowledgedIds.Contains(id));
        return new Result(acknowledgedIds.Count, lost.Count, doubled.Count, unacknowledged,
            [.. lost.Take(5).Select(id => "lost " + id), .. doubled.Take(5).Select(id => "doubled " + id)]);
    }
}
