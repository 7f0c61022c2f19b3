using System.ComponentModel.DataAnnotations;
using System.Collections.Immutable;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Recalls;

namespace AfterSales.Api.Apis;

public static class RecallsApi
{
    // A campaign may list up to 100,000 VINs (about 2 MB of JSON); larger sets are opened by model or batch.
    private const long MaxRecallBodyBytes = 4 * 1024 * 1024;

    public static RouteGroupBuilder MapRecallsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/recalls").WithTags("Recalls");
        group.MapPost("", OpenAsync).RequireAuthorization(Policies.WarrantyDecisions).WithName("OpenRecall")
            .WithSummary("Open a recall campaign over models, batches and/or listed VINs; covered vehicles show it in their warranty view at once.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxRecallBodyBytes))
            .Accepts<RecallRequest>("application/json").Produces<RecallView>(StatusCodes.Status201Created);
        group.MapGet("/{campaignId}", GetAsync).WithName("GetRecall")
            .WithSummary("Live progress: affected, completed, completionRate, and the same per region (the selling dealer's province; 'unassigned' for vehicles with none); regionsPending.").Produces<RecallView>();
        return group;
    }

    private static async Task<IResult> OpenAsync(HttpRequest request, IClusterClient cluster)
    {
        // Opening is idempotent by campaign id (the same definition answers as the first time), so a key adds nothing,
        // but a malformed one is still refused like everywhere else.
        if (!IdempotencyKey.TryRead(request, out _, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<RecallRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var campaignId = CampaignId(errors, body!.CampaignId);
        var description = errors.Text("description", body.Description, 2000);
        var remedy = errors.Text("remedy", body.Remedy, 2000);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        // Blank entries stay in place (as "") so the grain names them by index.
        var command = new OpenRecall(description, remedy, Entries(body.Models), Entries(body.Batches), Entries(body.Vins));
        var outcome = await cluster.Grain<IRecallCampaignGrain>(campaignId).OpenAsync(command);
        return outcome.ToHttp(v => $"/api/recalls/{Uri.EscapeDataString(v.CampaignId)}");
    }

    private static async Task<IResult> GetAsync(string campaignId, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var id = CampaignId(errors, campaignId);
        return errors.Any ? errors.ToResult() : (await cluster.Grain<IRecallCampaignGrain>(id).GetAsync()).ToHttp();
    }

    private static ImmutableArray<string> Entries(IReadOnlyList<string?>? values) => [.. (values ?? []).Select(v => v ?? "")];

    private static string CampaignId(RequestErrors errors, string? value)
    {
        var id = errors.Text("campaignId", value, 64);
        if (id.Length > 0 && !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("campaignId", "campaignId may contain only letters, digits, '-', '_' and '.'.");
        }

        return id;
    }
}

/// <summary>POST /api/recalls.</summary>
public sealed record RecallRequest(
    [Required] string? CampaignId, [Required] string? Description, IReadOnlyList<string?>? Models, IReadOnlyList<string?>? Batches, IReadOnlyList<string?>? Vins, [Required] string? Remedy);
