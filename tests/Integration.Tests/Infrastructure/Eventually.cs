using System.Diagnostics;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A bounded poll for an effect that something other than the test brings about (a grain's retry timer, say) and
/// that no signal announces: probes at a short, growing interval until the condition holds, and fails with the
/// last observation once the bound has passed. Never a fixed wait: it returns as soon as the condition holds.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Probes until <paramref name="done"/> holds for what <paramref name="probe"/> returns; returns that.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        var interval = FirstInterval;
        while (true)
        {
            var seen = await probe();
            if (done(seen))
            {
                return seen;
            }

            if (watch.Elapsed >= timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; last seen: {seen}");
            }

            await Task.Delay(interval);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, LongestInterval.Ticks));
        }
    }
}
