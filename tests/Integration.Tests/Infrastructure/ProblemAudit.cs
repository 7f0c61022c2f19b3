using System.Text;
using System.Text.Json;
using AfterSales.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// Every test API host checks each problem it answers: a <c>code</c> from the catalogue, with that code's
/// <c>type</c>, title and status. And it checks every <c>/api</c> reply against the OpenAPI document it serves
/// (<see cref="DocumentAudit"/>): the status is one the operation declares, and a JSON reply's members are ones its
/// schema names. A reply that fails either is answered as a 500 saying what is wrong, so whichever test provoked it
/// fails there — this is how a problem built without a code, or an operation documented short of what it does, is found.
/// </summary>
public sealed class ProblemAudit : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var documents = new DocumentAudit();
        app.Use(async (context, following) =>
        {
            var prior = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            var audited = context.Request.Path.StartsWithSegments("/api");
            var held = new HeldBody(context.Response, prior.Stream, holdAll: audited);
            var feature = new StreamResponseBodyFeature(held, prior);
            context.Features.Set<IHttpResponseBodyFeature>(feature);
            try
            {
                await following(context);
                await feature.CompleteAsync();
            }
            finally
            {
                context.Features.Set(prior);
            }

            var body = held.Problem;
            var isProblem = context.Response.ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true;
            var fault = (body is not null && isProblem ? Check(body.ToArray(), context.Response.StatusCode) : null)
                ?? (audited ? await documents.CheckAsync(context, body?.ToArray() ?? []) : null);
            if (fault is not null)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentLength = null;
                body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { title = "Problem audit (tests)", status = 500, detail = fault }));
            }

            if (body is not null)
            {
                body.Position = 0;
                await body.CopyToAsync(prior.Stream, context.RequestAborted);
            }
        });
        next(app);
    };

    /// <summary>What is wrong with a problem body answered with <paramref name="status"/>; null when nothing.</summary>
    public static string? Check(byte[] body, int status)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!root.TryGetProperty("code", out var codeElement) || codeElement.GetString() is not { } code)
            {
                return $"A problem without a code: {text}";
            }

            if (ProblemCatalogue.Find(code) is not { } kind)
            {
                return $"A problem whose code '{code}' is not in the catalogue: {text}";
            }

            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            var title = root.TryGetProperty("title", out var ti) ? ti.GetString() : null;
            return kind.Status != status ? $"Code '{code}' is a {kind.Status} in the catalogue, answered as {status}: {text}"
                : type != kind.Type ? $"Code '{code}' has type '{type}', not '{kind.Type}': {text}"
                : title != kind.Title ? $"Code '{code}' has title '{title}', not '{kind.Title}': {text}"
                : null;
        }
        catch (JsonException)
        {
            return $"A problem that is not JSON: {text}";
        }
    }

    /// <summary>Passes a response body through, except a problem's, which it holds for the check.</summary>
    private sealed class HeldBody(HttpResponse response, Stream inner, bool holdAll) : Stream
    {
        private bool? _holding;

        public MemoryStream? Problem { get; private set; }

        private Stream Target()
        {
            _holding ??= holdAll || response.ContentType?.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) == true;
            return _holding.Value ? Problem ??= new MemoryStream() : inner;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            if (_holding is false)
            {
                inner.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _holding is false ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Target().Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Target().WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Target().WriteAsync(buffer, cancellationToken);
    }
}
