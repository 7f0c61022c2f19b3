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
/// The registered vehicles of one batch, their regions, and the campaigns subscribed to it. A batch is a few hundred
/// to a few thousand vehicles, so its VIN set is small enough to store whole; adding a VIN is idempotent, and each
/// campaign hears, as the batch's whole contribution, how many vehicles arrived after it subscribed and how many of
/// its covered vehicles each region holds.
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

    public async Task AddAsync(FleetEntry entry)
    {
        var (vin, current) = (entry.Vin, state.State);
        var next = current;
        if (!next.Vins.Contains(vin))
        {
            if (next.Model is null)
            {
                // The first vehicle names the batch's model: campaigns over that model cover this batch from now on.
                var campaigns = await GrainFactory.GetGrain<IFleetModelGrain>(entry.Model).AddBatchAsync(Batch);
                next = next with { Model = entry.Model };
                foreach (var campaign in campaigns.Where(c => !next.Subscriptions.ContainsKey(c.CampaignId)))
                {
                    next = next with { Subscriptions = next.Subscriptions.Add(campaign.CampaignId, new BatchSubscription(0, 0, campaign.Vins)) };
                }
            }

            next = next with
            {
                Vins = next.Vins.Add(vin),
                Subscriptions = next.Subscriptions.ToImmutableSortedDictionary(
                    s => s.Key,
                    s => s.Value.ListedOnly || s.Value.Listed.Contains(vin) ? s.Value : s.Value with { AddedSince = s.Value.AddedSince + 1 },
                    StringComparer.Ordinal),
            };
        }

        if (entry.Region is { } region && next.Regions.GetValueOrDefault(vin) != region)
        {
            next = next with { Regions = next.Regions.SetItem(vin, region), Revision = next.Revision + 1 };
        }

        // A campaign covering the vehicle that this batch does not follow lists the VIN: follow it for that VIN.
        foreach (var campaignId in entry.Campaigns)
        {
            if (!next.Subscriptions.TryGetValue(campaignId, out var held))
            {
                next = next with
                {
                    Subscriptions = next.Subscriptions.Add(campaignId, new BatchSubscription(0, 0, ImmutableSortedSet.Create(StringComparer.Ordinal, vin), ListedOnly: true)),
                    Revision = next.Revision + 1,
                };
            }
            else if (held.ListedOnly && !held.Listed.Contains(vin))
            {
                next = next with
                {
                    Subscriptions = next.Subscriptions.SetItem(campaignId, held with { Listed = held.Listed.Add(vin) }),
                    Revision = next.Revision + 1,
                };
            }
        }

        if (!ReferenceEquals(next, current))
        {
            await WriteAsync(next);
        }

        // Reported even when nothing changed: the caller may be retrying after a report failed.
        await ReportAsync();
    }

    public async Task<long> SubscribeAsync(string campaignId, ImmutableSortedSet<string> listedVins)
    {
        if (!state.State.Subscriptions.TryGetValue(campaignId, out var subscription) || subscription.ListedOnly)
        {
            // A campaign followed so far for its listed VINs only (a vehicle told us first) now covers the whole batch.
            var coveredNow = state.State.Vins.Count(v => !listedVins.Contains(v));
            subscription = new BatchSubscription(coveredNow, 0, listedVins);
            await WriteAsync(state.State with { Subscriptions = state.State.Subscriptions.SetItem(campaignId, subscription), Revision = state.State.Revision + 1 });
            await ReportAsync();
        }

        return subscription.AtSubscription;
    }

    /// <summary>
    /// The batch's whole contribution to each campaign it follows (vehicles registered since the subscription, and the
    /// covered vehicles by region), and to each province (its covered vehicles there, summed over the campaigns).
    /// Versions grow with every vehicle added and every region or listing learned.
    /// </summary>
    private Task ReportAsync()
    {
        var current = state.State;
        var version = current.Vins.Count + current.Revision;
        var reports = new List<Task>();
        var byProvince = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (campaignId, subscription) in current.Subscriptions)
        {
            var counters = new SortedDictionary<string, long>(StringComparer.Ordinal) { [CounterNames.RecallAffected] = subscription.AddedSince };
            foreach (var (province, count) in RegionsOf(current, subscription))
            {
                counters[RecallCounters.AffectedInPrefix + province] = count;
                byProvince[province] = byProvince.GetValueOrDefault(province) + count;
            }

            reports.Add(GrainFactory.GetGrain<ICounterRollupGrain>(RecallCounters.Scope(campaignId)).ReportAsync(
                new CounterContribution("batch:" + Batch, version, counters.ToImmutableSortedDictionary(StringComparer.Ordinal))));
        }

        foreach (var (province, count) in byProvince)
        {
            reports.Add(GrainFactory.GetGrain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(new CounterContribution(
                "recallBatch:" + Batch, version,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallAffected, count)]))));
        }

        return Task.WhenAll(reports);
    }

    /// <summary>The campaign's vehicles in this batch with a known region, counted by region.</summary>
    private static IEnumerable<KeyValuePair<string, long>> RegionsOf(FleetBatchState batch, BatchSubscription subscription)
    {
        IEnumerable<string> covered = subscription.ListedOnly ? subscription.Listed.Where(batch.Vins.Contains) : batch.Vins;
        return covered
            .Select(vin => batch.Regions.GetValueOrDefault(vin))
            .OfType<string>()
            .GroupBy(region => region, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, (long)g.Count()));
    }

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

    /// <summary>The region (selling dealer's province) of each delivered vehicle whose dealer is a registered station.</summary>
    public ImmutableSortedDictionary<string, string> Regions { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Changes other than added vehicles (regions, listings): with the vehicle count, the version of the batch's reports.</summary>
    public long Revision { get; init; }

    public ImmutableSortedDictionary<string, BatchSubscription> Subscriptions { get; init; } =
        ImmutableSortedDictionary.Create<string, BatchSubscription>(StringComparer.Ordinal);

    /// <summary>Repairs of the batch's vehicles still inside the repeat-fault window.</summary>
    public ImmutableArray<FaultOccurrence> Faults { get; init; } = [];

    /// <summary>Repairs recorded so far: the version of the batch's quality reports.</summary>
    public long RepairsRecorded { get; init; }
}

/// <summary>
/// A campaign's view of a batch. Covering the batch: vehicles covered when it subscribed, vehicles added since, and
/// the campaign's listed VINs (counted by the campaign itself). <paramref name="ListedOnly"/>: the campaign covers only
/// <paramref name="Listed"/>, the VINs of this batch it lists, followed for their regions.
/// </summary>
public sealed record BatchSubscription(long AtSubscription, long AddedSince, ImmutableSortedSet<string> Listed, bool ListedOnly = false);

/// <summary>What a fleet model persists (state_name 'fleetModel').</summary>
public sealed record FleetModelState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedSet<string> Batches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];
}
