using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.CodeGeneration;
using Orleans.Storage;

namespace AfterSales.Grains.Common;

/// <summary>
/// A grain that owes other grains messages through its outbox. The outbox sweeper (in the silo) calls it for a grain
/// whose stored outbox has waited too long, which activates it and delivers what is pending: the way a message
/// written just before a crash still arrives when nobody asks the grain anything.
/// </summary>
[Alias("AfterSales.IOutboxOwner")]
[Version(1)]
public interface IOutboxOwner : IGrainWithStringKey
{
    /// <summary>Delivers the pending messages now (no-op when none are pending).</summary>
    [Alias("FlushOutbox")]
    Task FlushOutboxAsync();
}

/// <summary>
/// The write and deliver half of the command pipeline every command-handling grain shares:
/// <list type="number">
/// <item>the grain replays a known idempotency key and decides (a pure function) — not here;</item>
/// <item><see cref="CommitAsync"/> writes the next state <em>with the messages it owes</em> in one PostgreSQL write;</item>
/// <item>the grain replies only after that write;</item>
/// <item><see cref="DeliverAsync"/> sends each pending message until its recipient acknowledges it, folding the
/// answer into the state (an acknowledged message leaves the outbox in the next write). A message that could not be
/// sent stays; a grain timer retries it while the grain is active, the next activation resumes it, and the sweeper
/// wakes a grain that has pending messages and is not active.</item>
/// </list>
/// One failure policy: a failed write leaves the last durable state in place and the grain keeps serving reads from
/// it; only a version conflict (someone else's write landed) drops the activation so the truth is reloaded.
/// </summary>
public sealed partial class DurableState<TState> where TState : class, IOutboxState<TState>
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<TState> _storage;
    private readonly IGrainBase _grain;
    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly string _kind;
    private readonly Func<TState, OutboxMessage, DeliveryAnswer, TState> _fold;
    private IGrainTimer? _retry;
    private int _versionConflicts;

    /// <param name="kind">What the grain is ("Vehicle"), for messages; its key is added when one is written.</param>
    /// <param name="fold">How the grain takes a recipient's answer into its state (besides removing the message).</param>
    public DurableState(IPersistentState<TState> storage, IGrainBase grain, IGrainFactory grains, ILogger logger, string kind,
        Func<TState, OutboxMessage, DeliveryAnswer, TState>? fold = null)
    {
        _storage = storage;
        _grain = grain;
        _grains = grains;
        _logger = logger;
        _kind = kind;
        _fold = fold ?? ((state, _, _) => state);
    }

    // Built only when a message is written: a per-activation string would cost every vehicle grain its bytes.
    private string What => $"{_kind} {_grain.GrainContext.GrainId.Key}";

    /// <summary>The last durable state.</summary>
    public TState Current => _storage.State;

    public bool HasPending => !Current.Outbox.IsDefaultOrEmpty;

    /// <summary>On activation: messages left pending by an earlier activation are sent again shortly.</summary>
    public void ResumePending()
    {
        if (HasPending)
        {
            ScheduleRetry(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> (state and outbox) durable in one write, then current. On failure nothing is
    /// applied: the previous state stays and serves reads, and the caller gets a 503 to retry.
    /// </summary>
    public Task CommitAsync(TState next) => WriteAsync(next.Revised(Current));

    private async Task WriteAsync(TState next)
    {
        var previous = _storage.State;
        _storage.State = next;
        try
        {
            await _storage.WriteStateAsync();
            _storage.State = next.Written();
        }
        catch (Exception ex)
        {
            _storage.State = previous;
            // If the failed write landed after all (a lost reply), the stored version is ahead of ours and the next
            // write fails with a version conflict: only then is the activation dropped so the truth is reloaded.
            if (ex is InconsistentStateException)
            {
                _versionConflicts++;
                _grain.DeactivateOnIdle();
            }

            LogWriteFailed(_logger, ex, What);
            throw new ServiceUnavailableException($"{What}: the change could not be stored and was not applied; retry.");
        }
    }

    /// <summary>
    /// Reads the stored state again, for an activation that may be behind it, and resumes any messages the stored state
    /// owes. An activation that was behind leaves when idle, so the next request finds the grain wherever the cluster
    /// places it now. True if it was behind.
    /// </summary>
    public async Task<bool> ReloadAsync()
    {
        var before = _storage.Etag;
        try
        {
            await _storage.ReadStateAsync();
        }
        catch (Exception ex)
        {
            LogReloadFailed(_logger, ex, What);
            throw new ServiceUnavailableException($"{What}: its stored state could not be read; nothing was applied; retry.");
        }

        var behind = _storage.Etag != before;
        if (behind)
        {
            _grain.DeactivateOnIdle();
            ResumePending();
        }

        return behind;
    }

    /// <summary>
    /// Runs a command and, when its write failed because the stored version was ahead of this activation's, runs it
    /// once more on the state as stored now. Another activation of the grain wrote (the cluster briefly had two while
    /// a silo left), or a write whose reply was lost landed after all; nothing of the failed write was applied. The
    /// caller gets the answer the current state gives (a replay of its key, a refusal, or the change applied) rather
    /// than a 503 for a conflict it did not cause. Running it again is what the caller's keyed retry would do.
    /// </summary>
    public async Task<T> CatchingUpAsync<T>(Func<Task<T>> command, [CallerMemberName] string method = "")
    {
        // Counted, not flagged: a read interleaved with the command must not hide the command's own conflict.
        var conflicts = _versionConflicts;
        // The second attempt sees the call's context as the first did: what the first took out of it (an If-Match,
        // say) was taken in the command's own async frame. So a stale If-Match is checked again, against the stored
        // state, and is a 412 there (DuplicateActivationTests).
        try
        {
            return await command();
        }
        catch (ServiceUnavailableException) when (_versionConflicts != conflicts)
        {
        }

        LogCatchingUp(_logger, What, method);
        await ReloadAsync();
        return await command();
    }

    /// <summary><see cref="CatchingUpAsync{T}"/> for every call of a grain, from the grain's own call filter.</summary>
    public Task InvokeCatchingUpAsync(IIncomingGrainCallContext context) =>
        CatchingUpAsync(async () =>
        {
            await context.Invoke();
            // A failure may come back as the call's response rather than a throw.
            if (context.Response?.Exception is ServiceUnavailableException failed)
            {
                ExceptionDispatchInfo.Throw(failed);
            }

            return true;
        }, context.MethodName);

    /// <summary>
    /// Sends every pending message (in parallel), folds the answers into the state and writes it, and repeats for
    /// messages the answers produced. Returns the answers by message id. Never throws for a recipient that cannot be
    /// reached or a write that fails: what is not acknowledged stays pending and is retried.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DeliveryAnswer>> DeliverAsync()
    {
        var answers = new Dictionary<string, DeliveryAnswer>(StringComparer.Ordinal);
        // A bound on follow-up rounds (an answer may owe further messages, which do not owe more in this system).
        for (var round = 0; round < 4 && HasPending; round++)
        {
            var pending = Current.Outbox;
            var sent = await Task.WhenAll(pending.Select(TryDeliverAsync));
            var next = Current;
            var unreached = false;
            var changed = false;
            foreach (var (message, answer) in sent)
            {
                if (answer is null)
                {
                    unreached = true;
                    continue;
                }

                if (answer.Refusal is { } refusal)
                {
                    LogRefused(_logger, What, message.GetType().Name, message.Id, refusal.Detail);
                }

                answers[message.Id] = answer;
                var folded = _fold(next, message, answer);
                changed |= !ReferenceEquals(folded, next);
                next = folded.Acknowledge(message.Id);
            }

            if (!ReferenceEquals(next, Current))
            {
                try
                {
                    // An answer that changed the state is a change callers see; a bare acknowledgement is not.
                    await WriteAsync(changed ? next.Revised(Current) : next);
                }
                catch (ServiceUnavailableException)
                {
                    ScheduleRetry(RetryAfter);
                    return answers;
                }
            }

            if (unreached)
            {
                ScheduleRetry(RetryAfter);
                return answers;
            }
        }

        if (!HasPending)
        {
            _retry?.Dispose();
            _retry = null;
        }

        return answers;
    }

    private async Task<(OutboxMessage Message, DeliveryAnswer? Answer)> TryDeliverAsync(OutboxMessage message)
    {
        try
        {
            return (message, await message.DeliverAsync(_grains));
        }
        catch (Exception ex)
        {
            LogUnreached(_logger, ex, What, message.GetType().Name, message.Id);
            return (message, null);
        }
    }

    private void ScheduleRetry(TimeSpan due)
    {
        if (_retry is not null)
        {
            return;
        }

        // Not interleaved with the grain's requests; keeps the grain active while something is owed.
        _retry = _grain.RegisterGrainTimer(
            static async (self, _) => await self.DeliverAsync(),
            this,
            new GrainTimerCreationOptions(due, RetryAfter) { Interleave = false, KeepAlive = true });
    }

    [LoggerMessage(EventId = 1950, Level = LogLevel.Warning, Message = "{What}: state write failed; change not applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 1953, Level = LogLevel.Information, Message = "{What}: another activation wrote first; {Method} runs again on the state as stored now")]
    private static partial void LogCatchingUp(ILogger logger, string what, string method);

    [LoggerMessage(EventId = 1954, Level = LogLevel.Warning, Message = "{What}: its stored state could not be read again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Warning, Message = "{What}: {Kind} {MessageId} could not be delivered; it stays in the outbox and is retried")]
    private static partial void LogUnreached(ILogger logger, Exception exception, string what, string kind, string messageId);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Warning, Message = "{What}: {Kind} {MessageId} was refused by its recipient: {Detail}")]
    private static partial void LogRefused(ILogger logger, string what, string kind, string messageId, string detail);
}
