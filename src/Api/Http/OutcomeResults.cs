using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Http;

/// <summary>Turns grain outcomes into HTTP results: values as JSON, refusals as RFC 9457 problem details.</summary>
public static class OutcomeResults
{
    public static IResult ToHttp<T>(this Outcome<T> outcome, Func<T, string>? location = null) => outcome switch
    {
        { Refusal: { } refusal } => refusal.ToProblem(),
        { Status: OutcomeStatus.Created, Value: { } value } => Versioned(TypedResults.Created(location?.Invoke(value), value), value),
        { Value: { } value } => Versioned(TypedResults.Ok(value), value),
        _ => Problems.Of(ProblemCodes.InternalError, "The grain returned neither a value nor a refusal."),
    };

    /// <summary>A single entity's view carries its version: the reply gets the ETag (and a matching GET a 304).</summary>
    private static IResult Versioned<T>(IResult result, T value) =>
        value is IVersionedView versioned ? new ETagResult(result, versioned.Revision) : result;

    public static IResult ToProblem(this Refusal refusal)
    {
        var code = refusal.Code ?? CodeOfPreviousRelease(refusal.Status);
        if (refusal.Status == OutcomeStatus.Invalid && refusal.Errors is { Count: > 0 } errors)
        {
            return Problems.Validation(errors.ToDictionary(e => e.Key, e => e.Value), code, refusal.Detail);
        }

        // Other refusals may name what they are about (a conflict's missing conditions, say): each becomes a member of the problem.
        var extensions = refusal.Errors is { Count: > 0 } named ? named.ToDictionary(e => e.Key, e => (object?)e.Value) : null;
        // The status is the refusal's: a code names the kind, it does not change what the grain decided.
        return Problems.Of(code, refusal.Detail, extensions, StatusCode(refusal.Status));
    }

    /// <summary>A 400 for input the host rejects before any grain is called.</summary>
    public static IResult Invalid(Dictionary<string, string[]> errors) => Problems.Validation(errors);

    /// <summary>A silo of the previous release sends no code: the one its refusals of this status meant.</summary>
    private static string CodeOfPreviousRelease(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Invalid => ProblemCodes.ValidationFailed,
        // Its only forbidden refusals were a parts reservation's asserted priority.
        OutcomeStatus.Forbidden => ProblemCodes.AssertionNotAllowed,
        _ => ProblemCatalogue.ForStatus(StatusCode(status)),
    };

    public static int StatusCode(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Ok => StatusCodes.Status200OK,
        OutcomeStatus.Created => StatusCodes.Status201Created,
        OutcomeStatus.Invalid => StatusCodes.Status400BadRequest,
        OutcomeStatus.NotFound => StatusCodes.Status404NotFound,
        OutcomeStatus.Conflict => StatusCodes.Status409Conflict,
        OutcomeStatus.Forbidden => StatusCodes.Status403Forbidden,
        OutcomeStatus.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status500InternalServerError,
    };
}
