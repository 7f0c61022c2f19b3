using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace AfterSales.Grains.Common;

/// <summary>
/// The write step for a grain that owes no other grain messages (no outbox): the new state is current only once it
/// is durable. The same failure policy as <see cref="DurableState{TState}.CommitAsync"/>.
/// </summary>
public static partial class StateWrites
{
    /// <summary>
    /// Makes <paramref name="next"/> the state and writes it; once written, the state is <paramref name="written"/>
    /// of it when given (the rows that went with the write, such as an idempotency key, no longer carried).
    /// One failure policy: on failure nothing is applied — the previous state comes back and the grain keeps serving
    /// reads from it — and the caller gets a <see cref="ServiceUnavailableException"/> (503 + Retry-After). Only a
    /// version conflict (<see cref="InconsistentStateException"/>: someone else's write landed, or a write whose reply
    /// was lost landed after all) drops the activation when idle, so the stored truth is reloaded.
    /// </summary>
    public static async Task WriteOrRestoreAsync<TState>(this IPersistentState<TState> state, TState next, IGrainBase grain, ILogger logger, string what,
        Func<TState, TState>? written = null)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            state.State = previous;
            if (ex is InconsistentStateException)
            {
                grain.DeactivateOnIdle();
            }

            LogWriteFailed(logger, ex, what);
            throw new ServiceUnavailableException($"{what}: the change could not be stored and was not applied; retry.");
        }

        if (written is not null)
        {
            state.State = written(next);
        }
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "{What}: state write failed; change not applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string what);
}
