namespace AfterSales.Grains.Common;

/// <summary>
/// The clocks of a grain with deadlines (a complaint's SLA, a buyback case's Art. 28 dates): a timer from the business
/// <see cref="TimeProvider"/> calls the grain through its own reference one tick after the next deadline, so a breach is
/// recorded when it happens, and a durable reminder is kept registered exactly while a deadline is pending, so a
/// restart or a move brings the grain back to record one it missed.
/// </summary>
/// <param name="grain">The grain whose reminder this is.</param>
/// <param name="check">Calls the grain's clock check through its reference (the timer fires off the grain's scheduler).</param>
/// <param name="checkFailed">Logs a check the timer started and that failed (the reminder retries it).</param>
/// <param name="reminderFailed">Logs a reminder that could not be updated (the next change or check tries again).</param>
public sealed class DeadlineClock(
    Grain grain, TimeProvider time, string reminderName, TimeSpan reminderPeriod, Func<Task> check, Action<Exception> checkFailed, Action<Exception> reminderFailed)
    : IDisposable
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    private ITimer? _timer;
    private DateTimeOffset? _timerDue;
    private DateTimeOffset _timerFiresAt = DateTimeOffset.MaxValue;
    private bool? _reminderRegistered;

    /// <summary>Registers the reminder now (before a first write that starts the clocks); throws when it cannot.</summary>
    public async Task RegisterReminderAsync()
    {
        await grain.RegisterOrUpdateReminder(reminderName, reminderPeriod, reminderPeriod);
        _reminderRegistered = true;
    }

    /// <summary>
    /// Arms the timer for <paramref name="due"/> (the next deadline not yet recorded; null: none) and keeps the
    /// reminder registered exactly while there is one.
    /// </summary>
    public async Task ArmAsync(DateTimeOffset? due)
    {
        // Armed again when the deadline moved, or when the timer has fired (a far deadline's timer fires early, capped).
        if (due != _timerDue || _timer is null || _timerFiresAt <= time.GetUtcNow())
        {
            _timer?.Dispose();
            _timer = null;
            _timerDue = due;
            if (due is { } next)
            {
                var delay = next - time.GetUtcNow() + TimeSpan.FromTicks(1);
                // A timer cannot wait beyond about 49 days; a far deadline is checked once a day and armed again.
                delay = delay > MaxTimerDelay ? MaxTimerDelay : delay;
                _timerFiresAt = time.GetUtcNow() + delay;
                _timer = time.CreateTimer(_ => OnDue(), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
            }
        }

        try
        {
            if (due is not null && _reminderRegistered != true)
            {
                await RegisterReminderAsync();
            }
            else if (due is null && _reminderRegistered != false)
            {
                if (await grain.GetReminder(reminderName) is { } reminder)
                {
                    await grain.UnregisterReminder(reminder);
                }

                _reminderRegistered = false;
            }
        }
        catch (Exception ex)
        {
            // The business-time timer still runs; the next change or check tries the reminder again.
            _reminderRegistered = null;
            reminderFailed(ex);
        }
    }

    public void Dispose() => _timer?.Dispose();

    // Runs on the clock's thread, not the grain's: it only sends the grain a message, so the check runs on its scheduler.
    private void OnDue() =>
        check().ContinueWith(t => checkFailed(t.Exception!.GetBaseException()), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
