using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AfterSales.Api.Http;

/// <summary>
/// Reads a JSON request body with errors a caller can act on: wrong content type → 415, malformed JSON or a value
/// of the wrong type → 400 naming the field (the framework's own binder answers an empty 400).
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                "Send the body as JSON with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type"));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await request.ReadFromJsonAsync<T>(options, request.HttpContext.RequestAborted);
            return body is null
                ? (null, OutcomeResults.Invalid(new() { ["body"] = ["The request body must be a JSON object."] }))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var field = FieldName(ex.Path);
            return (null, OutcomeResults.Invalid(new() { [field] = [$"Malformed JSON or a value of the wrong type at '{field}'."] }));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large"));
        }
    }

    // "$.lines[2].quantity" → "lines[2].quantity"; the document root → "body".
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
