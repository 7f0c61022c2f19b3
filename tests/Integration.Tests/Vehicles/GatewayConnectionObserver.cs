using System.Collections.Concurrent;
using Orleans;

namespace AfterSales.Integration.Tests.Vehicles;

/// <summary>
/// Turns the Orleans client's connection notifications into awaitable signals: <see cref="ConnectionLost"/>
/// completes when the client has no gateway connection left, <see cref="Reconnected"/> when, after that, it has
/// one again. Every notification is kept in <see cref="Events"/> for failure messages.
/// </summary>
public sealed class GatewayConnectionObserver : IClusterConnectionStatusObserver
{
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task ConnectionLost => _lost.Task;

    public Task Reconnected => _reconnected.Task;

    public ConcurrentQueue<string> Events { get; } = new();

    public void NotifyClusterConnectionLost()
    {
        Events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} connection lost");
        _lost.TrySetResult();
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        Events.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} gateways {previousNumberOfGateways} → {currentNumberOfGateways} (recovered: {connectionRecovered})");
        if (currentNumberOfGateways == 0)
        {
            _lost.TrySetResult();
        }
        else if (_lost.Task.IsCompleted)
        {
            _reconnected.TrySetResult();
        }
    }
}
