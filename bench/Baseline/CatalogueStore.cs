using System.Text.Json;
using AfterSales.Domain.Catalogue;
using AfterSales.Domain.Repairs;
using Npgsql;

namespace AfterSales.Bench.Baseline;

/// <summary>
/// The parts catalogue, read once from <c>baseline.catalogue</c> at the first request (the loader writes it before any
/// request comes) and kept: what a user would build, since it changes rarely.
/// </summary>
public sealed class CatalogueStore(NpgsqlDataSource db)
{
    private readonly Lazy<Task<PartsCatalogue>> _catalogue = new(() => LoadAsync(db));

    public Task<PartsCatalogue> GetAsync() => _catalogue.Value;

    private static async Task<PartsCatalogue> LoadAsync(NpgsqlDataSource db)
    {
        var versions = new List<CatalogueVersion>();
        await using var command = db.CreateCommand("SELECT effective_from, document::text FROM baseline.catalogue ORDER BY effective_from");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var document = JsonSerializer.Deserialize<Document>(reader.GetString(1), JsonSerializerOptions.Web)!;
            var version = CatalogueVersion.Create(
                reader.GetFieldValue<DateOnly>(0),
                [.. document.Parts.Select(p => new CataloguePart(p.PartNo, p.Name, Enum.Parse<VehicleSystem>(p.System, ignoreCase: true)))],
                document.MainParts.ToDictionary(e => Enum.Parse<VehicleSystem>(e.Key, ignoreCase: true), e => (IReadOnlyList<string>)e.Value),
                [.. document.WearParts.Select(w => new WearPartTerm(w.PartNo, w.Months, w.Km, []))],
                out var errors);
            versions.Add(version ?? throw new InvalidOperationException("baseline.catalogue holds an invalid catalogue: " + string.Join(" ", errors.SelectMany(e => e.Value))));
        }

        return new PartsCatalogue(versions);
    }

    private sealed record Document(List<Part> Parts, Dictionary<string, string[]> MainParts, List<Wear> WearParts);

    private sealed record Part(string PartNo, string Name, string System);

    private sealed record Wear(string PartNo, int Months, int Km);
}
