using AfterSales.Grains.Common;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Keeps this silo's copies (<see cref="ISiloCopy"/>: the recall catalog, the parts catalogue) subscribed to their
/// registries while the silo is active: renews every <see cref="SiloCopies.RenewEvery"/> (every second for a copy
/// whose last attempt failed, until it succeeds), and each copy takes its registry's data whenever it is behind.
/// </summary>
public sealed partial class SiloCopySync(
    IEnumerable<ISiloCopy> copies,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<SiloCopySync> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloCopySync), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var all = copies.ToList();
        var due = all.ToDictionary(copy => copy, _ => time.GetUtcNow());
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                foreach (var copy in all.Where(copy => due[copy] <= time.GetUtcNow()))
                {
                    try
                    {
                        await copy.SyncAsync(grains, silo.SiloAddress);
                        due[copy] = time.GetUtcNow() + SiloCopies.RenewEvery;
                    }
                    catch (Exception ex) when (!stopping.IsCancellationRequested)
                    {
                        LogSyncFailed(logger, ex, copy.Name);
                        due[copy] = time.GetUtcNow() + RetryEvery;
                    }
                }

                var next = due.Values.Min() - time.GetUtcNow();
                await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        finally
        {
            foreach (var copy in all)
            {
                copy.Release(grains);
            }
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Debug, Message = "{Copy}: could not sync with its registry; retrying")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string copy);
}
