namespace AfterSales.Interfaces.Common;

/// <summary>
/// The stable <c>code</c> of every problem the API answers, one per kind of failure a client branches on (the
/// <c>detail</c> says what to do in words). Grains name one in each <see cref="Refusal"/>; the API's catalogue gives
/// each its HTTP status, title and description (<c>GET /problems/{code}</c>, and the README's "Errors" table).
/// Codes are never renamed or reused: clients compare them.
/// </summary>
public static class ProblemCodes
{
    /// <summary>400: one or more fields are missing or wrong; <c>errors</c> names each.</summary>
    public const string ValidationFailed = "validation-failed";

    /// <summary>400: the body is not JSON or holds a value of the wrong type; <c>errors</c> names the field.</summary>
    public const string MalformedJson = "malformed-json";

    /// <summary>400: an enumeration field holds a value outside it; <c>errors</c> names the field, <c>allowedValues</c> lists the values.</summary>
    public const string InvalidEnumValue = "invalid-enum-value";

    /// <summary>400: the framework could not read the request (a query value or header of the wrong form).</summary>
    public const string BadRequest = "bad-request";

    /// <summary>401: no bearer token, or one that is not valid (expired, wrong signer, issuer or audience).</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>403: the caller's role may not use this route.</summary>
    public const string ForbiddenRole = "forbidden-role";

    /// <summary>403: a station caller acting for (or reading the claims of) another station.</summary>
    public const string ForbiddenStation = "forbidden-station";

    /// <summary>403: the caller's station is suspended or revoked; its callers may not act until it is reinstated.</summary>
    public const string StationSuspended = "station-suspended";

    /// <summary>403: the request asserts what the caller may not (a priority its work order does not hold, a station stating approved facts).</summary>
    public const string AssertionNotAllowed = "assertion-not-allowed";

    /// <summary>404: the resource the URL names (a complaint, claim, case, work order, reservation, recall…) or the route does not exist.</summary>
    public const string NotFound = "not-found";

    /// <summary>404: no vehicle with this VIN is registered.</summary>
    public const string VehicleNotRegistered = "vehicle-not-registered";

    /// <summary>404: no service station with this code is registered.</summary>
    public const string StationNotRegistered = "station-not-registered";

    /// <summary>404: no parts depot with this code is registered.</summary>
    public const string DepotNotRegistered = "depot-not-registered";

    /// <summary>404: an operator tool that is turned off on this host.</summary>
    public const string FeatureDisabled = "feature-disabled";

    /// <summary>405: the route exists but not with this verb.</summary>
    public const string MethodNotAllowed = "method-not-allowed";

    /// <summary>409: the entity's state does not allow this step (a work order already settled, a claim already decided).</summary>
    public const string IllegalTransition = "illegal-transition";

    /// <summary>409: this Idempotency-Key was already used for a different request.</summary>
    public const string IdempotencyKeyReused = "idempotency-key-reused";

    /// <summary>409: the entity already exists with different details (a vehicle registered twice, a claim already filed).</summary>
    public const string AlreadyExists = "already-exists";

    /// <summary>409: an odometer reading below one already recorded (readings never go backwards).</summary>
    public const string OdometerRegression = "odometer-regression";

    /// <summary>409: an odometer reading further ahead of the last one than a vehicle can drive in the time between.</summary>
    public const string OdometerImplausible = "odometer-implausible";

    /// <summary>409: the station is suspended or revoked and accepts no new work orders.</summary>
    public const string StationNotActive = "station-not-active";

    /// <summary>409: the appraiser holds no appraiser certificate valid on the appraisal's business date (seed 001 §5.3.1).</summary>
    public const string AppraiserNotCertified = "appraiser-not-certified";

    /// <summary>409: the card is with a station already; only a card in the call centre's queue is assigned.</summary>
    public const string AlreadyAssigned = "already-assigned";

    /// <summary>409: the card has corrective actions neither verified nor waived, so a callback cannot close it.</summary>
    public const string CorrectiveActionsOpen = "corrective-actions-open";

    /// <summary>409: the vehicle does not meet the article's conditions for a replacement or refund; <c>missingConditions</c> lists them.</summary>
    public const string BuybackConditionsNotMet = "buyback-conditions-not-met";

    /// <summary>409: the vehicle is held by an open buyback case.</summary>
    public const string BuybackCaseOpen = "buyback-case-open";

    /// <summary>409: a buyback case cannot be completed as asked (the vehicle or the replacement is no longer as the case needs).</summary>
    public const string BuybackCompletionBlocked = "buyback-completion-blocked";

    /// <summary>409: the approval must come from someone other than the evaluator.</summary>
    public const string SecondApproverRequired = "second-approver-required";

    /// <summary>409: the working-day calendar a deadline is counted on is not loaded.</summary>
    public const string CalendarNotLoaded = "calendar-not-loaded";

    /// <summary>409: the work order's claim is with the warranty department for review.</summary>
    public const string ClaimUnderReview = "claim-under-review";

    /// <summary>409: the work order's claim needs information: appraise again first.</summary>
    public const string ClaimNeedsInformation = "claim-needs-information";

    /// <summary>409: the vehicle has no open recall of this campaign.</summary>
    public const string RecallNotOpen = "recall-not-open";

    /// <summary>409: the recall campaign is closed: closing it again, or recording owner notifications, is refused.</summary>
    public const string RecallClosed = "recall-closed";

    /// <summary>409: the vehicle is not in the recall campaign's scope (an owner notification for it is refused).</summary>
    public const string VehicleNotInRecall = "vehicle-not-in-recall";

    /// <summary>409: the work order is closed and needs no more parts.</summary>
    public const string WorkOrderClosed = "work-order-closed";

    /// <summary>409: the step does not apply to this kind of entity (appraising a maintenance order).</summary>
    public const string OperationNotApplicable = "operation-not-applicable";

    /// <summary>409: more units than are held.</summary>
    public const string InsufficientStock = "insufficient-stock";

    /// <summary>409: the window for this submission has closed (a month's parts plan after its deadline).</summary>
    public const string SubmissionWindowClosed = "submission-window-closed";

    /// <summary>404: no survey with this id (a survey is due once a completed work order is archived).</summary>
    public const string SurveyNotFound = "survey-not-found";

    /// <summary>409: the survey was already answered or closed unanswered; it is recorded once.</summary>
    public const string SurveyRecorded = "survey-recorded";

    /// <summary>409: the month is not over, so it cannot be closed yet.</summary>
    public const string MonthNotOver = "month-not-over";

    /// <summary>409: something this step waits for is still under way; retry shortly.</summary>
    public const string NotYetReady = "not-yet-ready";

    /// <summary>409: a state conflict from a silo of the previous release, which names no code; read <c>detail</c>.</summary>
    public const string Conflict = "conflict";

    /// <summary>412: the entity changed since the version the request's If-Match names.</summary>
    public const string PreconditionFailed = "precondition-failed";

    /// <summary>413: the request body is larger than the route accepts.</summary>
    public const string PayloadTooLarge = "payload-too-large";

    /// <summary>415: the body is not sent as application/json.</summary>
    public const string UnsupportedMediaType = "unsupported-media-type";

    /// <summary>429: this caller sent more requests per second than it may; retry after Retry-After.</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>500: an unexpected failure on the server.</summary>
    public const string InternalError = "internal-error";

    /// <summary>503: the cluster or its database could not answer in time; nothing was acknowledged.</summary>
    public const string ClusterUnavailable = "cluster-unavailable";

    /// <summary>503: this host is serving as many requests as it may at once.</summary>
    public const string ServerBusy = "server-busy";
}
