using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Network;

/// <summary>
/// Counters of one scope summed over their sources. The newest contribution of every open source is stored (so the
/// totals survive restarts and a report of a version already held counts nothing); final contributions are folded
/// into a base and the source is recorded for good in an append-only row written with that fold (grain_rows, kind
/// 'final'), so a retried final report is recognised however late it comes, without the document growing. Every accepted report is
/// written before it is acknowledged; a province then passes its totals on to the national scope, whose answer
/// therefore costs one pass over the provinces.
/// </summary>
[ProvinceHomedPlacement(keyPrefix: RollupScopes.ProvincePrefix)]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class CounterRollupGrain(
    [PersistentState(CounterRollupGrain.StateName, GrainStorage.Name)] IPersistentState<CounterRollupState> state,
    ILogger<CounterRollupGrain> logger) : Grain, ICounterRollupGrain
{
    /// <summary>The rows (grain_rows, kind 'final', key the source) recording each final source folded in for good.</summary>
    public const string FinalSource = "final";

    /// <summary>The roll-ups' state_name.</summary>
    public const string StateName = "counterRollup";

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
        var stale = held is not null && held.Version >= contribution.Version;
        if (!stale)
        {
            var counters = contribution.Counters.Where(c => c.Value != 0).ToImmutableSortedDictionary(StringComparer.Ordinal);
            var next = contribution.Final
                ? current with
                {
                    Sources = current.Sources.Remove(contribution.Source),
                    Base = Add(current.Base, counters),
                    NewRows = [new GrainRow(FinalSource, contribution.Source, Unique: true)],
                    AbsentRows = null,
                }
                : current with
                {
                    Sources = current.Sources.SetItem(contribution.Source, new SourceCounters(contribution.Version, counters)),
                    NewRows = null,
                    // A source not held now is new, or was folded in by a final report: the write checks which.
                    AbsentRows = held is null ? [new GrainRow(FinalSource, contribution.Source)] : null,
                };

            // The first write of an activation starts a new epoch, so the sequence numbers a province passes on to
            // the national scope keep growing across activations.
            if (!_epochStarted)
            {
                next = next with { Epoch = current.Epoch + 1 };
            }

            if (await state.TryWriteNewRowsAsync(next, this, logger, $"Roll-up {Scope}"))
            {
                if (!_epochStarted)
                {
                    _sequence = next.Epoch << 32;
                    _epochStarted = true;
                }

                _totals = Sum(next);
                _sequence++;
            }
            else
            {
                // The source's final report was folded in already (this is a retry, or an older report late): nothing to count.
                LogRepeatedFinal(logger, Scope, contribution.Source);
            }
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

    [LoggerMessage(EventId = 1330, Level = LogLevel.Debug, Message = "Roll-up {Scope}: final report of {Source} was already counted")]
    private static partial void LogRepeatedFinal(ILogger logger, string scope, string source);
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

    /// <summary>Rows to append with this write (the final source just folded in); null once written.</summary>
    public ImmutableArray<GrainRow>? NewRows { get; init; }

    /// <summary>Rows that must not exist for this write to land (a first report's source must not be final already); null once written.</summary>
    public ImmutableArray<GrainRow>? AbsentRows { get; init; }

    /// <summary>Activations that wrote; the high half of the sequence numbers a province passes on.</summary>
    public long Epoch { get; init; }
}

public sealed record SourceCounters(long Version, ImmutableSortedDictionary<string, long> Counters);
