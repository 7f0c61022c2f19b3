using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AfterSales.Client;

/// <summary>
/// The generated client (<see cref="AfterSalesApi"/>: one method per operation, named by its operationId, a typed
/// <see cref="AfterSalesApiException{TResult}"/> of <see cref="Problem"/> for every problem reply) made ready to use:
/// a bearer token on every call, an <c>Idempotency-Key</c> on every write, and retries of what is safe to retry.
/// </summary>
public static class AfterSalesClient
{
    /// <summary>A client of the API at <paramref name="baseAddress"/> that calls with the token <paramref name="token"/> gives (asked per request, so it may refresh).</summary>
    public static AfterSalesApi Create(Uri baseAddress, Func<CancellationToken, ValueTask<string>> token, AfterSalesClientOptions? options = null) =>
        Create(baseAddress, token, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, options);

    /// <summary>As <see cref="Create(Uri, Func{CancellationToken, ValueTask{string}}, AfterSalesClientOptions?)"/>, over <paramref name="transport"/> (a test server's handler, a proxy's).</summary>
    public static AfterSalesApi Create(Uri baseAddress, Func<CancellationToken, ValueTask<string>> token, HttpMessageHandler transport, AfterSalesClientOptions? options = null) =>
        new(new HttpClient(Handlers(token, transport, options)) { BaseAddress = baseAddress, Timeout = (options ?? new()).Timeout });

    /// <summary>The handler chain the client uses (retries outermost, then the token), for callers that build their own <see cref="HttpClient"/>.</summary>
    public static HttpMessageHandler Handlers(Func<CancellationToken, ValueTask<string>> token, HttpMessageHandler transport, AfterSalesClientOptions? options = null) =>
        new IdempotentRetryHandler(options ?? new()) { InnerHandler = new BearerTokenHandler(token) { InnerHandler = transport } };

    /// <summary>The problem's stable <c>code</c> when <paramref name="exception"/> is a problem reply (see the README's error table), else null.</summary>
    public static string? ProblemCode(this Exception exception) => (exception as AfterSalesApiException<Problem>)?.Result?.Code;
}

/// <summary>How the client retries.</summary>
public sealed record AfterSalesClientOptions
{
    /// <summary>Attempts per call in all (1 = no retries).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first wait between attempts; each further one doubles it (a 429's or 503's Retry-After wins when longer, up to <see cref="MaxDelay"/>).</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole call's limit, retries included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

public partial class AfterSalesApi
{
    // The API's JSON: enumerations as camelCase names (it refuses numbers), nothing sent for an unset field.
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings)
    {
        settings.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
    }
}

/// <summary>Puts the caller's bearer token on every request.</summary>
public sealed class BearerTokenHandler(Func<CancellationToken, ValueTask<string>> token) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Gives every write without one an <c>Idempotency-Key</c>, and resends a call whose reply was lost (no connection,
/// a timeout) or that the API asked to retry (429, 503) with the same key: the API applies a keyed write once and
/// replays its first reply to the retries, so a retried write never applies twice. Reads are retried as they are.
/// </summary>
public sealed class IdempotentRetryHandler(AfterSalesClientOptions options) : DelegatingHandler
{
    public const string HeaderName = "Idempotency-Key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && !request.Headers.Contains(HeaderName))
        {
            request.Headers.Add(HeaderName, Guid.NewGuid().ToString("N"));
        }

        if (request.Content is not null)
        {
            // Sent again on a retry: read once into memory.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var delay = options.FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
                if (attempt >= options.MaxAttempts || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                {
                    return response;
                }
            }
            catch (Exception exception) when (attempt < options.MaxAttempts && IsLostReply(exception, cancellationToken))
            {
                // The request may or may not have been applied: its key makes the resend safe either way.
            }

            var wait = response?.Headers.RetryAfter?.Delta is { } asked && asked > delay ? asked : delay;
            response?.Dispose();
            await Task.Delay(wait < options.MaxDelay ? wait : options.MaxDelay, options.TimeProvider, cancellationToken);
            delay *= 2;
        }
    }

    private static bool IsLostReply(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);
}

public partial class AfterSalesApiException<TResult>
{
    /// <summary>For a problem reply, what a person needs: the status, the stable code and the API's own detail.</summary>
    public override string Message => Result is Problem problem ? $"{problem.Status} {problem.Code}: {problem.Detail}" : base.Message;
}
