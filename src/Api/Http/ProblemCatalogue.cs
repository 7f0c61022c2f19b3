using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Http;

/// <summary>One kind of problem: its HTTP status, a short stable title, when it is answered and what a client does.</summary>
public sealed record ProblemKind(string Code, int Status, string Title, string When, string Action)
{
    /// <summary>
    /// The problem's <c>type</c>: a relative reference, resolved against the API's own address, so it is the same
    /// string behind every host name and proxy (a client compares it, or <c>code</c>) and still dereferenceable.
    /// </summary>
    public string Type => ProblemCatalogue.TypeOf(Code);
}

/// <summary>
/// Every problem the API answers, one entry per <see cref="ProblemCodes"/> code: served at <c>GET /problems/{code}</c>
/// and listed in the README's "Errors" table (a test keeps the two equal).
/// </summary>
public static class ProblemCatalogue
{
    public const string PathPrefix = "/problems/";

    public static string TypeOf(string code) => PathPrefix + code;

    public static IReadOnlyList<ProblemKind> All { get; } =
    [
        new(ProblemCodes.ValidationFailed, 400, "Invalid request",
            "One or more fields (or the Idempotency-Key header) are missing or wrong; `errors` names each field.",
            "Fix the named fields and send again."),
        new(ProblemCodes.MalformedJson, 400, "Malformed JSON",
            "The body is not a JSON object, or a value has the wrong type (text for a number, say); `errors` names the field.",
            "Send a JSON object with each field of its documented type."),
        new(ProblemCodes.InvalidEnumValue, 400, "Value outside the enumeration",
            "An enumeration field holds a value outside it; `errors` names the field, `allowedValues` lists the values (also in `detail`).",
            "Send one of `allowedValues`, spelled as listed (camelCase)."),
        new(ProblemCodes.BadRequest, 400, "Bad request",
            "The request could not be read before it reached the API (a query value or header of the wrong form).",
            "Correct the request as `detail` says."),
        new(ProblemCodes.Unauthenticated, 401, "Not authenticated",
            "No bearer token, or one that is not valid (expired, signed by an untrusted key, another issuer or audience).",
            "Get a new token and send it as `Authorization: Bearer …`."),
        new(ProblemCodes.ForbiddenRole, 403, "Role not allowed",
            "The token's role may not use this route (see the roles table).",
            "Call with a token of a role the route allows."),
        new(ProblemCodes.ForbiddenStation, 403, "Other station's business",
            "A station's token acts for, or reads the claims of, another station.",
            "Act only for the station in your token."),
        new(ProblemCodes.StationSuspended, 403, "Station suspended",
            "The caller's station is suspended or revoked: its callers may not act.",
            "Stop; the station acts again once an operator reinstates it."),
        new(ProblemCodes.AssertionNotAllowed, 403, "Assertion not allowed",
            "The request asserts what the caller may not: a parts reservation's `warranty` or `urgent` its work order does not hold, or a station stating on a visit facts only an approved claim establishes.",
            "Leave out the fields `detail` names (or first bring the work order to that state)."),
        new(ProblemCodes.NotFound, 404, "Not found",
            "What the URL names does not exist: a complaint, claim, buyback case, work order, reservation, recall, catalogue version, calendar year, stock line or province, or no route at all.",
            "Check the id or path; create the resource first if it is yours to create."),
        new(ProblemCodes.VehicleNotRegistered, 404, "Vehicle not registered",
            "No vehicle with this VIN is registered (also when a work order is opened for one).",
            "Check the VIN, or register the vehicle (POST /api/vehicles)."),
        new(ProblemCodes.StationNotRegistered, 404, "Station not registered",
            "No service station with this code is registered.",
            "Check the code, or register the station (PUT /api/stations/{code})."),
        new(ProblemCodes.DepotNotRegistered, 404, "Depot not registered",
            "No parts depot with this code is registered.",
            "Check the code, or register the depot (PUT /api/depots/{code})."),
        new(ProblemCodes.FeatureDisabled, 404, "Not enabled",
            "An operator tool that is turned off on this host.",
            "Turn it on with the setting `detail` names, or do without it."),
        new(ProblemCodes.MethodNotAllowed, 405, "Method not allowed",
            "The route exists, but not with this HTTP method.",
            "Use a method the route allows (the `Allow` header lists them)."),
        new(ProblemCodes.IllegalTransition, 409, "Illegal transition",
            "The entity's state does not allow this step (a settled work order started, a decided claim approved, a closed month closed again).",
            "Read the entity's state; `detail` names the steps allowed now."),
        new(ProblemCodes.IdempotencyKeyReused, 409, "Idempotency key reused",
            "This Idempotency-Key was already used for a different request; nothing was applied.",
            "Use a new key for a new request; resend the same body to replay the first outcome."),
        new(ProblemCodes.AlreadyExists, 409, "Already exists",
            "The entity already exists with other details (a vehicle registered, a recall opened, a claim filed, a visit archived).",
            "Read the existing entity; it is not redefined."),
        new(ProblemCodes.OdometerRegression, 409, "Odometer regression",
            "A reading below one already recorded (or above a later one): readings never go backwards.",
            "Check the reading; an operator lowers a wrong one with an odometer correction."),
        new(ProblemCodes.OdometerImplausible, 409, "Odometer implausible",
            "A reading further ahead of the last one than the vehicle can have driven since.",
            "Check the reading and send the right one."),
        new(ProblemCodes.StationNotActive, 409, "Station not active",
            "The station is suspended or revoked and accepts no new work orders.",
            "Send the vehicle to an active station."),
        new(ProblemCodes.AppraiserNotCertified, 409, "Appraiser not certified",
            "The appraiser is not one of the station's people holding an appraiser certificate valid on the appraisal's business date; nothing was recorded.",
            "Have a certified appraiser appraise, or have the after-sales side record the certificate (PUT /api/stations/{code}/people/{personId})."),
        new(ProblemCodes.AlreadyAssigned, 409, "Already assigned",
            "The card is with a station already; only a card waiting in the call centre's queue is assigned.",
            "Nothing to do: the card's station handles it (GET /api/complaints/{id} names it)."),
        new(ProblemCodes.CorrectiveActionsOpen, 409, "Corrective actions open",
            "The callback would close the card, but corrective actions on it are neither verified nor waived; nothing changed.",
            "Verify each completed action (POST /api/corrective-actions/{id}/verify) or waive it with a reason, then call back again."),
        new(ProblemCodes.BuybackConditionsNotMet, 409, "Buyback conditions not met",
            "The vehicle does not meet the article's conditions for a replacement or refund; `missingConditions` lists them.",
            "Nothing to retry: the owner has no such entitlement now."),
        new(ProblemCodes.BuybackCaseOpen, 409, "Buyback case open",
            "The vehicle is held by an open buyback case.",
            "Finish (complete or reject) the open case first."),
        new(ProblemCodes.BuybackCompletionBlocked, 409, "Buyback completion blocked",
            "The case cannot be completed as asked: the vehicle is no longer held in service, the replacement is not a new vehicle, or no owner is on record.",
            "Resolve what `detail` names, then complete again."),
        new(ProblemCodes.SecondApproverRequired, 409, "Second approver required",
            "The buyback case was evaluated by the same person who now approves it.",
            "Have someone else approve it."),
        new(ProblemCodes.CalendarNotLoaded, 409, "Calendar not loaded",
            "The working-day calendar a deadline is counted on is not loaded; nothing was opened.",
            "An operator loads the year (PUT /api/calendar/{year}); then retry."),
        new(ProblemCodes.ClaimUnderReview, 409, "Claim under review",
            "The work order's claim is with the warranty department.",
            "Wait for the decision, or answer its requests on the claim."),
        new(ProblemCodes.ClaimNeedsInformation, 409, "Claim needs information",
            "The work order's claim needs information before the order can be completed.",
            "Appraise the work order again."),
        new(ProblemCodes.RecallNotOpen, 409, "Recall not open",
            "The vehicle has no open recall of this campaign (not covered, not open, or already done).",
            "Check the campaign id, or open a repair instead."),
        new(ProblemCodes.RecallClosed, 409, "Recall closed",
            "The recall campaign was closed (by an operator, or at 100 % completion); it no longer takes owner notifications and cannot be closed again.",
            "Read GET /api/recalls/{campaignId} for closedAt, closedBy and closeReason; open a new campaign for further work."),
        new(ProblemCodes.VehicleNotInRecall, 409, "Vehicle not in the recall",
            "The vehicle is not in the campaign's scope (none of its criteria matches its model, batch and production date, and it is not listed), or it is not registered.",
            "Check the VIN and the campaign's criteria in GET /api/recalls/{campaignId}."),
        new(ProblemCodes.WorkOrderClosed, 409, "Work order closed",
            "The work order a reservation is for is closed and needs no more parts.",
            "Reserve for an open work order."),
        new(ProblemCodes.OperationNotApplicable, 409, "Not applicable",
            "The step does not apply to this kind of entity (appraising a work order that is not a repair).",
            "Use the step for the kind of entity it is for."),
        new(ProblemCodes.InsufficientStock, 409, "Insufficient stock",
            "More units than the reservation holds.",
            "Ship at most the units held."),
        new(ProblemCodes.SubmissionWindowClosed, 409, "Submission window closed",
            "The deadline for this submission has passed (a month's parts plan after the 10th).",
            "Submit it with next month's."),
        new(ProblemCodes.SurveyNotFound, 404, "Survey not found",
            "No satisfaction survey with this id. A survey is due, keyed by its work order id, once a completed work order is archived on its vehicle.",
            "Take the id from GET /api/surveys/due."),
        new(ProblemCodes.SurveyRecorded, 409, "Survey already recorded",
            "The survey was already answered or closed unanswered; a survey is recorded once.",
            "Read the survey (GET /api/surveys/{id}); nothing more to record."),
        new(ProblemCodes.MonthNotOver, 409, "Month not over",
            "The month has not ended, so it cannot be closed.",
            "Close it once it has ended."),
        new(ProblemCodes.NotYetReady, 409, "Not yet ready",
            "Something this step waits for is still under way (a case being opened, a visit on its way to the archive).",
            "Retry shortly with the same Idempotency-Key."),
        new(ProblemCodes.Conflict, 409, "Conflict",
            "A state conflict from a server of the previous release, which names no code (only during a rolling upgrade).",
            "Act on `detail`."),
        new(ProblemCodes.PreconditionFailed, 412, "Precondition failed",
            "The entity changed since the version the request's `If-Match` names; nothing was applied.",
            "Read it again (new ETag), reconsider, and resend with the new ETag."),
        new(ProblemCodes.PayloadTooLarge, 413, "Request body too large",
            "The body is larger than the route accepts.",
            "Send a smaller body (split a bulk request)."),
        new(ProblemCodes.UnsupportedMediaType, 415, "Unsupported media type",
            "The body is not sent as `application/json`.",
            "Send JSON with `Content-Type: application/json`."),
        new(ProblemCodes.RateLimited, 429, "Too many requests",
            "This caller sent more requests per second than it may.",
            "Slow down; retry after `Retry-After` seconds."),
        new(ProblemCodes.InternalError, 500, "Internal error",
            "An unexpected failure on the server.",
            "Retry with the same Idempotency-Key; report the `traceId` if it persists."),
        new(ProblemCodes.ClusterUnavailable, 503, "Service temporarily unavailable",
            "The cluster or its database could not answer in time; nothing was acknowledged.",
            "Retry after `Retry-After` with the same Idempotency-Key."),
        new(ProblemCodes.ServerBusy, 503, "Service busy",
            "This host is serving as many requests as it may at once.",
            "Retry after `Retry-After`."),
    ];

    private static readonly Dictionary<string, ProblemKind> ByCode = All.ToDictionary(k => k.Code, StringComparer.Ordinal);

    public static ProblemKind? Find(string code) => ByCode.GetValueOrDefault(code);

    public static ProblemKind Get(string code) =>
        ByCode.TryGetValue(code, out var kind) ? kind : throw new ArgumentException($"'{code}' is not in the problem catalogue.", nameof(code));

    /// <summary>
    /// The code of a problem nothing named one for: the framework's own answers (routing, authentication and
    /// authorization, unhandled exceptions) and a refusal from a previous-release silo.
    /// </summary>
    public static string ForStatus(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemCodes.BadRequest,
        StatusCodes.Status401Unauthorized => ProblemCodes.Unauthenticated,
        StatusCodes.Status403Forbidden => ProblemCodes.ForbiddenRole,
        StatusCodes.Status404NotFound => ProblemCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
        StatusCodes.Status409Conflict => ProblemCodes.Conflict,
        StatusCodes.Status412PreconditionFailed => ProblemCodes.PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => ProblemCodes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ProblemCodes.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ProblemCodes.ClusterUnavailable,
        _ => ProblemCodes.InternalError,
    };
}

/// <summary>
/// <c>GET /problems</c> and <c>GET /problems/{code}</c>: what each problem <c>type</c> means, for a person following
/// the link. Open to anyone (a problem says nothing about the caller) and, like health, not part of the API document.
/// </summary>
public static class ProblemTypeEndpoints
{
    public static IEndpointRouteBuilder MapProblemTypes(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/problems").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", () => TypedResults.Ok(ProblemCatalogue.All));
        group.MapGet("/{code}", (string code) => ProblemCatalogue.Find(code) is { } kind
            ? (IResult)TypedResults.Ok(kind)
            : Problems.Of(ProblemCodes.NotFound, $"There is no problem type '{code}'; GET /problems lists them all."));
        return app;
    }
}
