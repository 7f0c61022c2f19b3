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

        var monthEnd = new DateOnly(repair.Date.Year, repair.Date.Month, 1).AddMonths(1).AddDays(-1);
        var signal = RepeatFaults.SignalFor(state.State.Faults, repair.FaultCode, _quality.RepeatFaultWindowDays, _quality.RepeatFaultVehicles, upTo: monthEnd);
        var counters = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);
        if (signal is not null)
        {
            var name = QualityCounters.SignalPrefix + string.Join(QualityCounters.Separator, Batch, repair.Model, repair.FaultCode);
            counters = counters.Add(name, signal.Vehicles);
        }

        // The batch's whole contribution for this fault in the month of the repair; a later, smaller one replaces it.
        await GrainFactory.Grain<ICounterRollupGrain>(QualityCounters.Scope(repair.Date.Year, repair.Date.Month)).ReportAsync(
            new CounterContribution($"signal:{Batch}:{repair.FaultCode}", state.State.RepairsRecorded, counters));
    }

    public async Task AddAsync(FleetEntry entry)
    {
        var (vin, current) = (entry.Vin, state.State);
        var next = current;
        if (!next.Vins.Contains(vin))
        {
            if (!Holds(next, entry.Model))
            {
                // The first vehicle of a model in this batch: the model's campaigns cover its vehicles here from now on.
                var campaigns = await GrainFactory.Grain<IFleetModelGrain>(entry.Model).AddBatchAsync(Batch);
                next = Follow(next, entry.Model, campaigns);
            }

            next = next with
            {
                // The first vehicle names the batch's model; a vehicle of another model is remembered with its model.
                Model = next.Model ?? entry.Model,
                OtherModels = next.Model is null || next.Model == entry.Model ? next.OtherModels : next.OtherModels.Add(vin, entry.Model),
                Vins = next.Vins.Add(vin),
            };
            next = next with
            {
                Subscriptions = next.Subscriptions.ToImmutableSortedDictionary(
                    s => s.Key,
                    s => Counts(s.Value, vin, entry.Model) ? s.Value with { AddedSince = s.Value.AddedSince + 1 } : s.Value,
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

    public async Task<long> SubscribeAsync(string campaignId, ImmutableSortedSet<string> listedVins, ImmutableSortedSet<string>? models)
    {
        var current = state.State;
        if (!current.Subscriptions.TryGetValue(campaignId, out var subscription) || subscription.ListedOnly)
        {
            // A campaign followed so far for its listed VINs only (a vehicle told us first) now covers the batch.
            subscription = new BatchSubscription(0, 0, listedVins, Models: models);
            subscription = subscription with { AtSubscription = current.Vins.Count(v => Counts(subscription, v, ModelOf(current, v))) };
        }
        else if (TryWiden(subscription.Models, models, out var widened))
        {
            // A retried opening that found more of the campaign's models here (or the batch itself named): the vehicles
            // it covers now and did not before are covered from the opening.
            var wider = subscription with { Models = widened };
            var added = current.Vins.Count(v => Counts(wider, v, ModelOf(current, v)) && !Counts(subscription, v, ModelOf(current, v)));
            subscription = wider with { AtSubscription = subscription.AtSubscription + added };
        }
        else
        {
            return subscription.AtSubscription;
        }

        await WriteAsync(current with { Subscriptions = current.Subscriptions.SetItem(campaignId, subscription), Revision = current.Revision + 1 });
        await ReportAsync();
        return subscription.AtSubscription;
    }

    /// <summary>Whether the batch already holds a vehicle of <paramref name="model"/>.</summary>
    private static bool Holds(FleetBatchState batch, string model) =>
        batch.Model == model || batch.OtherModels.ContainsValue(model);

    private static string? ModelOf(FleetBatchState batch, string vin) => batch.OtherModels.GetValueOrDefault(vin) ?? batch.Model;

    /// <summary>Whether a subscription counts the vehicle (listed VINs are counted by the campaign itself).</summary>
    private static bool Counts(BatchSubscription subscription, string vin, string? model) =>
        !subscription.ListedOnly && !subscription.Listed.Contains(vin) && (subscription.Models is null || (model is not null && subscription.Models.Contains(model)));

    /// <summary>
    /// The union of two coverings by model (null: the whole batch); false when <paramref name="requested"/> covers
    /// nothing that <paramref name="held"/> does not.
    /// </summary>
    private static bool TryWiden(ImmutableSortedSet<string>? held, ImmutableSortedSet<string>? requested, out ImmutableSortedSet<string>? widened)
    {
        widened = requested is null ? null : held?.Union(requested);
        return held is not null && (requested is null || !requested.IsSubsetOf(held));
    }

    /// <summary>
    /// Follows the campaigns over <paramref name="model"/> for the model's vehicles here; a campaign followed only for
    /// listed VINs, or for other models, now covers this one too. (A campaign that also names the batch widens its
    /// subscription to the whole batch when it subscribes, which counts the other models' vehicles already here.)
    /// </summary>
    private static FleetBatchState Follow(FleetBatchState batch, string model, ImmutableArray<RecallDefinition> campaigns)
    {
        var subscriptions = batch.Subscriptions;
        var models = ImmutableSortedSet.Create(StringComparer.Ordinal, model);
        foreach (var campaign in campaigns)
        {
            if (!subscriptions.TryGetValue(campaign.CampaignId, out var held))
            {
                subscriptions = subscriptions.Add(campaign.CampaignId, new BatchSubscription(0, 0, campaign.Vins, Models: models));
            }
            else if (held.ListedOnly)
            {
                subscriptions = subscriptions.SetItem(campaign.CampaignId, held with { ListedOnly = false, Listed = held.Listed.Union(campaign.Vins), Models = models });
            }
            else if (TryWiden(held.Models, models, out var widened))
            {
                // No vehicle of this model is here yet, so widening covers no vehicle from before.
                subscriptions = subscriptions.SetItem(campaign.CampaignId, held with { Models = widened });
            }
        }

        return ReferenceEquals(subscriptions, batch.Subscriptions) ? batch : batch with { Subscriptions = subscriptions, Revision = batch.Revision + 1 };
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

            reports.Add(GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(campaignId)).ReportAsync(
                new CounterContribution("batch:" + Batch, version, counters.ToImmutableSortedDictionary(StringComparer.Ordinal))));
        }

        foreach (var (province, count) in byProvince)
        {
            reports.Add(GrainFactory.Grain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(new CounterContribution(
                "recallBatch:" + Batch, version,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallAffected, count)]))));
        }

        return Task.WhenAll(reports);
    }

    /// <summary>The campaign's vehicles in this batch (covered or listed) with a known region, counted by region.</summary>
    private static IEnumerable<KeyValuePair<string, long>> RegionsOf(FleetBatchState batch, BatchSubscription subscription)
    {
        var covered = batch.Vins.Where(v => subscription.Listed.Contains(v) || Counts(subscription, v, ModelOf(batch, v)));
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

    /// <summary>The model of the batch's first vehicle.</summary>
    public string? Model { get; init; }

    /// <summary>The vehicles of other models than <see cref="Model"/>, with their model (usually none).</summary>
    public ImmutableSortedDictionary<string, string> OtherModels { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

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
/// the campaign's listed VINs (counted by the campaign itself). <paramref name="Models"/>: null when the campaign covers
/// the whole batch, else only its vehicles of these models. <paramref name="ListedOnly"/>: the campaign covers only
/// <paramref name="Listed"/>, the VINs of this batch it lists, followed for their regions.
/// </summary>
public sealed record BatchSubscription(
    long AtSubscription, long AddedSince, ImmutableSortedSet<string> Listed, bool ListedOnly = false, ImmutableSortedSet<string>? Models = null);

/// <summary>What a fleet model persists (state_name 'fleetModel').</summary>
public sealed record FleetModelState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedSet<string> Batches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];
}
