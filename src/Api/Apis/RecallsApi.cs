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
            .WithSummary("Open a recall campaign: the union of its criteria (each listed model, each listed batch, and each criterion {model?, batch?, producedFrom?, producedTo?} — the vehicles matching all it gives, dates inclusive) plus the listed VINs; covered vehicles show it in their warranty view at once.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxRecallBodyBytes))
            .Accepts<RecallRequest>("application/json").Produces<RecallView>(StatusCodes.Status201Created);
        group.MapGet("/{campaignId}", GetAsync).WithName("GetRecall")
            .WithSummary("Live progress: affected, completed, completionRate, and the same per region (the selling dealer's province; 'unassigned' for vehicles with none); regionsPending; owners notified; closesAt while it is at 100 % and settling before it closes itself; and, once closed, closed/closedAt/closedBy/closeReason with the progress frozen at closing.").Produces<RecallView>();
        group.MapPost("/{campaignId}/close", CloseAsync).RequireAuthorization(Policies.Operate).WithName("CloseRecall")
            .WithSummary("Close the campaign (operators; it also closes by itself at 100 % completion): it leaves vehicles' openRecalls, the network view's recall completion and the registry; the record stays readable. Closing a closed campaign is 409 recall-closed.")
            .Accepts<CloseRecallRequest>("application/json").Produces<RecallView>();
        group.MapPost("/{campaignId}/notifications", NotifyAsync).RequireAuthorization(Policies.CustomerRecords).WithName("RecordRecallNotification")
            .WithSummary("Record that a covered vehicle's owner was notified (call centre and operators): channel letter|phone|sms|app|email and the date. Append-only; the same (vin, channel, notifiedOn) again answers 200 with the first record; a VIN outside the scope is 409 vehicle-not-in-recall.")
            .Accepts<RecallNotificationRequest>("application/json")
            .Produces<RecallNotificationView>(StatusCodes.Status201Created).Produces<RecallNotificationView>();
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

        // Blank entries stay in place (as "") so the grain names them by index; a null criterion stays null for the same reason.
        var command = new OpenRecall(description, remedy, Entries(body.Models), Entries(body.Batches), Entries(body.Vins))
        {
            Criteria = [.. (body.Criteria ?? []).Select(c => c is null ? null! : new RecallCriterion(c.Model, c.Batch, c.ProducedFrom, c.ProducedTo))],
        };
        var outcome = await cluster.Grain<IRecallCampaignGrain>(campaignId).OpenAsync(command);
        return outcome.ToHttp(v => $"/api/recalls/{Uri.EscapeDataString(v.CampaignId)}");
    }

    private static async Task<IResult> GetAsync(string campaignId, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var id = CampaignId(errors, campaignId);
        return errors.Any ? errors.ToResult() : (await cluster.Grain<IRecallCampaignGrain>(id).GetAsync()).ToHttp();
    }

    private static async Task<IResult> CloseAsync(string campaignId, HttpRequest request, IClusterClient cluster)
    {
        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<CloseRecallRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var id = CampaignId(errors, campaignId);
        var reason = errors.Text("reason", body!.Reason, 2000);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return (await cluster.Grain<IRecallCampaignGrain>(id).CloseAsync(new CloseRecall(reason, request.HttpContext.User.Actor()), key)).ToHttp();
    }

    private static async Task<IResult> NotifyAsync(string campaignId, HttpRequest request, IClusterClient cluster)
    {
        // Recording is idempotent by (vin, channel, notifiedOn): a key adds nothing, but a malformed one is refused.
        if (!IdempotencyKey.TryRead(request, out _, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<RecallNotificationRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var id = CampaignId(errors, campaignId);
        // Only the shape here (the grain key); a VIN that is no registered vehicle is not in the scope (409).
        var vin = (body!.Vin ?? "").Trim().ToUpperInvariant();
        if (vin.Length != 17 || !vin.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("vin", "vin must be 17 letters and digits (ISO 3779).");
        }

        var channel = errors.Require("channel", body.Channel);
        var notifiedOn = errors.Require("notifiedOn", body.NotifiedOn);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var command = new RecordRecallNotification(vin, channel, notifiedOn, request.HttpContext.User.Actor());
        return (await cluster.Grain<IRecallCampaignGrain>(id).RecordNotificationAsync(command)).ToHttp(
            n => $"/api/recalls/{Uri.EscapeDataString(n.CampaignId)}/notifications/{n.Vin}");
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

/// <summary>POST /api/recalls. <c>criteria</c>: each the vehicles matching every field it gives (at least a model or a batch; dates inclusive).</summary>
public sealed record RecallRequest(
    [Required] string? CampaignId, [Required] string? Description, IReadOnlyList<string?>? Models, IReadOnlyList<string?>? Batches, IReadOnlyList<string?>? Vins, [Required] string? Remedy,
    IReadOnlyList<RecallCriterionRequest?>? Criteria = null);

/// <summary>One criterion of a recall's scope: model AND batch AND produced in [producedFrom, producedTo], for the fields given.</summary>
public sealed record RecallCriterionRequest(string? Model, string? Batch, DateOnly? ProducedFrom, DateOnly? ProducedTo);

/// <summary>POST /api/recalls/{campaignId}/close.</summary>
public sealed record CloseRecallRequest([Required] string? Reason);

/// <summary>POST /api/recalls/{campaignId}/notifications: channel letter|phone|sms|app|email.</summary>
public sealed record RecallNotificationRequest([Required] string? Vin, [Required] NotificationChannel? Channel, [Required] DateOnly? NotifiedOn);
