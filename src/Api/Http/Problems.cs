using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Http;

/// <summary>Problem details of one catalogued kind: status, <c>type</c> and title from <see cref="ProblemCatalogue"/>, <c>code</c> as a member.</summary>
public static class Problems
{
    public const string CodeMember = "code";

    /// <summary>
    /// A problem of kind <paramref name="code"/> whose <paramref name="detail"/> says what to do, with the kind's
    /// status unless a refusal decided another.
    /// </summary>
    public static IResult Of(string code, string detail, IDictionary<string, object?>? extensions = null, int? status = null)
    {
        var kind = KindOf(code, status);
        return TypedResults.Problem(detail, statusCode: status ?? kind.Status, title: kind.Title, type: ProblemCatalogue.TypeOf(code),
            extensions: WithCode(code, extensions));
    }

    /// <summary>A 400 whose <c>errors</c> map names each field (<see cref="ProblemCodes.ValidationFailed"/> unless another kind of 400).</summary>
    public static IResult Validation(
        IDictionary<string, string[]> errors, string code = ProblemCodes.ValidationFailed, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var kind = KindOf(code, StatusCodes.Status400BadRequest);
        return TypedResults.ValidationProblem(errors, detail: detail ?? string.Join(" ", errors.SelectMany(e => e.Value)), title: kind.Title,
            type: ProblemCatalogue.TypeOf(code), extensions: WithCode(code, extensions));
    }

    // A code this host does not know comes from a silo of a newer release during an upgrade: it is passed on (a
    // client may know it) under its status's generic title.
    private static ProblemKind KindOf(string code, int? status) =>
        ProblemCatalogue.Find(code) ?? ProblemCatalogue.Get(ProblemCatalogue.ForStatus(status));

    private static Dictionary<string, object?> WithCode(string code, IDictionary<string, object?>? extensions)
    {
        var all = new Dictionary<string, object?> { [CodeMember] = code };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            all[key] = value;
        }

        return all;
    }
}
