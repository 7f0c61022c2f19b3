using AfterSales.Interfaces.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace AfterSales.Api.Http;

public static partial class ErrorHandling
{
    /// <summary>Problem details for every error: refusals, framework 4xx, and exceptions (503 when the cluster is unavailable).</summary>
    public static IServiceCollection AddAfterSalesProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            Classify(context.ProblemDetails);
            context.ProblemDetails.Detail ??= FrameworkDetail(context.ProblemDetails.Status, context.HttpContext.Request);
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.Id
                ?? context.HttpContext.TraceIdentifier;
            // A 500 names its exception in development (and so in the tests' failure messages), never in production.
            if (context.Exception is { } exception && context.ProblemDetails.Status == StatusCodes.Status500InternalServerError
                && context.HttpContext.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                context.ProblemDetails.Extensions["exception"] = $"{exception.GetType().FullName}: {exception.Message}";
            }
        });
        services.AddExceptionHandler<ClusterUnavailableHandler>();
        return services;
    }

    /// <summary>
    /// Gives a problem nobody named a kind for (the framework's own: routing, authentication, authorization, unhandled
    /// exceptions) the code of its status, and every problem its code's <c>type</c> and title.
    /// </summary>
    private static void Classify(ProblemDetails problem)
    {
        if (!problem.Extensions.TryGetValue(Problems.CodeMember, out var named) || named is not string code)
        {
            code = ProblemCatalogue.ForStatus(problem.Status);
            problem.Extensions[Problems.CodeMember] = code;
        }

        problem.Type = ProblemCatalogue.TypeOf(code);
        if (ProblemCatalogue.Find(code) is { } kind)
        {
            problem.Title = kind.Title;
        }
    }

    /// <summary>
    /// A detail for the errors routing and authorization answer before any handler runs (they come with a title
    /// only): 415 from a route's Accepts metadata, 404 unknown path, 405 other verb, 401 no or bad token, 403 role.
    /// </summary>
    private static string? FrameworkDetail(int? status, HttpRequest request) => status switch
    {
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
        StatusCodes.Status404NotFound => $"There is no resource at {request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
        StatusCodes.Status401Unauthorized => "Send a valid, unexpired bearer token: Authorization: Bearer <JWT> (in development: scripts/dev-token.sh ROLE).",
        StatusCodes.Status403Forbidden => $"Your role may not {request.Method} {request.Path}; see the roles table in the README.",
        _ => null,
    };

    public static WebApplication UseAfterSalesErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// The cluster (or its database) could not answer in time: the change was not acknowledged, so the client may
    /// retry — with the same Idempotency-Key it cannot be applied twice.
    /// </summary>
    private sealed partial class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsTransient(exception) && !CancelledByCluster(context, exception))
            {
                return false;
            }

            LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Detail = "The cluster could not complete the request in time; nothing was acknowledged. Retry with the same Idempotency-Key.",
                    Extensions = { [Problems.CodeMember] = ProblemCodes.ClusterUnavailable },
                },
            });
        }

        /// <summary>
        /// The cluster cancelled the call (say, the target activation was cancelled while it started, and its queued
        /// requests were rejected with that cancellation). The client did not give up, so it is told to retry.
        /// </summary>
        private static bool CancelledByCluster(HttpContext context, Exception exception) =>
            exception is OperationCanceledException && !context.RequestAborted.IsCancellationRequested;

        private static bool IsTransient(Exception exception) => exception switch
        {
            TimeoutException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException => true,
            Orleans.Storage.InconsistentStateException => true,
            ServiceUnavailableException => true,
            // The database behind a grain activation is unreachable (the grain could not load its state).
            System.Data.Common.DbException or System.Net.Sockets.SocketException => true,
            // GetGrain found no silo that hosts the grain: the client's cluster manifest has no silo in it yet
            // (it dropped a silo that shut down and has not yet heard from the one that replaced it).
            ArgumentException { Message: var message } when message.StartsWith("Could not find an implementation", StringComparison.Ordinal) => true,
            AggregateException { InnerExceptions.Count: 1 } aggregate => IsTransient(aggregate.InnerExceptions[0]),
            { InnerException: { } inner } => IsTransient(inner),
            _ => false,
        };

        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Exception}: {Reason}")]
        private static partial void LogUnavailable(ILogger logger, string method, string path, string exception, string reason);
    }
}
