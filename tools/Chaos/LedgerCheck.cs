using System.Text.Json;
using Npgsql;

namespace AfterSales.Chaos;

/// <summary>Compares the client's ledger of acknowledged writes with what PostgreSQL holds.</summary>
public static class LedgerCheck
{
    public sealed record Result(int Acknowledged, int Lost, int Doubled, int StoredWithoutAcknowledgement, IReadOnlyList<string> Examples);

    public static async Task<Result> CompareAsync(string connectionString, IReadOnlyCollection<Acknowledgement> acknowledged)
    {
        var stored = new Dictionary<string, int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload->'visits' FROM grain_state WHERE state_name = 'vehicle' AND payload ? 'visits'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var visits = JsonDocument.Parse(reader.GetString(0));
            foreach (var entry in visits.RootElement.EnumerateArray())
            {
                var id = entry.GetProperty("visit").GetProperty("visitId").GetString()!;
                stored[id] = stored.GetValueOrDefault(id) + 1;
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
