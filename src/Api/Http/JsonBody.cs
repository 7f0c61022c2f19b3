using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AfterSales.Api.Http;

/// <summary>
/// Reads a JSON request body with errors a caller can act on: wrong content type → 415, a value outside an
/// enumeration → 400 naming the field and its allowed values, malformed JSON or a value of the wrong type → 400
/// naming the field (the framework's own binder answers an empty 400).
/// </summary>
public static partial class JsonBody
{
    public const string AllowedValuesMember = "allowedValues";

    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Of(ProblemCodes.UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await request.ReadFromJsonAsync<T>(options, request.HttpContext.RequestAborted);
            return body is null
                ? (null, Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["The request body must be a JSON object."] }, ProblemCodes.MalformedJson))
                : (body, null);
        }
        catch (JsonException ex)
        {
            var field = FieldName(ex.Path);
            if (EnumAt(typeof(T), ex, options) is { } enumType)
            {
                var allowed = AllowedValues(enumType, options);
                var message = $"{field} must be one of: {string.Join(", ", allowed)}.";
                return (null, Problems.Validation(
                    new Dictionary<string, string[]> { [field] = [message] }, ProblemCodes.InvalidEnumValue, extensions: new Dictionary<string, object?> { [AllowedValuesMember] = allowed }));
            }

            return (null, Problems.Validation(
                new Dictionary<string, string[]> { [field] = [$"Malformed JSON or a value of the wrong type at '{field}'."] }, ProblemCodes.MalformedJson));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Of(ProblemCodes.PayloadTooLarge, ex.Message));
        }
    }

    /// <summary>
    /// The enumeration whose value could not be read, when that is what failed: a converter's own refusal (no inner
    /// exception; unreadable JSON comes wrapped around the reader's) at a path that leads, through
    /// <paramref name="root"/>'s JSON contract, to an enum or nullable enum.
    /// </summary>
    private static Type? EnumAt(Type root, JsonException ex, JsonSerializerOptions options)
    {
        if (ex.InnerException is not null || ex.Path is not { } path || !path.StartsWith('$'))
        {
            return null;
        }

        var info = options.GetTypeInfo(root);
        var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (Match segment in PathSegment().Matches(path, 1))
        {
            Type? next = segment.Groups["index"].Success
                ? info.Kind == JsonTypeInfoKind.Enumerable ? info.ElementType : null
                : info.Kind switch
                {
                    JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => string.Equals(p.Name, Name(segment), comparison))?.PropertyType,
                    JsonTypeInfoKind.Dictionary => info.ElementType,
                    _ => null,
                };
            if (next is null)
            {
                return null;
            }

            info = options.GetTypeInfo(next);
        }

        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return type.IsEnum ? type : null;
    }

    private static string Name(Match segment) =>
        segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal);

    /// <summary>The values the enum converter reads, exactly as it writes them (camelCase).</summary>
    private static string[] AllowedValues(Type enumType, JsonSerializerOptions options) =>
        [.. Enum.GetValues(enumType).Cast<object>().Select(value => JsonSerializer.SerializeToElement(value, enumType, options).ToString()).Distinct()];

    // System.Text.Json's paths: ".name", "['odd name']" (quotes doubled) and "[3]".
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    // "$.lines[2].quantity" → "lines[2].quantity"; the document root → "body".
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
