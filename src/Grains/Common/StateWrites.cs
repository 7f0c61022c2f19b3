using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Common;

/// <summary>The write step every grain shares: the new state is current only once it is durable.</summary>
public static partial class StateWrites
{
    /// <summary>
    /// Makes <paramref name="next"/> the state and writes it. On failure the previous state comes back, the
    /// activation is dropped when idle (so the stored truth is reloaded), and the caller gets a
    /// <see cref="ServiceUnavailableException"/> (503 + Retry-After): nothing was applied.
    /// </summary>
    public static async Task WriteOrRestoreAsync<TState>(this IPersistentState<TState> state, TState next, IGrainBase grain, ILogger logger, string what)
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
            grain.DeactivateOnIdle();
            LogWriteFailed(logger, ex, what);
            throw new ServiceUnavailableException($"{what}: the change could not be stored and was not applied; retry.");
        }
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "{What}: state write failed; change not applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string what);
}
