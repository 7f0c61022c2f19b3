using System.ComponentModel.DataAnnotations;
using System.Globalization;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Catalogue;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

/// <summary>
/// The main-part and wear-part catalogue (policy data listed on the 三包凭证): versions by effective date, loaded by
/// operators, read by anyone. Which parts are main parts decides Art. 20, 22 and 24(3); wear parts get their own
/// coverages in the warranty answer.
/// </summary>
public static class CatalogueApi
{
    private const long MaxCatalogueBodyBytes = 8 * 1024 * 1024;
    private const int MaxEntries = 20_000;

    public static RouteGroupBuilder MapCatalogueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/catalogue").WithTags("Catalogue");
        group.MapGet("", ListAsync).WithName("ListCatalogueVersions")
            .WithSummary("The catalogue's versions, oldest first, each with its start and how many parts, main parts and wear parts it lists.")
            .Produces<IReadOnlyList<CatalogueVersionSummary>>();
        group.MapGet("/versions/{effectiveFrom}", GetAsync).WithName("GetCatalogueVersion")
            .WithSummary("One version of the catalogue: parts, main parts per system, wear parts with their periods.")
            .Produces<CatalogueDocument>();
        group.MapPut("/versions/{effectiveFrom}", PutAsync).RequireAuthorization(Policies.Operate).WithName("PutCatalogueVersion")
            .WithSummary("Create or replace the version in force from effectiveFrom (validated: a wrong line is a 400 naming it, and nothing changes). Every silo uses it once this answers.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxCatalogueBodyBytes))
            .Accepts<CatalogueRequest>("application/json").Produces<CatalogueDocument>().Produces<CatalogueDocument>(StatusCodes.Status201Created);
        return group;
    }

    private static async Task<IResult> ListAsync(IClusterClient cluster) =>
        TypedResults.Ok(await cluster.Grain<IPartsCatalogueGrain>(PartsCatalogueKeys.National).ListAsync());

    private static async Task<IResult> GetAsync(string effectiveFrom, IClusterClient cluster) =>
        TryDate(effectiveFrom, out var date, out var invalid)
            ? (await cluster.Grain<IPartsCatalogueGrain>(PartsCatalogueKeys.National).GetVersionAsync(date)).ToHttp()
            : invalid;

    private static async Task<IResult> PutAsync(string effectiveFrom, HttpRequest request, IClusterClient cluster)
    {
        if (!TryDate(effectiveFrom, out var date, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<CatalogueRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var parts = Lines(errors, "parts", body!.Parts, (part, field) => new CataloguePartEntry(
            errors.Text(field + ".partNo", part.PartNo, 40),
            errors.Text(field + ".name", part.Name, 100),
            errors.Require(field + ".system", part.System),
            part.Price,
            part.Supplier is null ? null : errors.Text(field + ".supplier", part.Supplier, 64)));
        var operations = Lines(errors, "labourOperations", body.LabourOperations, (operation, field) => new LabourOperationEntry(
            errors.Text(field + ".code", operation.Code, 40),
            errors.Text(field + ".name", operation.Name, 100),
            errors.Require(field + ".system", operation.System),
            errors.Require(field + ".hours", operation.Hours)));
        LabourRatesEntry? rates = null;
        if (body.LabourRates is { } labourRates)
        {
            rates = new LabourRatesEntry(
                errors.Require("labourRates.default", labourRates.Default),
                labourRates.Provinces ?? [],
                labourRates.Stations ?? []);
        }
        var wearParts = Lines(errors, "wearParts", body.WearParts, (wear, field) => new WearPartEntry(
            errors.Text(field + ".partNo", wear.PartNo, 40),
            errors.Range(field + ".months", wear.Months, 1, 120),
            errors.Range(field + ".km", wear.Km, 1, 1_000_000),
            [.. (wear.Models ?? []).Select((m, i) => errors.Text($"{field}.models[{i}]", m, 64))]));
        var mainParts = new Dictionary<VehicleSystem, IReadOnlyList<string>>();
        foreach (var (name, list) in body.MainParts ?? [])
        {
            var field = "mainParts." + name;
            if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !Enum.TryParse<VehicleSystem>(name, ignoreCase: true, out var system))
            {
                errors.Add(field, $"{field}: '{name}' is not a vehicle system; use one of {string.Join(", ", Enum.GetValues<VehicleSystem>().Select(SystemName))}.");
                continue;
            }

            mainParts[system] = [.. (list ?? []).Select((partNo, i) => errors.Text($"{field}[{i}]", partNo, 40))];
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var document = new CatalogueDocument(date, parts, mainParts, wearParts, operations.Count == 0 ? null : operations, rates);
        return (await cluster.Grain<IPartsCatalogueGrain>(PartsCatalogueKeys.National).PutVersionAsync(document, key))
            .ToHttp(d => $"/api/catalogue/versions/{d.EffectiveFrom:yyyy-MM-dd}");
    }

    private static List<TEntry> Lines<TLine, TEntry>(RequestErrors errors, string field, IReadOnlyList<TLine?>? lines, Func<TLine, string, TEntry> read)
        where TLine : class
    {
        if (lines is null)
        {
            if (field == "parts")
            {
                errors.Add(field, "parts is required: the catalogue lists every part it names.");
            }

            return [];
        }

        if (field == "parts" && lines.Count == 0)
        {
            errors.Add(field, "parts must list at least one part.");
            return [];
        }

        if (lines.Count > MaxEntries)
        {
            errors.Add(field, $"{field} may list at most {MaxEntries:N0} lines.");
            return [];
        }

        var entries = new List<TEntry>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            if (lines[i] is not { } line)
            {
                errors.Add(at, $"{at} must be an object.");
                continue;
            }

            entries.Add(read(line, at));
        }

        return entries;
    }

    private static string SystemName(VehicleSystem system) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(system.ToString());

    private static bool TryDate(string text, out DateOnly date, out IResult invalid)
    {
        invalid = null!;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["effectiveFrom"] = ["effectiveFrom must be a date like 2026-01-01."] });
        return false;
    }
}

/// <summary>A catalogue part; <c>price</c> (CNY per piece) and <c>supplier</c> price warranty claims.</summary>
public sealed record CataloguePartRequest(string? PartNo, string? Name, VehicleSystem? System, decimal? Price = null, string? Supplier = null);

/// <summary>An operation of the labour-time catalogue: its code and the hours it is paid for.</summary>
public sealed record LabourOperationRequest(string? Code, string? Name, VehicleSystem? System, decimal? Hours);

/// <summary>Labour rates, CNY per hour: <c>default</c>, and overrides by province name and by station code.</summary>
public sealed record LabourRatesRequest(decimal? Default, Dictionary<string, decimal>? Provinces, Dictionary<string, decimal>? Stations);

public sealed record WearPartRequest(string? PartNo, int? Months, int? Km, IReadOnlyList<string?>? Models);

/// <summary>A catalogue version: <c>mainParts</c> maps a system (<c>engine</c>, <c>brakes</c> …) to its main parts' numbers.</summary>
/// <summary>
/// A catalogue version: <c>mainParts</c> maps a system (<c>engine</c>, <c>brakes</c> …) to its main parts' numbers. A
/// version with <c>labourRates</c> prices warranty claims: every part then needs a price, and claims may list only
/// its parts and <c>labourOperations</c>.
/// </summary>
public sealed record CatalogueRequest(
    [Required] IReadOnlyList<CataloguePartRequest?>? Parts, Dictionary<string, IReadOnlyList<string?>?>? MainParts, IReadOnlyList<WearPartRequest?>? WearParts,
    IReadOnlyList<LabourOperationRequest?>? LabourOperations = null, LabourRatesRequest? LabourRates = null);
