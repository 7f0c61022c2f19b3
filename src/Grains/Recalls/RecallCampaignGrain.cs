using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// A recall campaign. Opening it costs one call per covered model and batch, never one per vehicle: it subscribes
/// the fleet index (which counts the vehicles covered then, and reports those registered later) and adds itself to
/// the registry the vehicles consult. Completions arrive as events from the completing stations into the
/// campaign's counter roll-up, so the progress answer is live and costs the same for 10 or 500,000 vehicles.
/// </summary>
public sealed partial class RecallCampaignGrain(
    [PersistentState("recall", GrainStorage.Name)] IPersistentState<RecallState> state,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<RecallCampaignGrain> logger) : Grain, IRecallCampaignGrain
{
    private string CampaignId => this.GetPrimaryKeyString();

    public async Task<Outcome<RecallView>> OpenAsync(OpenRecall command)
    {
        var (scope, errors) = RecallScope.Parse(command.Models, command.Batches, command.Vins);
        if (scope is null)
        {
            return Refusal.Invalid(errors);
        }

        var definition = new RecallDefinition(CampaignId, scope.Models, scope.Batches, scope.Vins);
        var current = state.State;
        if (current.Definition is { } held)
        {
            var same = held.Models.SetEquals(definition.Models) && held.Batches.SetEquals(definition.Batches) && held.Vins.SetEquals(definition.Vins)
                && current.Description == command.Description && current.Remedy == command.Remedy;
            if (!same)
            {
                return Refusal.Conflict($"Recall campaign {CampaignId} is already open with a different definition; campaigns are not redefined — open a new one.");
            }

            if (current.Open)
            {
                return Outcome<RecallView>.Created(await ViewAsync());
            }
        }
        else
        {
            // Stored first, so a concurrent different definition is refused and a retry after a failure below
            // finishes the same opening (every step after this one is idempotent).
            await WriteAsync(current with { Definition = definition, Description = command.Description, Remedy = command.Remedy, OpenedAt = time.GetUtcNow() });
        }

        var batches = new SortedSet<string>(definition.Batches, StringComparer.Ordinal);
        foreach (var model in definition.Models)
        {
            batches.UnionWith(await GrainFactory.GetGrain<IFleetModelGrain>(model).SubscribeAsync(definition));
        }

        var coveredAtOpening = await Task.WhenAll(batches.Select(b => GrainFactory.GetGrain<IFleetBatchGrain>(b).SubscribeAsync(CampaignId, definition.Vins)));
        await GrainFactory.GetGrain<IRecallRegistryGrain>(RecallRegistry.Key).AddAsync(definition);
        await WriteAsync(state.State with { Open = true, AffectedAtOpening = coveredAtOpening.Sum() + definition.Vins.Count });
        return Outcome<RecallView>.Created(await ViewAsync());
    }

    public async Task<Outcome<RecallView>> GetAsync()
    {
        if (!state.State.Open)
        {
            return Refusal.NotFound($"No recall campaign {CampaignId} is open.");
        }

        return Outcome<RecallView>.Ok(await ViewAsync());
    }

    private async Task<RecallView> ViewAsync()
    {
        var counters = await GrainFactory.GetGrain<ICounterRollupGrain>(RecallCounters.Scope(CampaignId)).GetCountersAsync();
        var s = state.State;
        var affected = s.AffectedAtOpening + counters[CounterNames.RecallAffected];
        var completed = counters[CounterNames.RecallCompleted];
        var byProvince = counters.Counters
            .Where(c => c.Key.StartsWith(RecallCounters.CompletedInPrefix, StringComparison.Ordinal))
            .ToImmutableSortedDictionary(c => c.Key[RecallCounters.CompletedInPrefix.Length..], c => c.Value, StringComparer.Ordinal);
        return new RecallView(CampaignId, s.Description, s.Remedy, [.. s.Definition!.Models], [.. s.Definition.Batches], s.Definition.Vins.Count,
            s.OpenedAt, affected, completed, affected == 0 ? 0 : Math.Round((double)completed / affected, 4), byProvince);
    }

    private Task WriteAsync(RecallState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Recall campaign {CampaignId}");
}

/// <summary>What a recall campaign persists (state_name 'recall').</summary>
public sealed record RecallState
{
    public int SchemaVersion { get; init; } = 1;

    public RecallDefinition? Definition { get; init; }

    public string Description { get; init; } = "";

    public string Remedy { get; init; } = "";

    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>True once every batch is subscribed and the registry knows the campaign.</summary>
    public bool Open { get; init; }

    /// <summary>Vehicles covered when the campaign opened: the listed VINs plus the covered batches' vehicles then.</summary>
    public long AffectedAtOpening { get; init; }
}
