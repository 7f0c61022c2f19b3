using AfterSales.Interfaces.Common;
using Microsoft.Net.Http.Headers;

namespace AfterSales.Api.Http;

/// <summary>
/// A reply about one entity: sends its version as the <c>ETag</c>, and answers a GET whose <c>If-None-Match</c> names
/// that version with 304 and no body. The reply varies with the caller (personal data is masked for some), hence
/// <c>Vary: Authorization</c>.
/// </summary>
public sealed class ETagResult(IResult inner, long revision) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var (request, response) = (httpContext.Request, httpContext.Response);
        response.Headers.ETag = EntityVersions.ETag(revision);
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Authorization);
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Headers.IfNoneMatch.ToString() is { Length: > 0 } tags && EntityVersions.Matches(tags, revision))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return inner.ExecuteAsync(httpContext);
    }
}
