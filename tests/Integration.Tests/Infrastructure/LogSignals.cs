using Microsoft.Extensions.Logging;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A host's log events (warnings and above, as the test hosts log, unless a test adds a filter rule for this provider),
/// kept so that a test can await one — say, the breach a complaint's own timer records — instead of polling until its
/// effect shows.
/// </summary>
public sealed class LogSignals : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<LogEvent> _events = [];
    private readonly List<Waiter> _waiters = [];

    /// <summary>Completes once <paramref name="count"/> events matching <paramref name="match"/> were logged (counting earlier ones).</summary>
    public async Task WaitForAsync(Func<LogEvent, bool> match, int count, TimeSpan timeout, string what)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_events.Count(match) >= count)
            {
                return;
            }

            waiter = new Waiter(match, count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; it was not logged.");
        }
    }

    /// <summary>Every event logged so far, as a copy.</summary>
    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Record(LogEvent logged)
    {
        lock (_gate)
        {
            _events.Add(logged);
            foreach (var waiter in _waiters.Where(w => _events.Count(w.Match) >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    private sealed record Waiter(Func<LogEvent, bool> Match, int Count, TaskCompletionSource Done);

    private sealed class Logger(LogSignals signals, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            signals.Record(new LogEvent(category, eventId.Id, logLevel, formatter(state, exception)));
    }
}

/// <summary>One logged event as <see cref="LogSignals"/> keeps it.</summary>
public sealed record LogEvent(string Category, int EventId, LogLevel Level, string Message);
