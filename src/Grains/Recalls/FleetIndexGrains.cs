using System.Collections.Immutable;
using AfterSales.Domain.Quality;
using AfterSales.Grains.Common;
using AfterSales.Grains.Quality;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Reports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// The registered vehicles of one batch and the campaigns subscribed to it. A batch is a few hundred to a few
/// thousand vehicles, so its VIN set is small enough to store whole; adding a VIN is idempotent, and each campaign
/// hears, as the batch's whole contribution, how many vehicles arrived after it subscribed.
/// </summary>
public sealed partial class FleetBatchGrain(
    [PersistentState("fleetBatch", GrainStorage.Name)] IPersistentState<FleetBatchState> state,
    IOptions<QualityOptions> quality,
    ILogger<FleetBatchGrain> logger) : Grain, IFleetBatchGrain
{
    private readonly QualityOptions _quality = quality.Value;

    private string Batch => this.GetPrimaryKeyString();

    public async Task RecordRepairAsync(FleetRepair repair)
    {
        var current = state.State;
        if (!current.Faults.Any(f => f.VisitId == repair.VisitId))
        {
            var occurrence = new FaultOccurrence(repair.VisitId, repair.Vin, repair.FaultCode, repair.Date);
            var newest = current.Faults.IsEmpty ? repair.Date : new[] { repair.Date, current.Faults.Max(f => f.Date) }.Max();
            // Only what the window can still reach is kept, so the batch's state stays small.
            var kept = current.Faults.Add(occurrence).Where(f => RepeatFaults.StillRelevant(f, newest, _quality.RepeatFaultWindowDays));
            await WriteAsync(current with { Faults = [.. kept], RepairsRecorded = current.RepairsRecorded + 1 });
        }

        var signal = RepeatFaults.SignalFor(state.State.Faults, repair.FaultCode, _quality.RepeatFaultWindowDays, _quality.RepeatFaultVehicles);
        var counters = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);
        if (signal is not null)
        {
            var name = QualityCounters.SignalPrefix + string.Join(QualityCounters.Separator, Batch, repair.Model, repair.FaultCode);
            counters = counters.Add(name, signal.Vehicles);
        }

        // The batch's whole contribution for this fault in the month of the repair; a later, smaller one replaces it.
        await GrainFactory.GetGrain<ICounterRollupGrain>(QualityCounters.Scope(repair.Date.Year, repair.Date.Month)).ReportAsync(
            new CounterContribution($"signal:{Batch}:{repair.FaultCode}", state.State.RepairsRecorded, counters));
    }

    public async Task AddAsync(string vin, string model)
    {
        var current = state.State;
        if (!current.Vins.Contains(vin))
        {
            var next = current;
            if (next.Model is null)
            {
                // The first vehicle names the batch's model: campaigns over that model cover this batch from now on.
                var campaigns = await GrainFactory.GetGrain<IFleetModelGrain>(model).AddBatchAsync(Batch);
                next = next with { Model = model };
                foreach (var campaign in campaigns.Where(c => !next.Subscriptions.ContainsKey(c.CampaignId)))
                {
                    next = next with { Subscriptions = next.Subscriptions.Add(campaign.CampaignId, new BatchSubscription(0, 0, campaign.Vins)) };
                }
            }

            next = next with
            {
                Vins = next.Vins.Add(vin),
                Subscriptions = next.Subscriptions.ToImmutableSortedDictionary(
                    s => s.Key, s => s.Value.Listed.Contains(vin) ? s.Value : s.Value with { AddedSince = s.Value.AddedSince + 1 }, StringComparer.Ordinal),
            };
            await WriteAsync(next);
        }

        // Reported even when the VIN was known: the caller may be retrying after a report failed.
        await ReportAsync();
    }

    public async Task<long> SubscribeAsync(string campaignId, ImmutableSortedSet<string> listedVins)
    {
        if (!state.State.Subscriptions.TryGetValue(campaignId, out var subscription))
        {
            var coveredNow = state.State.Vins.Count(v => !listedVins.Contains(v));
            subscription = new BatchSubscription(coveredNow, 0, listedVins);
            await WriteAsync(state.State with { Subscriptions = state.State.Subscriptions.Add(campaignId, subscription) });
        }

        return subscription.AtSubscription;
    }

    private Task ReportAsync() => Task.WhenAll(state.State.Subscriptions.Select(s =>
        GrainFactory.GetGrain<ICounterRollupGrain>(RecallCounters.Scope(s.Key)).ReportAsync(new CounterContribution(
            "batch:" + Batch, state.State.Vins.Count,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallAffected, s.Value.AddedSince)])))));

    private Task WriteAsync(FleetBatchState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Fleet batch {Batch}");
}

/// <summary>The batches of one model and the campaigns covering the model.</summary>
public sealed partial class FleetModelGrain(
    [PersistentState("fleetModel", GrainStorage.Name)] IPersistentState<FleetModelState> state,
    ILogger<FleetModelGrain> logger) : Grain, IFleetModelGrain
{
    private string Model => this.GetPrimaryKeyString();

    public async Task<ImmutableArray<RecallDefinition>> AddBatchAsync(string batch)
    {
        if (!state.State.Batches.Contains(batch))
        {
            await WriteAsync(state.State with { Batches = state.State.Batches.Add(batch) });
        }

        return state.State.Campaigns;
    }

    public async Task<ImmutableSortedSet<string>> SubscribeAsync(RecallDefinition campaign)
    {
        if (!state.State.Campaigns.Any(c => c.CampaignId == campaign.CampaignId))
        {
            await WriteAsync(state.State with { Campaigns = state.State.Campaigns.Add(campaign) });
        }

        return state.State.Batches;
    }

    private Task WriteAsync(FleetModelState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Fleet model {Model}");
}

/// <summary>What a fleet batch persists (state_name 'fleetBatch').</summary>
public sealed record FleetBatchState
{
    public int SchemaVersion { get; init; } = 1;

    public string? Model { get; init; }

    public ImmutableSortedSet<string> Vins { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, BatchSubscription> Subscriptions { get; init; } =
        ImmutableSortedDictionary.Create<string, BatchSubscription>(StringComparer.Ordinal);

    /// <summary>Repairs of the batch's vehicles still inside the repeat-fault window.</summary>
    public ImmutableArray<FaultOccurrence> Faults { get; init; } = [];

    /// <summary>Repairs recorded so far: the version of the batch's quality reports.</summary>
    public long RepairsRecorded { get; init; }
}

/// <summary>A campaign's view of a batch: vehicles covered when it subscribed, vehicles added since, its listed VINs (counted by the campaign itself).</summary>
public sealed record BatchSubscription(long AtSubscription, long AddedSince, ImmutableSortedSet<string> Listed);

/// <summary>What a fleet model persists (state_name 'fleetModel').</summary>
public sealed record FleetModelState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedSet<string> Batches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];
}
