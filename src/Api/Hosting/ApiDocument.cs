using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AfterSales.Api.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, committed as <c>docs/openapi.json</c> (the build writes it; a test
/// holds the served document equal to the committed one). Only <c>/api</c> routes are in it. Everything a client
/// generator needs that the handlers cannot say by their signatures is added here from the endpoints' metadata: the
/// bearer scheme and each operation's roles, every problem response it can give, the <c>Idempotency-Key</c>,
/// <c>If-Match</c> and <c>If-None-Match</c> headers, typed query parameters and required body fields.
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "Problem";
    private const string ProblemMediaType = "application/problem+json";

    /// <summary>Problem responses every <c>/api</c> operation can give: no token, a role it does not allow, too many requests, the cluster unable to answer.</summary>
    private static readonly int[] AlwaysPossible = [401, 403, 429, 503];

    /// <summary>The problem statuses operations are described with (405 and 500 are not a client's to handle per operation).</summary>
    private static readonly int[] Described = [400, 401, 403, 404, 409, 412, 413, 415, 429, 503];

    public static IServiceCollection AddAfterSalesOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(Name, options =>
        {
            // 3.0: what every generator and linter a client may use reads without surprises (3.1 support varies).
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperationAsync);
            options.AddSchemaTransformer(MarkRequiredFields);
            options.AddSchemaTransformer(AddExamples);
        });

    /// <summary>
    /// <c>openapi PATH</c>: serves <paramref name="app"/> on a loopback port for a moment, reads the document it serves
    /// and writes it, indented, to <paramref name="path"/> (only if it changed). The build runs this; the API is built
    /// without a cluster, since nothing is called.
    /// </summary>
    public static async Task<int> WriteAsync(WebApplication app, string path)
    {
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var json = Normalize(await http.GetStringAsync($"/openapi/{Name}.json"));
            var target = Path.GetFullPath(path);
            if (!File.Exists(target) || await File.ReadAllTextAsync(target) != json)
            {
                await File.WriteAllTextAsync(target, json);
                Console.WriteLine($"openapi: wrote {target}");
            }

            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>The form the document is committed in: indented, non-ASCII as is, one final newline.</summary>
    public static string Normalize(string document) =>
        JsonNode.Parse(document)!.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "AfterSales.Actors API",
            Version = "1",
            Description =
                "The live state of the after-sales service network: vehicles by VIN (warranty and 三包 entitlements, repair archive), "
                + "service stations and their work orders, complaints, warranty claims, buyback cases, recalls, parts depots and reports.\n\n"
                + "Every `/api` call carries a bearer token whose `role` claim says what it may do (each operation lists its roles). "
                + "Writes take an optional `Idempotency-Key`: a retry with the same key and body gets the first reply, with another body a 409 `idempotency-key-reused`. "
                + "Every error is an RFC 9457 problem detail with a stable `code` (the table is at `/problems`).",
            Contact = new OpenApiContact { Name = "AfterSales.Actors", Url = new Uri("https://github.com/aftersales-actors/aftersales-actors") },
            License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://github.com/aftersales-actors/aftersales-actors/blob/main/README.md") },
        };
        // Relative: the document describes the host that serves it, behind whatever name or proxy.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host serving this document." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = $"A JWT whose `role` claim is one of {string.Join(", ", Roles.All.Select(r => $"`{r}`"))}; a `station` token also names its station (`station` claim).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var status in Described)
        {
            document.Components.Responses[ResponseName(status)] = ProblemResponse(status, document);
        }

        document.Tags = new HashSet<OpenApiTag>(
            document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
                .Select(t => t.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal)
                .Select(name => new OpenApiTag { Name = name, Description = TagDescriptions.GetValueOrDefault(name, name) }));
        WithoutNulls(document);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Replies never hold a null (they leave the member out) and a request's null means the same as leaving it out, so
    /// the document declares no nullable types: the generator's "null or X" compositions become plain X, which every
    /// client generator reads as an optional X.
    /// </summary>
    private static void WithoutNulls(OpenApiDocument document)
    {
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        var schemas = document.Components!.Schemas!;
        foreach (var (name, schema) in schemas.ToList())
        {
            schemas[name] = WithoutNull(schema, seen);
        }

        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.Schema is not null))
            {
                parameter.Schema = WithoutNull(parameter.Schema!, seen);
            }

            var media = (operation.RequestBody?.Content?.Values ?? [])
                .Concat((operation.Responses ?? []).Values.OfType<OpenApiResponse>().SelectMany(r => r.Content?.Values.AsEnumerable() ?? []));
            foreach (var content in media.Where(m => m.Schema is not null))
            {
                content.Schema = WithoutNull(content.Schema!, seen);
            }
        }
    }

    private static IOpenApiSchema WithoutNull(IOpenApiSchema schema, HashSet<OpenApiSchema> seen)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return schema;
        }

        if (concrete.OneOf is { Count: 2 } choices && choices.Count(IsNullOnly) == 1)
        {
            return WithoutNull(choices.Single(c => !IsNullOnly(c)), seen);
        }

        if (!seen.Add(concrete))
        {
            return concrete;
        }

        if (concrete.Type is { } type && type != JsonSchemaType.Null)
        {
            concrete.Type = type & ~JsonSchemaType.Null;
        }

        concrete.Enum?.Remove(null!);
        foreach (var (name, property) in (concrete.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToList())
        {
            concrete.Properties![name] = WithoutNull(property, seen);
        }

        if (concrete.Items is not null)
        {
            concrete.Items = WithoutNull(concrete.Items, seen);
        }

        if (concrete.AdditionalProperties is not null)
        {
            concrete.AdditionalProperties = WithoutNull(concrete.AdditionalProperties, seen);
        }

        foreach (var list in new[] { concrete.AllOf, concrete.AnyOf, concrete.OneOf }.OfType<IList<IOpenApiSchema>>())
        {
            for (var i = 0; i < list.Count; i++)
            {
                list[i] = WithoutNull(list[i], seen);
            }
        }

        return concrete;
    }

    private static bool IsNullOnly(IOpenApiSchema schema) =>
        schema is OpenApiSchema { Enum: [null] } or OpenApiSchema { Type: JsonSchemaType.Null };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Vehicles"] = "Vehicles by VIN: registration, delivery, odometer, owners, the repair archive and what the warranty and 三包 entitle them to.",
        ["Stations"] = "Service stations: registry, authorisation, load, nearby search and their work orders.",
        ["Network"] = "The network's live counts, national and by province.",
        ["Recalls"] = "Recall campaigns and their progress.",
        ["Reports"] = "Monthly quality, station grades and warranty cost.",
        ["Complaints"] = "Customer complaints and their SLA clocks.",
        ["Parts depots"] = "Parts depots: stock, receipts, orders, reservations and shipments; monthly parts plans.",
        ["Catalogue"] = "The versioned catalogue of warranty terms, main parts and fault codes.",
        ["Claims"] = "Warranty claims, their review, and stations' monthly settlements.",
        ["Buyback cases"] = "三包 replacement and refund cases, and the working-day calendar their clocks use.",
        ["Privacy"] = "Who read whose personal data (PIPL).",
        ["System"] = "Operators' diagnostics.",
    };

    private static string ResponseName(int status) => $"Problem{status}";

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem detail. Branch on `code` (or `type`); `detail` is for people.",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`/problems/{code}`: resolved against the API's address, it describes the kind.", Examples = [JsonValue.Create("/problems/odometer-regression")] },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The kind's short, stable title.", Examples = [JsonValue.Create("Odometer regression")] },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Examples = [JsonValue.Create(409)] },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened to this request and what to do." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable kind of problem, one of: " + string.Join(", ", ProblemCatalogue.All.Select(k => $"`{k.Code}`").Distinct()) + ". A newer release may add codes.",
                Examples = [JsonValue.Create(ProblemCodes.OdometerRegression)],
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace, for the operators." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For a 400: each field (or header) in error, with what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            [JsonBody.AllowedValuesMember] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "For `invalid-enum-value`: the values the field takes.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        },
    };

    private static OpenApiResponse ProblemResponse(int status, OpenApiDocument document)
    {
        var kinds = ProblemCatalogue.All.Where(k => k.Status == status).DistinctBy(k => k.Code);
        var response = new OpenApiResponse
        {
            Description = string.Join(" ", kinds.Select(k => $"`{k.Code}`: {k.When}")),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        if (status is 429 or 503)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" } },
            };
        }

        return response;
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod ?? "GET";
        var isWrite = !HttpMethods.IsGet(method);
        var hasBody = description.ParameterDescriptions.Any(p => p.Source.Id == "Body") || metadata.OfType<IAcceptsMetadata>().Any();
        var hasRouteValues = description.ParameterDescriptions.Any(p => p.Source.Id == "Path");
        var success = description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode is >= 200 and < 300);
        var versioned = success?.Type is { } type && typeof(IVersionedView).IsAssignableFrom(type);
        var ifMatch = isWrite && metadata.OfType<IfMatchSupport>().Any();

        var roles = await RolesAsync(metadata, context.ApplicationServices);
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        var notes = new List<string> { $"**Roles:** {string.Join(", ", roles.Select(r => $"`{r}`"))}." };
        if (metadata.OfType<OwnStationOnly>().Any())
        {
            notes.Add("A `station` caller may use it only for its own station (`{code}`).");
        }

        if (metadata.OfType<BodyNeeds>().SelectMany(n => n.Fields).ToList() is { Count: > 0 } needs)
        {
            // The body type is shared by several operations; these fields it needs only here.
            notes.Add($"The body needs {string.Join(", ", needs.Select(f => $"`{f}`"))}.");
        }

        TypeParameters(operation, metadata);
        operation.Parameters ??= [];
        if (isWrite)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKey.HeaderName,
                In = ParameterLocation.Header,
                Description = "Makes a retry safe: the same key with the same body replays the first reply (24 h); with another body it is a 409 `idempotency-key-reused`.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128, Pattern = "^[!-~]+$" },
                Example = "3f7c1a52-2d7e-4c0e-9a57-5b0b6e0f3d11",
            });
            notes.Add("Idempotent with an `Idempotency-Key`.");
        }

        if (ifMatch)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Description = "The entity's ETag as last read: the write happens only if it is still current, else 412 `precondition-failed` and nothing changes.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = "\"v7\"",
            });
        }
        else if (versioned && !isWrite)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-None-Match",
                In = ParameterLocation.Header,
                Description = "An ETag from an earlier read: 304 with no body while the entity is unchanged.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = "\"v7\"",
            });
        }

        operation.Responses ??= [];
        if (versioned && success is not null && operation.Responses.TryGetValue(success.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var ok) && ok is OpenApiResponse okResponse)
        {
            okResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
            okResponse.Headers["ETag"] = new OpenApiHeader { Description = "The entity's version, for `If-None-Match` and `If-Match`.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            if (!isWrite)
            {
                operation.Responses["304"] = new OpenApiResponse { Description = "Not modified: the `If-None-Match` ETag is still current." };
            }
        }

        var problems = new SortedSet<int>(AlwaysPossible);
        if (hasBody || hasRouteValues || operation.Parameters.Count > 0)
        {
            problems.Add(400);
        }

        if (hasRouteValues)
        {
            problems.Add(404);
        }

        if (isWrite)
        {
            problems.Add(409);
        }

        if (ifMatch)
        {
            problems.Add(412);
        }

        if (hasBody)
        {
            problems.Add(413);
            problems.Add(415);
        }

        foreach (var status in problems)
        {
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponseReference(ResponseName(status), context.Document);
        }

        operation.Description = string.Join(" ", notes);
    }

    /// <summary>The roles an operation admits: the <c>/api</c> group's (every role) narrowed by the endpoint's own policies.</summary>
    private static async Task<IReadOnlyList<string>> RolesAsync(IList<object> metadata, IServiceProvider services)
    {
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        IEnumerable<string> roles = Roles.All;
        foreach (var name in metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct())
        {
            if (await policies.GetPolicyAsync(name) is { } policy)
            {
                foreach (var requirement in policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>())
                {
                    roles = roles.Intersect(requirement.AllowedRoles, StringComparer.Ordinal).ToList();
                }
            }
        }

        return roles.ToList();
    }

    /// <summary>
    /// Query values are bound as text so that a wrong one is a 400 naming the parameter in this API's words; each route
    /// declares what they really are (<see cref="QueryDoc"/>). Path values are described by name.
    /// </summary>
    private static void TypeParameters(OpenApiOperation operation, IList<object> metadata)
    {
        var queries = metadata.OfType<QueryDoc>().ToDictionary(q => q.Name, StringComparer.Ordinal);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Query && queries.TryGetValue(parameter.Name ?? "", out var query))
            {
                parameter.Schema = query.Schema();
                parameter.Description = query.Description;
                parameter.Required = query.Required;
                parameter.Example = query.ExampleValue();
            }
            else if (parameter.In == ParameterLocation.Path && PathParameters.TryGetValue(parameter.Name ?? "", out var known))
            {
                parameter.Schema = known.Schema();
                parameter.Description = known.Description;
                parameter.Required = true;
                parameter.Example = known.Example is null ? null : JsonValue.Create(known.Example);
            }
        }
    }

    private sealed record PathParameter(Func<OpenApiSchema> Schema, string Description, string? Example = null);

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

    private static readonly Dictionary<string, PathParameter> PathParameters = new(StringComparer.Ordinal)
    {
        ["vin"] = new(Text, "The vehicle's 17-character VIN (case does not matter).", Example: "LSVAU2A37N2000001"),
        ["code"] = new(Text, "The station's (or depot's) code.", Example: "S0001"),
        ["id"] = new(Text, "The id the resource was created with, or was given in the reply that created it."),
        ["claimId"] = new(Text, "The claim's id (from the work order's claim).", Example: "WO-1001-C"),
        ["campaignId"] = new(Text, "The recall campaign's id.", Example: "RC-2026-01"),
        ["partNo"] = new(Text, "The part number.", Example: "BRK-PAD-01"),
        ["province"] = new(Text, "The province's name as registered stations give it.", Example: "广东"),
        ["month"] = new(() => new() { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-[0-9]{2}$" }, "A calendar month, yyyy-MM.", Example: "2026-11"),
        ["year"] = new(() => new() { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}$" }, "A calendar year.", Example: "2026"),
        ["effectiveFrom"] = new(() => new() { Type = JsonSchemaType.String, Format = "date" }, "The first day the catalogue version applies.", Example: "2026-01-01"),
        ["kind"] = new(() => new() { Type = JsonSchemaType.String, Enum = [JsonValue.Create("stations"), JsonValue.Create("depots"), JsonValue.Create("vehicles"), JsonValue.Create("complaints")] },
            "Which kind of grain.", Example: "stations"),
        ["key"] = new(Text, "The grain's key: a station or depot code, a VIN or a complaint id.", Example: "S0001"),
    };

    /// <summary>Examples for the fields that recur across bodies and replies (the linters check each against its schema).</summary>
    private static readonly Dictionary<string, JsonNode> Examples = new(StringComparer.Ordinal)
    {
        ["vin"] = "LSVAU218XN2183294",
        ["model"] = "ID.4",
        ["batch"] = "B2026-01",
        ["price"] = 199900,
        ["productionDate"] = "2026-01-10",
        ["invoiceDate"] = "2026-02-01",
        ["deliveryDate"] = "2026-02-03",
        ["transferDate"] = "2026-09-01",
        ["effectiveDate"] = "2026-11-20",
        ["ownerName"] = "Li Lei",
        ["ownerPhone"] = "13800000000",
        ["customerName"] = "Wang Fang",
        ["customerPhone"] = "13900000000",
        ["dealerCode"] = "D-0101",
        ["stationCode"] = "S0001",
        ["readingKm"] = 12000,
        ["odometerKm"] = 12000,
        ["mileageKm"] = 12000,
        ["readAt"] = "2026-12-06T08:00:00+08:00",
        ["agreedAt"] = "2026-12-06T09:00:00+08:00",
        ["completedAt"] = "2026-12-06T15:30:00+08:00",
        ["faultCode"] = "P0A80",
        ["partNo"] = "BRK-PAD-01",
        ["quantity"] = 2,
        ["latitude"] = 23.13,
        ["longitude"] = 113.26,
        ["province"] = "广东",
        ["city"] = "广州",
        ["campaignId"] = "RC-2026-01",
        ["workOrderId"] = "WO-000123",
    };

    private static Task AddExamples(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.Name is { } name && Examples.TryGetValue(name, out var example) && schema.Type is { } type
            && (type.HasFlag(JsonSchemaType.String) ? example.GetValueKind() == System.Text.Json.JsonValueKind.String : example.GetValueKind() == System.Text.Json.JsonValueKind.Number))
        {
            schema.Examples = [example.DeepClone()];
        }

        return Task.CompletedTask;
    }

    /// <summary>Body fields the handler refuses without (a missing one is a 400 naming it), declared by <see cref="RequiredAttribute"/>.</summary>
    private static Task MarkRequiredFields(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
        {
            return Task.CompletedTask;
        }

        // The generator counts every constructor parameter of a record as required; the handlers decide (nullable
        // parameters, a missing field reported by name), so only what they refuse to go without is.
        schema.Required?.Clear();
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var declared = property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true
                || property.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true;
            if (declared)
            {
                schema.Required ??= new HashSet<string>();
                schema.Required.Add(property.Name);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Endpoint metadata: a station caller may use the route only for the station in its <c>{code}</c>.</summary>
public sealed class OwnStationOnly;

/// <summary>
/// Endpoint metadata: the write hands the request's <c>If-Match</c> to the entity's grain (<see cref="Http.IfMatch"/>), which
/// refuses a stale one with 412. Add with <see cref="QueryDocs.AcceptsIfMatch{TBuilder}"/>.
/// </summary>
public sealed class IfMatchSupport;

/// <summary>Endpoint metadata: body fields this operation needs although its (shared) body type does not require them.</summary>
public sealed record BodyNeeds(IReadOnlyList<string> Fields);

/// <summary>What a query parameter's text must be.</summary>
public enum QueryType
{
    Text,
    Integer,
    Number,
    Boolean,
    Date,
}

/// <summary>
/// Endpoint metadata describing one query parameter as the handler validates it (the handler binds it as text to word
/// its own 400); <see cref="ApiDocument"/> puts it in the document. Add with <see cref="QueryDocs.WithQuery{TBuilder}"/>.
/// </summary>
public sealed record QueryDoc(string Name, QueryType Type, string Description, bool Required = false, double? Minimum = null, double? Maximum = null,
    object? Default = null, string? Example = null)
{
    public OpenApiSchema Schema() => new()
    {
        Type = Type switch
        {
            QueryType.Integer => JsonSchemaType.Integer,
            QueryType.Number => JsonSchemaType.Number,
            QueryType.Boolean => JsonSchemaType.Boolean,
            _ => JsonSchemaType.String,
        },
        Format = Type switch
        {
            QueryType.Integer => "int32",
            QueryType.Number => "double",
            QueryType.Date => "date",
            _ => null,
        },
        Minimum = Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Default = Default switch
        {
            int i => JsonValue.Create(i),
            bool b => JsonValue.Create(b),
            string t => JsonValue.Create(t),
            _ => null,
        },
        MaxLength = Type == QueryType.Text ? 200 : null,
    };

    /// <summary>The example as a JSON value of the parameter's type.</summary>
    public JsonNode? ExampleValue() => Example is null ? null : Type switch
    {
        QueryType.Integer => JsonValue.Create(int.Parse(Example, System.Globalization.CultureInfo.InvariantCulture)),
        QueryType.Number => JsonValue.Create(double.Parse(Example, System.Globalization.CultureInfo.InvariantCulture)),
        QueryType.Boolean => JsonValue.Create(bool.Parse(Example)),
        _ => JsonValue.Create(Example),
    };

    /// <summary>The page size of a paged list.</summary>
    public static QueryDoc Limit(int maximum, int @default) =>
        new("limit", QueryType.Integer, $"Items per page, 1–{maximum} (default {@default}).", Minimum: 1, Maximum: maximum, Default: @default);

    /// <summary>Where the next page starts.</summary>
    public static QueryDoc Cursor { get; } = new("cursor", QueryType.Text, "The previous page's `nextCursor`; leave it out for the first page.");
}

public static class QueryDocs
{
    /// <summary>Declares that the route honours <c>If-Match</c> (the handler passes it with <see cref="Http.IfMatch.For{T}"/>).</summary>
    public static TBuilder AcceptsIfMatch<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IfMatchSupport());

    /// <summary>Declares the route's query parameters for the OpenAPI document.</summary>
    public static TBuilder WithQuery<TBuilder>(this TBuilder builder, params QueryDoc[] parameters)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. parameters]);
}
