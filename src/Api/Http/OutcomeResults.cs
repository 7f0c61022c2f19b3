using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Http;

/// <summary>Turns grain outcomes into HTTP results: values as JSON, refusals as RFC 9457 problem details.</summary>
public static class OutcomeResults
{
    public static IResult ToHttp<T>(this Outcome<T> outcome, Func<T, string>? location = null) => outcome switch
    {
        { Refusal: { } refusal } => refusal.ToProblem(),
        { Status: OutcomeStatus.Created, Value: { } value } => TypedResults.Created(location?.Invoke(value), value),
        { Value: { } value } => TypedResults.Ok(value),
        _ => TypedResults.Problem("The grain returned neither a value nor a refusal.", statusCode: StatusCodes.Status500InternalServerError),
    };

    public static IResult ToProblem(this Refusal refusal)
    {
        if (refusal.Status == OutcomeStatus.Invalid && refusal.Errors is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(
                errors.ToDictionary(e => e.Key, e => e.Value),
                detail: refusal.Detail,
                title: refusal.Title);
        }

        // Other refusals may name what they are about (a conflict's missing conditions, say): each becomes a member of the problem.
        var extensions = refusal.Errors is { Count: > 0 } named ? named.ToDictionary(e => e.Key, e => (object?)e.Value) : null;
        return TypedResults.Problem(refusal.Detail, statusCode: StatusCode(refusal.Status), title: refusal.Title, extensions: extensions);
    }

    /// <summary>A 400 for input the host rejects before any grain is called.</summary>
    public static IResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.SelectMany(e => e.Value)), title: "Invalid request");

    public static int StatusCode(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Ok => StatusCodes.Status200OK,
        OutcomeStatus.Created => StatusCodes.Status201Created,
        OutcomeStatus.Invalid => StatusCodes.Status400BadRequest,
        OutcomeStatus.NotFound => StatusCodes.Status404NotFound,
        OutcomeStatus.Conflict => StatusCodes.Status409Conflict,
        OutcomeStatus.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };
}
