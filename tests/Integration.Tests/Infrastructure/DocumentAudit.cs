using System.Text.Json;
using System.Text.Json.Nodes;
using AfterSales.Api.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// Holds each <c>/api</c> reply of a test host against the OpenAPI document that host serves: its status must be one
/// the operation declares (500 aside: no operation lists it), and a JSON reply may hold only members its schema names.
/// Every test that calls the API thus checks the document's responses against what the handlers really answer.
/// </summary>
public sealed class DocumentAudit
{
    private JsonNode? _document;

    /// <summary>Set <c>AFTERSALES_DOCUMENT_AUDIT_LOG</c> to a file to have every finding appended to it as well.</summary>
    private static readonly string? LogPath = Environment.GetEnvironmentVariable("AFTERSALES_DOCUMENT_AUDIT_LOG");

    public async Task<string?> CheckAsync(HttpContext context, byte[] body)
    {
        var status = context.Response.StatusCode;
        if (status == StatusCodes.Status500InternalServerError || (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is not { } pattern)
        {
            return null;
        }

        var document = _document ??= await LoadAsync(context.RequestServices);
        var path = "/" + pattern.Trim('/');
        if (document["paths"]?[path]?[context.Request.Method.ToLowerInvariant()] is not { } operation)
        {
            return null; // not in the document (diagnostics left out of it)
        }

        var where = $"{context.Request.Method} {path}";
        var fault = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not { } declared
            ? $"{where} answered {status}, which its OpenAPI operation does not declare."
            : status is >= 200 and < 300 && body.Length > 0 && context.Response.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
                ? CheckMembers(document, declared, body, where)
                : null;
        if (fault is not null && LogPath is not null)
        {
            await File.AppendAllTextAsync(LogPath, fault + Environment.NewLine);
        }

        return fault;
    }

    private static string? CheckMembers(JsonNode document, JsonNode response, byte[] body, string where)
    {
        if (response["content"]?["application/json"]?["schema"] is not { } schema)
        {
            return $"{where} answered JSON, but its OpenAPI success response declares no JSON body.";
        }

        var reply = JsonNode.Parse(body);
        var resolved = Resolve(document, schema);
        if (reply is JsonArray items)
        {
            if (resolved["type"]?.GetValue<string>() != "array")
            {
                return $"{where} answered an array; its OpenAPI schema is not one.";
            }

            reply = items.FirstOrDefault();
            resolved = Resolve(document, resolved["items"]!);
        }

        if (reply is not JsonObject members || resolved["properties"] is not JsonObject properties)
        {
            return null;
        }

        var unknown = members.Select(m => m.Key).Where(name => !properties.ContainsKey(name)).ToList();
        return unknown.Count == 0 ? null
            : $"{where} answered members its OpenAPI schema does not name: {string.Join(", ", unknown)} (schema {schema["$ref"]?.GetValue<string>()}).";
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!
            : schema;

    private static async Task<JsonNode> LoadAsync(IServiceProvider services)
    {
        var document = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiDocument.Name).GetOpenApiDocumentAsync();
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        return JsonNode.Parse(text.ToString())!;
    }
}
