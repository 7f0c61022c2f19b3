using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Common;

/// <summary>
/// A silo's in-memory copy of a small data set that one registry grain owns (the open recall campaigns, the parts
/// catalogue). Hot reads (every warranty answer) use the copy instead of calling the one registry grain, which would
/// otherwise take every such read of the cluster. The silo renews its subscription every <see cref="SiloCopies.RenewEvery"/>
/// (<c>SiloCopySync</c> in the silo host), and the registry pushes each change to every active silo's copy before it
/// acknowledges the change (<see cref="SiloSubscribers{TObserver}"/>).
/// </summary>
public interface ISiloCopy
{
    /// <summary>What the copy holds, for logs.</summary>
    string Name { get; }

    /// <summary>Subscribes this silo's copy with its registry, or renews the subscription, taking the data when the registry is ahead.</summary>
    Task SyncAsync(IGrainFactory grains, SiloAddress silo);

    /// <summary>Drops the copy's subscription (the silo is stopping).</summary>
    void Release(IGrainFactory grains);
}

/// <summary>
/// What every silo copy does alike: it is its own observer, and the object reference that lets the registry call it is
/// made at the first sync and deleted when the silo stops.
/// </summary>
public abstract class SiloCopy<TObserver> : ISiloCopy
    where TObserver : class, IGrainObserver
{
    private TObserver? _reference;

    public abstract string Name { get; }

    public abstract Task SyncAsync(IGrainFactory grains, SiloAddress silo);

    public void Release(IGrainFactory grains)
    {
        if (_reference is not null)
        {
            grains.DeleteObjectReference<TObserver>(_reference);
            _reference = null;
        }
    }

    /// <summary>The reference the registry calls this copy through.</summary>
    protected TObserver Reference(IGrainFactory grains) =>
        _reference ??= grains.CreateObjectReference<TObserver>(this as TObserver ?? throw new InvalidOperationException($"{GetType().Name} must implement {typeof(TObserver).Name}."));
}

/// <summary>The timing every silo copy shares.</summary>
public static class SiloCopies
{
    /// <summary>How often a silo renews each copy's subscription.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>A copy not confirmed for this long is not trusted where staleness matters.</summary>
    public static readonly TimeSpan TrustedFor = RenewEvery * 3;

    /// <summary>How long a registry waits for one silo's copy to take a push.</summary>
    public static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The silo copies subscribed to one registry grain, one per silo, and the push of a change to all of them. Lives in
/// the registry's activation.
/// </summary>
public sealed partial class SiloSubscribers<TObserver>(IGrainFactory grains, TimeProvider time, ILogger logger, string what)
    where TObserver : IGrainObserver
{
    private readonly Dictionary<SiloAddress, TObserver> _copies = [];
    private readonly DateTimeOffset _activatedAt = time.GetUtcNow();

    /// <summary>A silo subscribed or renewed its copy.</summary>
    public void Renew(SiloAddress silo, TObserver copy) => _copies[silo] = copy;

    /// <summary>
    /// Pushes with <paramref name="push"/> to every active silo's copy and returns only when each has taken it, so a
    /// change is visible everywhere once it is acknowledged. A fresh activation knows no copies yet: every live silo
    /// renews within one period, so it waits for each active silo to subscribe (at most two periods, after which a
    /// silo that has not is not really alive). A silo that cannot be told fails the push with a
    /// <see cref="ServiceUnavailableException"/>: the change is stored, and a retry finishes telling.
    /// </summary>
    public async Task PushAsync(Func<TObserver, Task> push)
    {
        var active = await ActiveSilosAsync();
        var waitUntil = _activatedAt + SiloCopies.RenewEvery * 2;
        while (active.Any(silo => !_copies.ContainsKey(silo)) && time.GetUtcNow() < waitUntil)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time);
            active = await ActiveSilosAsync();
        }

        foreach (var gone in _copies.Keys.Where(silo => !active.Contains(silo)).ToList())
        {
            _copies.Remove(gone);
        }

        var pushes = _copies.Select(async entry =>
        {
            try
            {
                await push(entry.Value).WaitAsync(SiloCopies.PushTimeout, time);
                return null;
            }
            catch (Exception ex)
            {
                LogPushFailed(logger, ex, what, entry.Key.ToString());
                return entry.Key.ToString();
            }
        });
        var failed = (await Task.WhenAll(pushes)).OfType<string>().ToList();
        if (failed.Count > 0)
        {
            throw new ServiceUnavailableException(
                $"The {what} change is stored, but silo(s) {string.Join(", ", failed)} could not be told yet; retry to finish.");
        }
    }

    private async Task<HashSet<SiloAddress>> ActiveSilosAsync() =>
        [.. (await grains.Grain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys];

    [LoggerMessage(EventId = 1980, Level = LogLevel.Warning, Message = "{What}: the copy of silo {Silo} could not be updated")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string what, string silo);
}
