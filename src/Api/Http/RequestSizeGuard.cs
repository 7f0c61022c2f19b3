using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Http.Metadata;

namespace AfterSales.Api.Http;

/// <summary>
/// Refuses a declared body larger than the endpoint allows with a 413 problem detail before anything reads it.
/// Kestrel enforces the same limit on bodies without a Content-Length while they are read.
/// </summary>
public static class RequestSizeGuard
{
    public static WebApplication UseRequestSizeGuard(this WebApplication app, long defaultLimit)
    {
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultLimit;
            if (context.Request.ContentLength is { } length && length > limit)
            {
                await Problems.Of(ProblemCodes.PayloadTooLarge, $"The request body is {length} bytes; this route accepts at most {limit} bytes.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }
}
