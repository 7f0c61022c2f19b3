using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using AfterSales.Interfaces.Common;

namespace AfterSales.Api.Hosting;

/// <summary>
/// Sends one of our grain calls again when the cluster turned it away. A silo shutting down (a rolling upgrade, a pod
/// deleted) rejects the calls that still reach it once its grains are gone ("Silo stopping", with word that the grain
/// is no longer there); the next attempt is addressed afresh and reaches a silo that serves. A plain rejection never
/// ran, so every call is sent again. A silo lost while a call was pending (<see cref="SiloUnavailableException"/>)
/// leaves it unknown whether the call ran, so only a call that is harmless to repeat is sent again: one marked
/// <see cref="IdempotentAttribute"/>, or one carrying an Idempotency-Key (the grain replays its first answer).
/// A call marked idempotent that timed out is sent once more: in a silo's last moments before it leaves, a call it
/// can no longer place is turned away after its outbound queue stopped, so the answer never comes; the next attempt
/// reaches the grain's new home. A command's timeout stays the caller's, key or not: the call may still be running,
/// and a 503 within the response timeout tells an HTTP caller to retry with its key. Orleans' own calls
/// (membership probes and the like) pass untouched. Used by the API host's client and by every silo (co-hosted
/// requests and grain-to-grain calls).
/// </summary>
public sealed partial class RejectedCallRetry(TimeProvider time, ILogger<RejectedCallRetry> logger) : IOutgoingGrainCallFilter
{
    /// <summary>The pauses before each retry: three more attempts within a second, then the failure is the answer.</summary>
    public static readonly IReadOnlyList<TimeSpan> Pauses = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)];

    private const string KeyParameter = "idempotencyKey";

    private static readonly Assembly Contracts = typeof(IdempotentAttribute).Assembly;

    /// <summary>Per method: whether it is one of ours, whether it is idempotent, where its Idempotency-Key is (-1: none).</summary>
    private static readonly ConcurrentDictionary<MethodInfo, (bool Ours, bool Idempotent, int KeyIndex)> Methods = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var method = context.InterfaceMethod is { } m ? Methods.GetOrAdd(m, Describe) : default;
        if (!method.Ours)
        {
            await context.Invoke();
            return;
        }

        var timedOut = false;
        for (var retry = 1; retry <= Pauses.Count; retry++)
        {
            Exception? failure;
            var thrown = false;
            try
            {
                await context.Invoke();
                // A rejection or a timeout usually comes back as the call's exceptional response rather than a throw.
                failure = context.Response?.Exception;
            }
            catch (Exception exception) when (exception is OrleansMessageRejectionException or TimeoutException)
            {
                failure = exception;
                thrown = true;
            }

            if (!MaySendAgain(failure, method, context, ref timedOut))
            {
                if (thrown)
                {
                    ExceptionDispatchInfo.Throw(failure!);
                }

                return;
            }

            LogSendingAgain(logger, context.InterfaceName, context.MethodName, retry, failure!.GetType().Name, failure.Message);
            await Task.Delay(Pauses[retry - 1], time);
        }

        // The last attempt's outcome, whatever it is, is the call's.
        await context.Invoke();
    }

    private static bool MaySendAgain(Exception? failure, (bool Ours, bool Idempotent, int KeyIndex) method, IOutgoingGrainCallContext context, ref bool timedOut)
    {
        switch (failure)
        {
            case OrleansMessageRejectionException when failure.GetType() == typeof(OrleansMessageRejectionException):
                return true;
            case SiloUnavailableException:
                return method.Idempotent || (method.KeyIndex >= 0 && context.Request.GetArgument(method.KeyIndex) is string { Length: > 0 });
            case TimeoutException when method.Idempotent && !timedOut:
                // Once only: a read the cluster cannot answer at all is a 503 within twice the response timeout.
                timedOut = true;
                return true;
            default:
                return false;
        }
    }

    private static (bool Ours, bool Idempotent, int KeyIndex) Describe(MethodInfo method) =>
        (method.DeclaringType?.Assembly == Contracts,
         method.GetCustomAttribute<IdempotentAttribute>() is not null,
         Array.FindIndex(method.GetParameters(), p => p.Name == KeyParameter && p.ParameterType == typeof(string)));

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "{Interface}.{Method} was turned away or not answered ({Exception}); sending it again (retry {Retry}): {Reason}")]
    private static partial void LogSendingAgain(ILogger logger, string @interface, string method, int retry, string exception, string reason);
}
