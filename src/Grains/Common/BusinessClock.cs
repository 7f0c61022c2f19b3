namespace AfterSales.Grains.Common;

/// <summary>
/// The key of the <see cref="TimeProvider"/> grains read business time from (<c>[FromKeyedServices(BusinessClock.Key)]</c>).
/// Orleans resolves its own clocks from the un-keyed provider, so tests can replace this one with a fake clock
/// without freezing membership, timers or reminders. Unregistered, it falls back to the system clock.
/// </summary>
public static class BusinessClock
{
    public const string Key = "AfterSales.Business";
}
