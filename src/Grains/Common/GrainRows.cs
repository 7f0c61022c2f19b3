using System.Data.Common;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace AfterSales.Grains.Common;

/// <summary>
/// An append-only row written in the same statement as the grain's state (table grain_rows, migration 0007): a fact
/// that grows with history, kept out of the grain's document. (kind, key) is unique per grain: writing a
/// <see cref="Unique"/> row that exists fails the whole write, state included; another row replaces it.
/// </summary>
public sealed record GrainRow(string Kind, string Key, string? Body = null, bool Unique = false);

/// <summary>A write was refused because one of its rows was already recorded; nothing of it was applied.</summary>
public sealed class DuplicateRowException(string message) : Exception(message);

public static partial class GrainRows
{
    /// <summary>Whether a write failed because one of its rows was already recorded (nothing of it was applied).</summary>
    public static bool IsDuplicateRow(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DuplicateRowException)
            {
                return true;
            }

            if (e is DbException { SqlState: "23505" } && e.Message.Contains("grain_rows_pkey", StringComparison.Ordinal))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDuplicateRow))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes <paramref name="next"/> (whose new rows go with it). Returns false, with the previous state back, when a
    /// row was already recorded; any other failure restores the previous state and is a 503 (a version conflict also
    /// drops the activation so the truth is reloaded).
    /// </summary>
    public static async Task<bool> TryWriteNewRowsAsync<TState>(this IPersistentState<TState> state, TState next, IGrainBase grain, ILogger logger, string what)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
            return true;
        }
        catch (Exception ex) when (IsDuplicateRow(ex))
        {
            state.State = previous;
            return false;
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
    }

    [LoggerMessage(EventId = 1960, Level = LogLevel.Warning, Message = "{What}: state write failed; change not applied")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string what);
}
