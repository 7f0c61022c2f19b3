using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfterSales.Api.Hosting;

public static class HttpConfiguration
{
    /// <summary>Largest request body accepted anywhere (the bulk import sets its own, larger limit).</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>JSON as the contract fixes it (camelCase, enum names in camelCase) and request size limits.</summary>
    public static WebApplicationBuilder AddAfterSalesHttp(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // A number is a JSON number: the web defaults also read "12" as 12, which the document would have to
            // describe as "a number or a numeric string" for every numeric field.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        return builder;
    }
}
