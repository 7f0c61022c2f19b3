using AfterSales.Api.Hosting;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Apis;

/// <summary>
/// Replace/refund cases (退换车) and the working-day calendar their Art. 28 deadlines are counted on. The call centre,
/// the warranty department and operators open and read cases (an owner's request reaches any of them); the warranty
/// department and operators take the steps; operators load the calendar.
/// </summary>
public static class BuybackApi
{
    public static IEndpointRouteBuilder MapBuybackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/vehicles/{vin}/buyback-cases", OpenAsync).RequireAuthorization(Policies.BuybackRequests).WithTags("Buyback cases")
            .WithName("OpenBuybackCase")
            .WithSummary("Open a replace/refund case on an owner's request {request: replace|refund, article, note?}: 201 with id, answerBy and completeBy (Art. 28 working days); 409 listing the missing conditions when no granted entitlement stands behind it.")
            .Accepts<OpenBuybackCaseRequest>("application/json").Produces<BuybackCaseView>(StatusCodes.Status201Created);
        var cases = app.MapGroup("/buyback-cases").WithTags("Buyback cases");
        cases.MapGet("/{id}", GetAsync).RequireAuthorization(Policies.BuybackRequests).WithName("GetBuybackCase")
            .WithSummary("A replace/refund case: state, entitlement, deadlines, every step with who and when, breaches, and how it ended.")
            .Produces<BuybackCaseView>();
        foreach (var action in Enum.GetValues<BuybackAction>())
        {
            var route = action.ToString().ToLowerInvariant();
            cases.MapPost($"/{{id}}/{route}", (string id, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster) => ActAsync(id, action, request, user, cluster))
                .RequireAuthorization(Policies.WarrantyDecisions).WithName($"BuybackCase-{route}").AcceptsIfMatch()
                .WithSummary(action switch
                {
                    BuybackAction.Evaluate => "The warranty department's evaluation of the vehicle (body {note}, required).",
                    BuybackAction.Approve => "Management approval (body {note?}); by someone other than the evaluator.",
                    BuybackAction.Reject => "Reject the request (body {note}, required: the reason the owner is told); the vehicle is free for another case.",
                    _ => "Carry it out: a replacement (body {replacementVin}: a registered vehicle not yet delivered, delivered to the owner with its periods restarting) or a refund (the invoice price less the usage compensation where Art. 27 applies).",
                })
                .Accepts<BuybackStepRequest>("application/json").Produces<BuybackCaseView>();
        }

        app.MapPut("/calendar/{year}", PutYearAsync).RequireAuthorization(Policies.Operate).WithTags("Buyback cases")
            .WithName("PutWorkingCalendarYear")
            .WithSummary("Load a year of the working-day calendar {holidays: [date], makeUpWorkingDays: [date]} as the State Council published it.")
            .Accepts<WorkingCalendarYearRequest>("application/json").Produces<WorkingCalendarYear>();
        app.MapGet("/calendar/{year}", GetYearAsync).WithTags("Buyback cases").WithName("GetWorkingCalendarYear")
            .WithSummary("A loaded year of the working-day calendar.").Produces<WorkingCalendarYear>();
        return app;
    }

    private static async Task<IResult> OpenAsync(string vin, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!VehiclesApi.TryNormalizeVin(vin, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<OpenBuybackCaseRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        if (body!.Request is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("request", "request is required: replace or refund.");
        }

        // The grain checks which articles give a replacement or refund; here only that one is named.
        var article = errors.Text("article", body.Article, 20);

        var note = errors.Text("note", body.Note, 2000, required: false);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var open = new OpenBuybackCase(normalized, body.Request!.Value, article, note.Length == 0 ? null : note);
        var outcome = await cluster.Grain<IBuybackCaseGrain>(NewId(user, key)).OpenAsync(open, user.Actor());
        return outcome.ToHttp(c => $"/api/buyback-cases/{c.Id}");
    }

    private static async Task<IResult> GetAsync(string id, IClusterClient cluster) =>
        TryCaseId(id, out var normalized, out var invalid) ? (await cluster.Grain<IBuybackCaseGrain>(normalized).GetAsync()).ToHttp() : invalid;

    private static async Task<IResult> ActAsync(string id, BuybackAction action, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryCaseId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        string? note = null;
        string? replacementVin = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, error) = await JsonBody.ReadAsync<BuybackStepRequest>(request);
            if (error is not null)
            {
                return error;
            }

            var errors = new RequestErrors();
            note = errors.Text("note", body!.Note, 2000, required: false);
            if (body.ReplacementVin is { } vin)
            {
                // Only the shape here; the case checks the alphabet and check digit.
                replacementVin = vin.Trim().ToUpperInvariant();
                if (replacementVin.Length != 17 || !replacementVin.All(char.IsAsciiLetterOrDigit))
                {
                    errors.Add("replacementVin", "replacementVin must be 17 letters and digits (ISO 3779).");
                }
            }

            if (errors.Any)
            {
                return errors.ToResult();
            }
        }

        var command = new BuybackCommand(action, string.IsNullOrEmpty(note) ? null : note, replacementVin);
        return (await IfMatch.For(request, cluster.Grain<IBuybackCaseGrain>(normalized)).ActAsync(command, user.Actor(), key)).ToHttp();
    }

    private static async Task<IResult> PutYearAsync(string year, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryYear(year, out var number, out var invalid))
        {
            return invalid;
        }

        var (body, error) = await JsonBody.ReadAsync<WorkingCalendarYearRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        if (body!.Holidays is not { Count: <= 60 } || body.MakeUpWorkingDays is not { Count: <= 30 })
        {
            errors.Add(body.Holidays is not { Count: <= 60 } ? "holidays" : "makeUpWorkingDays",
                "holidays (at most 60 dates) and makeUpWorkingDays (at most 30) are both required; send [] for none.");
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IWorkingCalendarGrain>(WorkingCalendarKeys.Mainland).PutYearAsync(number, body.Holidays, body.MakeUpWorkingDays, user.Actor());
        return outcome.ToHttp();
    }

    private static async Task<IResult> GetYearAsync(string year, IClusterClient cluster) =>
        TryYear(year, out var number, out var invalid) ? (await cluster.Grain<IWorkingCalendarGrain>(WorkingCalendarKeys.Mainland).GetYearAsync(number)).ToHttp() : invalid;

    private static bool TryYear(string text, out int year, out IResult invalid)
    {
        invalid = null!;
        if (text.Length == 4 && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out year) && year is >= 2000 and <= 2999)
        {
            return true;
        }

        year = 0;
        invalid = OutcomeResults.Invalid(new() { ["year"] = ["year must be four digits, 2000–2999."] });
        return false;
    }

    /// <summary>With an Idempotency-Key the id is derived from the caller and the key, so a retried request reaches the same case.</summary>
    private static string NewId(ClaimsPrincipal user, string? key)
    {
        if (key is null)
        {
            return "BB" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"buyback\n{user.FindFirstValue("sub")}\n{key}"));
        return "BB" + Convert.ToHexString(hash)[..20];
    }

    private static bool TryCaseId(string id, out string normalized, out IResult invalid)
    {
        normalized = id.Trim().ToUpperInvariant();
        invalid = null!;
        if (normalized.Length == 22 && normalized.StartsWith("BB", StringComparison.Ordinal) && normalized[2..].All(char.IsAsciiHexDigit))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["id"] = ["id must be a buyback case id (BB and 20 hex digits)."] });
        return false;
    }
}

/// <summary>POST /api/vehicles/{vin}/buyback-cases.</summary>
public sealed record OpenBuybackCaseRequest([Required] BuybackRequestKind? Request, [Required] string? Article, string? Note);

/// <summary>A step's body: the note, and for completing a replacement the new vehicle's VIN.</summary>
public sealed record BuybackStepRequest(string? Note, string? ReplacementVin);

/// <summary>PUT /api/calendar/{year}.</summary>
public sealed record WorkingCalendarYearRequest([Required] IReadOnlyList<DateOnly>? Holidays, IReadOnlyList<DateOnly>? MakeUpWorkingDays);
