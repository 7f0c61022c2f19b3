using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Network;

/// <summary>
/// Counters of one scope summed over their sources. The newest contribution of every open source is stored (so the
/// totals survive restarts and retries never double count); final contributions are folded into a base and the
/// source is remembered for a while, so a late retry of the final report is recognised. Every accepted report is
/// written before it is acknowledged; a province then passes its totals on to the national scope, whose answer
/// therefore costs one pass over the provinces.
/// </summary>
public sealed partial class CounterRollupGrain(
    [PersistentState("counterRollup", GrainStorage.Name)] IPersistentState<CounterRollupState> state,
    ILogger<CounterRollupGrain> logger) : Grain, ICounterRollupGrain
{
    private const int RememberedFinalSources = 1024;

    private Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private long _sequence;
    private bool _epochStarted;

    private string Scope => this.GetPrimaryKeyString();

    private bool IsProvince => Scope.StartsWith(RollupScopes.ProvincePrefix, StringComparison.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _totals = Sum(state.State);
        _sequence = state.State.Epoch << 32;
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task ReportAsync(CounterContribution contribution)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contribution.Source);
        var current = state.State;
        var held = current.Sources.GetValueOrDefault(contribution.Source);
        var stale = (held is not null && held.Version >= contribution.Version) || current.FinalSources.Contains(contribution.Source);
        if (!stale)
        {
            var counters = contribution.Counters.Where(c => c.Value != 0).ToImmutableSortedDictionary(StringComparer.Ordinal);
            var next = contribution.Final
                ? current with
                {
                    Sources = current.Sources.Remove(contribution.Source),
                    Base = Add(current.Base, counters),
                    FinalSources = Remember(current.FinalSources, contribution.Source),
                }
                : current with { Sources = current.Sources.SetItem(contribution.Source, new SourceCounters(contribution.Version, counters)) };

            // The first write of an activation starts a new epoch, so the sequence numbers a province passes on to
            // the national scope keep growing across activations.
            if (!_epochStarted)
            {
                next = next with { Epoch = current.Epoch + 1 };
            }

            await WriteAsync(next);
            if (!_epochStarted)
            {
                _sequence = next.Epoch << 32;
                _epochStarted = true;
            }

            _totals = Sum(next);
            _sequence++;
        }

        if (IsProvince)
        {
            // Passed on even for a repeated report: the caller may be retrying after the national call failed.
            await GrainFactory.Grain<ICounterRollupGrain>(RollupScopes.National).ReportAsync(new CounterContribution(Scope, _sequence, Snapshot()));
        }
    }

    public Task<CounterTotals> GetCountersAsync()
    {
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>? byProvince = null;
        if (Scope == RollupScopes.National)
        {
            byProvince = state.State.Sources
                .Where(s => s.Key.StartsWith(RollupScopes.ProvincePrefix, StringComparison.Ordinal))
                .ToImmutableSortedDictionary(s => s.Key[RollupScopes.ProvincePrefix.Length..], s => s.Value.Counters, StringComparer.Ordinal);
        }

        return Task.FromResult(new CounterTotals(Scope, Snapshot(), _sequence, byProvince));
    }

    private ImmutableSortedDictionary<string, long> Snapshot() =>
        _totals.Where(t => t.Value != 0).ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static Dictionary<string, long> Sum(CounterRollupState s)
    {
        var totals = new Dictionary<string, long>(s.Base, StringComparer.Ordinal);
        foreach (var source in s.Sources.Values)
        {
            foreach (var (name, value) in source.Counters)
            {
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        }

        return totals;
    }

    private static ImmutableSortedDictionary<string, long> Add(ImmutableSortedDictionary<string, long> a, ImmutableSortedDictionary<string, long> b)
    {
        var builder = a.ToBuilder();
        foreach (var (name, value) in b)
        {
            builder[name] = builder.GetValueOrDefault(name) + value;
        }

        return builder.ToImmutable();
    }

    private static ImmutableList<string> Remember(ImmutableList<string> sources, string source)
    {
        var next = sources.Add(source);
        return next.Count > RememberedFinalSources ? next.RemoveRange(0, next.Count - RememberedFinalSources) : next;
    }

    private Task WriteAsync(CounterRollupState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Roll-up {Scope}");
}

/// <summary>What a counter roll-up persists (state_name 'counterRollup').</summary>
public sealed record CounterRollupState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The newest contribution of each open source.</summary>
    public ImmutableSortedDictionary<string, SourceCounters> Sources { get; init; } =
        ImmutableSortedDictionary.Create<string, SourceCounters>(StringComparer.Ordinal);

    /// <summary>The sum of the final contributions folded in so far.</summary>
    public ImmutableSortedDictionary<string, long> Base { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>The most recent sources folded in, oldest first, so a retried final report is not counted twice.</summary>
    public ImmutableList<string> FinalSources { get; init; } = [];

    /// <summary>Activations that wrote; the high half of the sequence numbers a province passes on.</summary>
    public long Epoch { get; init; }
}

public sealed record SourceCounters(long Version, ImmutableSortedDictionary<string, long> Counters);
