using System.ComponentModel.DataAnnotations;
using AfterSales.Api.Hosting;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Surveys;

namespace AfterSales.Api.Apis;

/// <summary>
/// Customer satisfaction surveys (顾客满意度调查, seed 000 §5.6): one is due after every completed work order; the call
/// centre works the list of surveys due and records each one's answer (score 1–5, comment) or that nobody answered.
/// </summary>
public static class SurveysApi
{
    private const int MaxCommentLength = 2000;

    public static RouteGroupBuilder MapSurveysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/surveys").WithTags("Surveys").RequireAuthorization(Policies.Surveys);
        group.MapGet("/due", DueAsync).WithName("ListSurveysDue")
            .WithSummary("Satisfaction surveys due (one per completed work order, id = the work order id), oldest first, one page (limit 1–500, default 50; cursor from nextCursor); due = how many are due in all. Items carry the station, VIN and visit, no customer data: the owner's contact is read through the vehicle, which records the read.")
            .Produces<SurveyQueuePage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/{id}", GetAsync).WithName("GetSurvey")
            .WithSummary("One survey: due, answered (score, comment) or noAnswer, with who recorded it and when.").Produces<SurveyView>();
        group.MapPost("/{id}/responses", AnswerAsync).WithName("AnswerSurvey")
            .WithSummary("Record the customer's answer: score 1 (very dissatisfied) to 5 (very satisfied), an optional comment (at most 2000 characters). 409 survey-recorded once answered or closed unanswered.")
            .Accepts<SurveyResponseRequest>("application/json").Produces<SurveyView>();
        group.MapPost("/{id}/no-answer", NoAnswerAsync).WithName("SurveyNoAnswer")
            .WithSummary("Close the survey unanswered (the customer could not be reached); it counts against the station's response rate. 409 survey-recorded once recorded.")
            .Produces<SurveyView>();
        return group;
    }

    private static async Task<IResult> DueAsync(string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        if (cursor is { Length: 0 or > 200 })
        {
            errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
        }

        return errors.Any ? errors.ToResult() : (await cluster.Grain<ISurveyQueueGrain>(SurveyQueueKeys.National).ListAsync(size, cursor)).ToHttp();
    }

    private static async Task<IResult> GetAsync(string id, IClusterClient cluster) =>
        TryId(id, out var normalized, out var invalid) ? (await cluster.Grain<ISurveyGrain>(normalized).GetAsync()).ToHttp() : invalid;

    private static async Task<IResult> AnswerAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<SurveyResponseRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var score = errors.Range("score", body!.Score, 1, 5);
        var comment = errors.OptionalText("comment", body.Comment, MaxCommentLength);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return (await cluster.Grain<ISurveyGrain>(normalized).AnswerAsync(new SurveyResponse(score, comment), request.HttpContext.User.Actor(), key)).ToHttp();
    }

    private static async Task<IResult> NoAnswerAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        return (await cluster.Grain<ISurveyGrain>(normalized).NoAnswerAsync(request.HttpContext.User.Actor(), key)).ToHttp();
    }

    /// <summary>A survey id is its work order's id (<c>{station code}-{n}</c>).</summary>
    private static bool TryId(string id, out string normalized, out IResult invalid)
    {
        normalized = id.Trim().ToUpperInvariant();
        invalid = null!;
        if (normalized.Length is >= 1 and <= 48 && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["id"] = ["id must be a survey id as GET /api/surveys/due lists it (its work order id, e.g. S001-12)."] });
        return false;
    }
}

/// <summary>A survey's answer as the call centre records it: score 1–5 and an optional comment.</summary>
public sealed record SurveyResponseRequest([Required] int? Score, string? Comment);
