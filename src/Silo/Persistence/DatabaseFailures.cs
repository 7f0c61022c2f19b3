using System.Data.Common;
using System.Net.Sockets;
using AfterSales.Interfaces.Common;
using Orleans.Storage;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// Turns a failure of the database into <see cref="ServiceUnavailableException"/> before it leaves the silo.
/// Npgsql's exceptions have no Orleans codec: one that escapes a grain (a state read inside an activation, a
/// reminder registration) reaches the client as <c>CodecNotFoundException</c> and the API could only answer 500.
/// Observed with "too many clients already" while a grain activated. The database's code and message are kept in
/// the new exception's message (so in the silo's log); the API's 503 does not show them.
/// </summary>
public static class DatabaseFailures
{
    /// <summary>True when <paramref name="exception"/> or one of its inner exceptions is the database (or the way to it) failing.</summary>
    public static bool IsDatabaseFailure(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException or SocketException)
            {
                return true;
            }

            if (current is AggregateException { InnerExceptions.Count: > 1 } aggregate)
            {
                return aggregate.InnerExceptions.Any(IsDatabaseFailure);
            }
        }

        return false;
    }

    /// <summary>The exception to send instead: serializable, carrying the database's message but none of its objects.</summary>
    public static ServiceUnavailableException Translate(Exception exception, string what) =>
        new($"{what}: the database failed ({Innermost(exception).Message}); nothing was applied, retry.");

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is { } inner)
        {
            current = inner;
        }

        return current;
    }
}

/// <summary>The grain storage every grain uses, with database failures made serializable (<see cref="DatabaseFailures"/>).</summary>
public sealed class DatabaseFailureTranslatingStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.ReadStateAsync(stateName, grainId, grainState), "Reading the state");

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Guard(() => inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken), "Reading the state");

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.WriteStateAsync(stateName, grainId, grainState), "Writing the state");

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Guard(() => inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken), "Writing the state");

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Guard(() => inner.ClearStateAsync(stateName, grainId, grainState), "Clearing the state");

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        Guard(() => inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken), "Clearing the state");

    private static async Task Guard(Func<Task> operation, string what)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (AfterSales.Grains.Common.GrainRows.IsDuplicateRow(ex))
        {
            // Not a failure of the database: the grain learns that a fact it appends was already recorded.
            throw new AfterSales.Grains.Common.DuplicateRowException($"{what}: {ex.GetBaseException().Message}");
        }
        catch (Exception ex) when (DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, what);
        }
    }
}

/// <summary>
/// The same translation for whatever else a grain method lets escape (a reminder the database refused, say):
/// the caller gets 503 + Retry-After instead of an exception the client cannot read.
/// </summary>
public sealed class DatabaseFailureCallFilter : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Most calls complete synchronously or succeed: only a failed one pays for the translation.
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? call : TranslateFailureAsync(call, context);
    }

    private static async Task TranslateFailureAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (ex is not ServiceUnavailableException && DatabaseFailures.IsDatabaseFailure(ex))
        {
            throw DatabaseFailures.Translate(ex, $"{context.InterfaceName}.{context.MethodName}");
        }
    }
}
