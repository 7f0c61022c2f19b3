using AfterSales.Interfaces.Common;
using Orleans;
using Orleans.Runtime;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// A grain call filter a test silo runs with, and arms for one grain method of one grain, for a number of calls:
/// <list type="bullet">
/// <item><see cref="CallFault.Unreachable"/>: the call fails before the grain runs it (a recipient on a silo that
/// is gone; nothing of the call happens);</item>
/// <item><see cref="CallFault.LoseReply"/>: the grain runs the call to the end — its write lands — and then the
/// caller gets a failure instead of the answer (the reply lost on the way back, or the caller's timeout);</item>
/// <item><see cref="CallFault.Reject"/>: the call is turned away unrun, as a silo shutting down turns away the calls
/// for grains it no longer has (<see cref="Orleans.Runtime.OrleansMessageRejectionException"/>, "Silo stopping");</item>
/// <item><see cref="CallFault.SiloLost"/>: the caller hears that the silo of the call was lost, not whether the call
/// ran (<see cref="Orleans.Runtime.SiloUnavailableException"/>; here it did not);</item>
/// <item><see cref="CallFault.Hold"/>: the call waits until the test releases it (<see cref="Armed.Release"/>), as a
/// grain that cannot answer yet (one deactivating while its running request waits).</item>
/// </list>
/// The first two fail with <see cref="ServiceUnavailableException"/>, what a caller sees for either in production (an
/// HTTP caller: 503). Unarmed, it passes every call through.
/// </summary>
public sealed class CallFaults : IIncomingGrainCallFilter
{
    private readonly Lock _gate = new();
    private readonly List<Armed> _armed = [];

    /// <summary>
    /// Arms <paramref name="fault"/> for the next <paramref name="times"/> calls of <typeparamref name="TGrain"/>.<paramref name="method"/>
    /// on <paramref name="grainKey"/> whose first argument satisfies <paramref name="firstArgument"/> (any, if not given).
    /// </summary>
    public Armed Arm<TGrain>(string method, string grainKey, CallFault fault, int times = 1, Func<object?, bool>? firstArgument = null)
        where TGrain : IAddressable
    {
        var armed = new Armed(typeof(TGrain), method, grainKey, fault, times, firstArgument);
        lock (_gate)
        {
            _armed.Add(armed);
        }

        return armed;
    }

    /// <summary>Disarms everything still armed (a test's cleanup).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _armed.Clear();
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var armed = Take(context);
        switch (armed?.Fault)
        {
            case CallFault.Unreachable:
                throw new ServiceUnavailableException($"{context.InterfaceName}.{context.MethodName} on {context.TargetId}: unreachable (injected by the test).");
            case CallFault.Reject:
                // The runtime's own rejection type; its constructors are internal to Orleans.
                throw (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException),
                    System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, null, ["Silo stopping (injected by the test)"], null)!;
            case CallFault.SiloLost:
                throw new SiloUnavailableException($"{context.InterfaceName}.{context.MethodName} on {context.TargetId}: the target silo became unavailable (injected by the test).");
            case CallFault.NoAnswer:
                // What the caller's runtime reports when the answer never arrives (dropped by a silo as it left).
                throw new TimeoutException($"{context.InterfaceName}.{context.MethodName} on {context.TargetId}: response did not arrive on time (injected by the test).");
            case CallFault.Hold:
                await armed.Released.Task.WaitAsync(TimeSpan.FromSeconds(60));
                break;
        }

        await context.Invoke();
        if (armed?.Fault == CallFault.LoseReply)
        {
            throw new ServiceUnavailableException($"{context.InterfaceName}.{context.MethodName} on {context.TargetId}: ran, but its reply was lost (injected by the test).");
        }
    }

    private Armed? Take(IIncomingGrainCallContext context)
    {
        var method = context.InterfaceMethod;
        if (method is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (_armed.Count == 0)
            {
                return null;
            }

            var key = context.TargetId.Key.ToString();
            var armed = _armed.FirstOrDefault(a => a.Remaining > 0 && a.Interface == method.DeclaringType && a.Method == method.Name && a.GrainKey == key
                && (a.FirstArgument is null || (context.Request.GetArgumentCount() > 0 && a.FirstArgument(context.Request.GetArgument(0)))));
            if (armed is null)
            {
                return null;
            }

            armed.Remaining--;
            armed.Fired++;
            if (armed.Remaining == 0)
            {
                _armed.Remove(armed);
            }

            return armed;
        }
    }

    /// <summary>One armed fault; <see cref="Fired"/> counts the calls it failed, so a test can assert the fault happened.</summary>
    public sealed class Armed(Type @interface, string method, string grainKey, CallFault fault, int times, Func<object?, bool>? firstArgument)
    {
        public Func<object?, bool>? FirstArgument { get; } = firstArgument;

        public Type Interface { get; } = @interface;

        public string Method { get; } = method;

        public string GrainKey { get; } = grainKey;

        public CallFault Fault { get; } = fault;

        public int Remaining { get; set; } = times;

        public int Fired { get; set; }

        /// <summary>Completed by <see cref="Release"/>: the held calls go on.</summary>
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}

public enum CallFault
{
    /// <summary>The call fails before the grain runs it.</summary>
    Unreachable,

    /// <summary>The grain runs the call; the caller gets a failure instead of its answer.</summary>
    LoseReply,

    /// <summary>The call is turned away unrun, as by a silo shutting down.</summary>
    Reject,

    /// <summary>The caller hears that the call's silo was lost (the call did not run).</summary>
    SiloLost,

    /// <summary>The caller hears no answer in time (the call did not run).</summary>
    NoAnswer,

    /// <summary>The call waits until the test releases it.</summary>
    Hold,
}
