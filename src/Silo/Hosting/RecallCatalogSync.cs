using AfterSales.Grains.Recalls;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Keeps this silo's <see cref="RecallCatalog"/> subscribed to the recall registry while the silo is active:
/// renews every <see cref="RecallCatalog.RenewEvery"/> (every second until the first success) and takes the
/// campaign list whenever the registry's version is ahead of the copy.
/// </summary>
public sealed partial class RecallCatalogSync(
    RecallCatalog catalog,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<RecallCatalogSync> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RecallCatalogSync), ServiceLifecycleStage.Active, StartAsync, StopAsync);

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
        var reference = grains.CreateObjectReference<IRecallCatalogObserver>(catalog);
        var registry = grains.Grain<IRecallRegistryGrain>(RecallRegistry.Key);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var next = RecallCatalog.RenewEvery;
                try
                {
                    var known = catalog.KnownVersion;
                    if (await registry.SyncAsync(silo.SiloAddress, reference, known) is { } snapshot)
                    {
                        catalog.Apply(snapshot);
                    }
                    else
                    {
                        catalog.Confirm(known);
                    }
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogSyncFailed(logger, ex);
                    next = RetryEvery;
                }

                await Task.Delay(next, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The silo is stopping.
        }
        finally
        {
            grains.DeleteObjectReference<IRecallCatalogObserver>(reference);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Recall catalog: could not sync with the registry; retrying")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
