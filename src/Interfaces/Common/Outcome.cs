namespace AfterSales.Interfaces.Common;

/// <summary>How a command or query ended; the HTTP host maps it to a status code.</summary>
public enum OutcomeStatus
{
    Ok = 0,
    Created = 1,
    Invalid = 2,
    NotFound = 3,
    Conflict = 4,
    Forbidden = 5,

    /// <summary>The caller's <c>If-Match</c> names another version than the one held: nothing was changed.</summary>
    PreconditionFailed = 6,
}

/// <summary>
/// Why a request was refused, in words a caller can act on; <see cref="Errors"/> is keyed by field name, and
/// <see cref="Code"/> is one of <see cref="ProblemCodes"/>: what a program branches on. <see cref="Title"/> stays the
/// generic one a previous release expects; the API answers with the code's own title.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.Refusal")]
public sealed record class Refusal(
    [property: Id(0)] OutcomeStatus Status,
    [property: Id(1)] string Title,
    [property: Id(2)] string Detail,
    [property: Id(3)] IReadOnlyDictionary<string, string[]>? Errors = null,
    // Null only from a silo of the previous release, which did not send one.
    [property: Id(4)] string? Code = null)
{
    // Field errors are one kind (the errors map says which field), so Invalid takes no code.
    public static Refusal Invalid(string field, string message) =>
        new(OutcomeStatus.Invalid, "Invalid request", message, new Dictionary<string, string[]> { [field] = [message] }, ProblemCodes.ValidationFailed);

    public static Refusal Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(OutcomeStatus.Invalid, "Invalid request", string.Join(" ", errors.SelectMany(e => e.Value)), errors, ProblemCodes.ValidationFailed);

    public static Refusal NotFound(string code, string detail) => new(OutcomeStatus.NotFound, "Not found", detail, null, code);

    /// <summary>A state conflict; <paramref name="named"/> lists what it is about (a buyback's missing conditions, say).</summary>
    public static Refusal Conflict(string code, string detail, IReadOnlyDictionary<string, string[]>? named = null) =>
        new(OutcomeStatus.Conflict, "Conflict", detail, named, code);

    /// <summary>The caller asserted something it may not (a priority its work order does not hold, say).</summary>
    public static Refusal Forbidden(string code, string detail) => new(OutcomeStatus.Forbidden, "Forbidden", detail, null, code);

    /// <summary>The entity changed since the caller read it (its <c>If-Match</c> no longer matches).</summary>
    public static Refusal PreconditionFailed(string detail) => new(OutcomeStatus.PreconditionFailed, "Precondition failed", detail, null, ProblemCodes.PreconditionFailed);
}

/// <summary>
/// The result of a grain command or query: a value, or a refusal that changed nothing.
/// Grains return refusals instead of throwing, so expected outcomes never cost an exception.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.Outcome`1")]
public sealed record class Outcome<T>(
    [property: Id(0)] OutcomeStatus Status,
    [property: Id(1)] T? Value,
    [property: Id(2)] Refusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    /// <summary>
    /// True when the grain has recorded the full read of personal data this reply makes, as the API asked it to
    /// (<see cref="Privacy.PersonalDataReads"/>), so the API does not record it again. A silo of a release before it
    /// never sets it: the API then records the read itself.
    /// </summary>
    [Id(3)]
    public bool PersonalDataReadRecorded { get; init; }

    public static Outcome<T> Ok(T value) => new(OutcomeStatus.Ok, value, null);

    public static Outcome<T> Created(T value) => new(OutcomeStatus.Created, value, null);

    public static Outcome<T> Refused(Refusal refusal) => new(refusal.Status, default, refusal);

    public static implicit operator Outcome<T>(Refusal refusal) => Refused(refusal);
}
