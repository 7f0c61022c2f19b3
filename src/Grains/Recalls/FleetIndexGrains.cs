using System.Collections.Immutable;
using System.Text.Json.Serialization;
using AfterSales.Domain.Quality;
using AfterSales.Grains.Common;
using AfterSales.Grains.Quality;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using AfterSales.Interfaces.Reports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// The registered vehicles of one batch, counted by model and by region, and the campaigns subscribed to it. The
/// batch keeps counts, not its VINs: each vehicle is a row of grain_rows (kind <see cref="FleetBatchState.MemberKind"/>,
/// written with the change that added or moved it), read by key when that vehicle is heard of again, so adding a
/// vehicle costs the same in a batch of 50,000 as in a new one. Adding a VIN is idempotent; each campaign hears, as the
/// batch's whole contribution, how many vehicles arrived after it subscribed and how many of its covered vehicles each
/// region holds.
/// </summary>
[Reentrant]
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class FleetBatchGrain(
    [PersistentState("fleetBatch", GrainStorage.Name)] IPersistentState<FleetBatchState> state,
    IGrainRowReader rows,
    IOptions<QualityOptions> quality,
    ILogger<FleetBatchGrain> logger) : Grain, IFleetBatchGrain
{
    private const string StateName = "fleetBatch";

    private readonly QualityOptions _quality = quality.Value;

    // Every change goes through this queue, one at a time (the grain is reentrant only so that requests can join it):
    // vehicles waiting together are added with one read of their rows and one write, so a production line
    // registering into one batch, or a bulk load of it, is not one round trip per vehicle.
    private readonly Queue<Work> _queue = new();
    private bool _draining;

    private string Batch => this.GetPrimaryKeyString();

    public Task AddAsync(FleetEntry entry) => Enqueue(new Work(entry, null, null));

    public async Task<long> SubscribeAsync(string campaignId, ImmutableSortedSet<string> listedVins, ImmutableSortedSet<string>? models, ImmutableArray<RecallCriterion> dated)
    {
        var subscription = new PendingSubscription(campaignId, listedVins, new BatchCoverage(models, dated.IsDefault ? [] : dated));
        await Enqueue(new Work(null, subscription, null));
        return subscription.AtSubscription;
    }

    public async Task UnsubscribeAsync(string campaignId)
    {
        var subscription = new PendingSubscription(campaignId, [], BatchCoverage.None) { Unsubscribe = true };
        await Enqueue(new Work(null, subscription, null));
    }

    public Task RecordRepairAsync(FleetRepair repair) => Enqueue(new Work(null, null, repair));

    private Task Enqueue(Work work)
    {
        _queue.Enqueue(work);
        if (!_draining)
        {
            _draining = true;
            _ = DrainAsync();
        }

        return work.Done.Task;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (_queue.Count > 0)
            {
                // Vehicles waiting in a row are added together; anything else runs on its own, in order.
                var adds = new List<Work>();
                while (_queue.Count > 0 && _queue.Peek().Entry is not null)
                {
                    adds.Add(_queue.Dequeue());
                }

                var run = adds.Count > 0 ? adds : [_queue.Dequeue()];
                try
                {
                    if (adds.Count > 0)
                    {
                        await AddAllAsync([.. adds.Select(a => a.Entry!)]);
                    }
                    else if (run[0].Subscription is { } subscription)
                    {
                        subscription.AtSubscription = subscription.Unsubscribe
                            ? await UnsubscribeNowAsync(subscription.CampaignId)
                            : await SubscribeNowAsync(subscription.CampaignId, subscription.ListedVins, subscription.Coverage);
                    }
                    else
                    {
                        await RecordRepairNowAsync(run[0].Repair!);
                    }

                    run.ForEach(w => w.Done.TrySetResult());
                }
                catch (Exception ex)
                {
                    run.ForEach(w => w.Done.TrySetException(ex));
                }
            }
        }
        finally
        {
            _draining = false;
        }
    }

    private async Task RecordRepairNowAsync(FleetRepair repair)
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

    /// <summary>
    /// Adds (or updates) the vehicles of <paramref name="entries"/>: one read of their rows, one write. A vehicle's
    /// first entry is taken as a new member without reading its row (a bulk load's vehicles arrive one or two per
    /// batch at a time, so that read was a round trip per vehicle); its row is written as one that must not exist yet.
    /// If it did (the entry was delivered again after a crash), nothing of that write is applied and the entries are
    /// added again, every row read.
    /// </summary>
    private async Task AddAllAsync(IReadOnlyList<FleetEntry> entries)
    {
        if (!entries.Any(e => e.First) || !await TryAddAllAsync(entries, trustFirst: true))
        {
            await TryAddAllAsync(entries, trustFirst: false);
        }

        // Reported even when nothing changed: the caller may be retrying after a report failed.
        await ReportAsync();
    }

    /// <returns>False when a first entry's vehicle was a member already (only with <paramref name="trustFirst"/>).</returns>
    private async Task<bool> TryAddAllAsync(IReadOnlyList<FleetEntry> entries, bool trustFirst)
    {
        var current = state.State;
        var assumedNew = trustFirst ? entries.Where(e => e.First).Select(e => e.Vin).ToHashSet(StringComparer.Ordinal) : [];
        var toRead = entries.Select(e => e.Vin).Where(v => !assumedNew.Contains(v)).Distinct(StringComparer.Ordinal).ToArray();
        var known = new Dictionary<string, FleetMember>(
            toRead.Length == 0 ? [] : await rows.ReadManyAsync<FleetMember>(StateName, Batch, FleetBatchState.MemberKind, toRead),
            StringComparer.Ordinal);
        var changed = new SortedDictionary<string, FleetMember>(StringComparer.Ordinal);
        var next = current;
        foreach (var entry in entries)
        {
            var before = next;
            (next, var member) = await AddOneAsync(next, entry, known);
            known[entry.Vin] = member;
            if (!ReferenceEquals(next, before))
            {
                changed[entry.Vin] = member;
            }
        }

        if (ReferenceEquals(next, current))
        {
            return true;
        }

        var written = next with
        {
            NewRowsMembers = [.. changed.Select(c => new TypedRow<FleetMember>(FleetBatchState.MemberKind, c.Key, c.Value) { Unique = assumedNew.Contains(c.Key) ? true : null })],
        };
        if (assumedNew.Count == 0)
        {
            await WriteAsync(written);
            return true;
        }

        if (!await state.TryWriteNewRowsAsync(written, this, logger, $"Fleet batch {Batch}"))
        {
            LogMemberAlready(logger, Batch);
            return false;
        }

        state.State = state.State.Written();
        return true;
    }

    /// <summary>
    /// What adding one vehicle makes of <paramref name="current"/>. <paramref name="members"/>: the vehicles of the batch
    /// known so far, from their rows or added earlier in the same write.
    /// </summary>
    private async Task<(FleetBatchState Next, FleetMember Member)> AddOneAsync(FleetBatchState current, FleetEntry entry, IReadOnlyDictionary<string, FleetMember> members)
    {
        var vin = entry.Vin;
        var next = current;
        FleetMember member;
        if (members.GetValueOrDefault(vin) is not { } known)
        {
            if (!next.Models.ContainsKey(entry.Model))
            {
                // The first vehicle of a model in this batch: the model's campaigns cover its vehicles here from now on.
                var campaigns = await GrainFactory.Grain<IFleetModelGrain>(entry.Model).AddBatchAsync(Batch);
                next = await FollowAsync(next, entry.Model, campaigns, members);
            }

            member = new FleetMember(entry.Model, entry.Region, entry.ProductionDate);
            next = FleetCounts.Add(next, vin, member);
        }
        else
        {
            // A vehicle's model never changes; its region is learned once it is delivered.
            member = known;
            if (entry.Region is { } region && known.Region != region)
            {
                member = known with { Region = region, Produced = known.Produced ?? entry.ProductionDate };
                next = FleetCounts.Move(next, vin, known, member);
            }
        }

        // A campaign covering the vehicle that this batch does not follow lists the VIN: follow it for that VIN.
        foreach (var campaignId in entry.Campaigns)
        {
            if (!next.Subscriptions.TryGetValue(campaignId, out var held))
            {
                var listed = new BatchSubscription(0, 0, ImmutableSortedSet.Create(StringComparer.Ordinal, vin), ListedOnly: true)
                {
                    ListedHere = FleetCounts.NoMembers.Add(vin, member),
                };
                next = next with { Subscriptions = next.Subscriptions.Add(campaignId, listed), Revision = next.Revision + 1 };
            }
            else if (held.ListedOnly && !held.Listed.Contains(vin))
            {
                var listed = held with { Listed = held.Listed.Add(vin), ListedHere = held.ListedHere.SetItem(vin, member) };
                next = next with { Subscriptions = next.Subscriptions.SetItem(campaignId, listed), Revision = next.Revision + 1 };
            }
        }

        return (next, member);
    }

    private async Task<long> SubscribeNowAsync(string campaignId, ImmutableSortedSet<string> listedVins, BatchCoverage coverage)
    {
        var current = state.State;
        BatchSubscription subscription;
        if (!current.Subscriptions.TryGetValue(campaignId, out var held) || held.ListedOnly)
        {
            // A campaign followed so far for its listed VINs only (a vehicle told us first) now covers the batch.
            var listedHere = await MembersAsync(listedVins, NoPending);
            subscription = new BatchSubscription(0, 0, listedVins, Models: coverage.Models) { ListedHere = listedHere, Dated = coverage.Dated };
            subscription = subscription with { AtSubscription = FleetCounts.CountedByModel(current, subscription, coverage) };
        }
        else if (!held.Coverage.Includes(coverage))
        {
            // A retried opening that found more of the campaign's models here (or the batch itself named): the vehicles
            // it covers now and did not before are covered from the opening.
            var widened = held.Coverage.Union(coverage);
            var added = FleetCounts.CountedByModel(current, held, widened) - FleetCounts.CountedByModel(current, held, held.Coverage);
            subscription = held with { Models = widened.Models, Dated = widened.Dated, AtSubscription = held.AtSubscription + added };
        }
        else
        {
            return held.AtSubscription;
        }

        await WriteAsync(current with { Subscriptions = current.Subscriptions.SetItem(campaignId, subscription), Revision = current.Revision + 1 });
        await ReportAsync();
        return subscription.AtSubscription;
    }

    /// <summary>Drops a closed campaign and reports the batch's contributions without it.</summary>
    private async Task<long> UnsubscribeNowAsync(string campaignId)
    {
        var current = state.State;
        if (current.Subscriptions.ContainsKey(campaignId))
        {
            await WriteAsync(current with { Subscriptions = current.Subscriptions.Remove(campaignId), Revision = current.Revision + 1 });
        }

        // Reported even when nothing changed: the caller may be retrying after a report failed.
        await ReportAsync(afterUnsubscribe: true);
        return 0;
    }

    private static readonly IReadOnlyDictionary<string, FleetMember> NoPending = new Dictionary<string, FleetMember>(StringComparer.Ordinal);

    /// <summary>
    /// Those of <paramref name="vins"/> that are vehicles of this batch, with their model and region: from
    /// <paramref name="known"/> (read or added in the write being prepared), else from their rows.
    /// </summary>
    private async Task<ImmutableSortedDictionary<string, FleetMember>> MembersAsync(IReadOnlyCollection<string> vins, IReadOnlyDictionary<string, FleetMember> known)
    {
        var found = vins.Where(known.ContainsKey).ToImmutableSortedDictionary(v => v, v => known[v], StringComparer.Ordinal);
        var unknown = vins.Where(v => !known.ContainsKey(v)).ToList();
        return unknown.Count == 0 ? found
            : found.SetItems(await rows.ReadManyAsync<FleetMember>(StateName, Batch, FleetBatchState.MemberKind, unknown));
    }

    /// <summary>
    /// Follows the campaigns over <paramref name="model"/> for the model's vehicles here; a campaign followed only for
    /// listed VINs, or for other models, now covers this one too. (A campaign that also names the batch widens its
    /// subscription to the whole batch when it subscribes, which counts the other models' vehicles already here.)
    /// </summary>
    private async Task<FleetBatchState> FollowAsync(FleetBatchState batch, string model, ImmutableArray<RecallDefinition> campaigns, IReadOnlyDictionary<string, FleetMember> known)
    {
        var subscriptions = batch.Subscriptions;
        foreach (var campaign in campaigns)
        {
            var coverage = RecallScopes.ForModel(campaign, model);
            if (!subscriptions.TryGetValue(campaign.CampaignId, out var held))
            {
                subscriptions = subscriptions.Add(campaign.CampaignId,
                    new BatchSubscription(0, 0, campaign.Vins, Models: coverage.Models) { ListedHere = await MembersAsync(campaign.Vins, known), Dated = coverage.Dated });
            }
            else if (held.ListedOnly)
            {
                // The newly listed VINs that are already here are covered as listed from now on.
                var newlyListed = await MembersAsync(campaign.Vins.Except(held.Listed), known);
                subscriptions = subscriptions.SetItem(campaign.CampaignId, held with
                {
                    ListedOnly = false,
                    Listed = held.Listed.Union(campaign.Vins),
                    Models = coverage.Models,
                    Dated = coverage.Dated,
                    ListedHere = held.ListedHere.SetItems(newlyListed),
                });
            }
            else if (!held.Coverage.Includes(coverage))
            {
                // No vehicle of this model is here yet, so widening covers no vehicle from before.
                var widened = held.Coverage.Union(coverage);
                subscriptions = subscriptions.SetItem(campaign.CampaignId, held with { Models = widened.Models, Dated = widened.Dated });
            }
        }

        return ReferenceEquals(subscriptions, batch.Subscriptions) ? batch : batch with { Subscriptions = subscriptions, Revision = batch.Revision + 1 };
    }

    /// <summary>
    /// The batch's whole contribution to each campaign it follows (vehicles registered since the subscription, and the
    /// covered vehicles by region), and to each province (its covered vehicles there, summed over the campaigns).
    /// Versions grow with every vehicle added and every region or listing learned.
    /// </summary>
    private Task ReportAsync(bool afterUnsubscribe = false)
    {
        var current = state.State;
        var version = current.VehicleCount + current.Revision;
        var reports = new List<Task>();
        var byProvince = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (campaignId, subscription) in current.Subscriptions)
        {
            var counters = new SortedDictionary<string, long>(StringComparer.Ordinal) { [CounterNames.RecallAffected] = subscription.AddedSince };
            foreach (var (province, count) in FleetCounts.ByRegion(current, subscription))
            {
                counters[RecallCounters.AffectedInPrefix + province] = count;
                byProvince[province] = byProvince.GetValueOrDefault(province) + count;
            }

            reports.Add(GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(campaignId)).ReportAsync(
                new CounterContribution("batch:" + Batch, version, counters.ToImmutableSortedDictionary(StringComparer.Ordinal))));
        }

        // After a campaign left, every province the batch has vehicles in hears from it, 0 where no campaign covers them
        // any more: a closed campaign's vehicles leave the province's recall view (a province not told keeps the older count).
        // Only then: a vehicle added never uncovers a province, and this keeps bulk loading free of extra roll-up writes.
        if (afterUnsubscribe)
        {
            foreach (var province in current.Regions.Values.SelectMany(r => r.Keys)
                .Concat(current.Produced.Values.SelectMany(d => d.Values).SelectMany(r => r.Keys)).Where(p => p.Length > 0))
            {
                byProvince.TryAdd(province, 0);
            }
        }

        foreach (var (province, count) in byProvince)
        {
            reports.Add(GrainFactory.Grain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(new CounterContribution(
                "recallBatch:" + Batch, version,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallAffected, count)]))));
        }

        return Task.WhenAll(reports);
    }

    private async Task WriteAsync(FleetBatchState next)
    {
        await state.WriteOrRestoreAsync(next, this, logger, $"Fleet batch {Batch}");
        state.State = state.State.Written();
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Fleet batch {Batch}: a vehicle's first entry came again (redelivered); added again reading its row")]
    private static partial void LogMemberAlready(ILogger logger, string batch);
}

/// <summary>A change waiting in a batch's queue: a vehicle to add, a campaign to subscribe, or a repair to record.</summary>
internal sealed record Work(FleetEntry? Entry, PendingSubscription? Subscription, FleetRepair? Repair)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A subscription waiting in the queue, and (once made) how many vehicles it covered.</summary>
internal sealed class PendingSubscription(string campaignId, ImmutableSortedSet<string> listedVins, BatchCoverage coverage)
{
    public string CampaignId { get; } = campaignId;

    public ImmutableSortedSet<string> ListedVins { get; } = listedVins;

    public BatchCoverage Coverage { get; } = coverage;

    /// <summary>Drops the campaign instead (it closed).</summary>
    public bool Unsubscribe { get; init; }

    public long AtSubscription { get; set; }
}

/// <summary>
/// The batch's counting, a pure function of its state: what adding or moving one vehicle changes, and what a
/// subscription covers, from the counts by model and region and the subscription's listed vehicles here.
/// </summary>
public static class FleetCounts
{
    public static readonly ImmutableSortedDictionary<string, FleetMember> NoMembers = ImmutableSortedDictionary.Create<string, FleetMember>(StringComparer.Ordinal);

    /// <summary>A vehicle new to the batch: counted by model (and region), after each subscription that counts it.</summary>
    public static FleetBatchState Add(FleetBatchState batch, string vin, FleetMember member)
    {
        var subscriptions = batch.Subscriptions.ToImmutableSortedDictionary(
            s => s.Key,
            s => s.Value.Listed.Contains(vin)
                ? s.Value with { ListedHere = s.Value.ListedHere.SetItem(vin, member) }
                : Counts(s.Value, member) ? s.Value with { AddedSince = s.Value.AddedSince + 1 } : s.Value,
            StringComparer.Ordinal);
        return batch with
        {
            Models = batch.Models.SetItem(member.Model, batch.Models.GetValueOrDefault(member.Model) + 1),
            Regions = member.Region is { } region ? Bump(batch.Regions, member.Model, region, +1) : batch.Regions,
            Produced = BumpProduced(batch.Produced, member, +1),
            Subscriptions = subscriptions,
        };
    }

    /// <summary>A vehicle of the batch whose region was learned (or changed).</summary>
    public static FleetBatchState Move(FleetBatchState batch, string vin, FleetMember from, FleetMember to)
    {
        var regions = from.Region is { } old ? Bump(batch.Regions, from.Model, old, -1) : batch.Regions;
        regions = to.Region is { } region ? Bump(regions, to.Model, region, +1) : regions;
        // A member stored before production dates were kept is not in the dated counts: it enters them once its date is known.
        var produced = BumpProduced(from.Produced is null ? batch.Produced : BumpProduced(batch.Produced, from, -1), to, +1);
        var subscriptions = batch.Subscriptions.ToImmutableSortedDictionary(
            s => s.Key,
            s => s.Value.ListedHere.ContainsKey(vin) ? s.Value with { ListedHere = s.Value.ListedHere.SetItem(vin, to) } : s.Value,
            StringComparer.Ordinal);
        return batch with { Regions = regions, Produced = produced, Subscriptions = subscriptions, Revision = batch.Revision + 1 };
    }

    /// <summary>
    /// The vehicles of the batch a subscription counts itself when it covers <paramref name="coverage"/>: those of the
    /// wholly covered models, and of the others those produced inside a dated criterion's range, less its listed
    /// vehicles among them (the campaign counts those).
    /// </summary>
    public static long CountedByModel(FleetBatchState batch, BatchSubscription subscription, BatchCoverage coverage) =>
        batch.Models.Sum(m => coverage.CoversModel(m.Key) ? m.Value : Dated(batch, m.Key, coverage).Sum(d => d.Value.Values.Sum()))
        - subscription.ListedHere.Values.Count(m => coverage.Covers(m.Model, m.Produced));

    /// <summary>The dated counts of <paramref name="model"/> (production date → region or "" → vehicles) inside a dated criterion of the coverage.</summary>
    private static IEnumerable<KeyValuePair<string, ImmutableSortedDictionary<string, long>>> Dated(FleetBatchState batch, string model, BatchCoverage coverage) =>
        coverage.Dated.IsEmpty || batch.Produced.GetValueOrDefault(model) is not { } byDate
            ? []
            : byDate.Where(d => coverage.Covers(model, DateOnly.ParseExact(d.Key, DateFormat, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The key format of production dates in <see cref="FleetBatchState.Produced"/>.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    private static ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>> BumpProduced(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>> produced, FleetMember member, long by)
    {
        if (member.Produced is not { } date)
        {
            return produced;
        }

        var key = date.ToString(DateFormat, System.Globalization.CultureInfo.InvariantCulture);
        var ofModel = produced.GetValueOrDefault(member.Model) ?? ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, long>>(StringComparer.Ordinal);
        var ofDate = ofModel.GetValueOrDefault(key) ?? ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);
        var region = member.Region ?? "";
        var count = ofDate.GetValueOrDefault(region) + by;
        ofDate = count == 0 ? ofDate.Remove(region) : ofDate.SetItem(region, count);
        ofModel = ofDate.IsEmpty ? ofModel.Remove(key) : ofModel.SetItem(key, ofDate);
        return ofModel.IsEmpty ? produced.Remove(member.Model) : produced.SetItem(member.Model, ofModel);
    }

    /// <summary>The campaign's vehicles in this batch (covered by model or listed) with a known region, counted by region.</summary>
    public static IEnumerable<KeyValuePair<string, long>> ByRegion(FleetBatchState batch, BatchSubscription subscription)
    {
        var byRegion = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (!subscription.ListedOnly)
        {
            var coverage = subscription.Coverage;
            foreach (var (model, regions) in batch.Regions)
            {
                if (coverage.CoversModel(model))
                {
                    foreach (var (region, count) in regions)
                    {
                        byRegion[region] = byRegion.GetValueOrDefault(region) + count;
                    }
                }
            }

            foreach (var model in batch.Models.Keys.Where(m => !coverage.CoversModel(m)))
            {
                foreach (var (_, regions) in Dated(batch, model, coverage))
                {
                    foreach (var (region, count) in regions.Where(r => r.Key.Length > 0))
                    {
                        byRegion[region] = byRegion.GetValueOrDefault(region) + count;
                    }
                }
            }
        }

        // Listed vehicles the subscription does not cover otherwise are covered for being listed.
        foreach (var member in subscription.ListedHere.Values)
        {
            if (member.Region is { } region && (subscription.ListedOnly || !Counts(subscription, member)))
            {
                byRegion[region] = byRegion.GetValueOrDefault(region) + 1;
            }
        }

        return byRegion.Where(r => r.Value > 0);
    }

    /// <summary>Whether a subscription counts a vehicle (by its model and production date) that it does not list.</summary>
    private static bool Counts(BatchSubscription subscription, FleetMember member) =>
        !subscription.ListedOnly && subscription.Coverage.Covers(member.Model, member.Produced);

    private static ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>> Bump(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>> regions, string model, string region, long by)
    {
        var ofModel = regions.GetValueOrDefault(model) ?? ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);
        var count = ofModel.GetValueOrDefault(region) + by;
        ofModel = count == 0 ? ofModel.Remove(region) : ofModel.SetItem(region, count);
        return ofModel.IsEmpty ? regions.Remove(model) : regions.SetItem(model, ofModel);
    }
}

/// <summary>The batches of one model and the campaigns covering the model.</summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
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

    public async Task UnsubscribeAsync(string campaignId)
    {
        if (state.State.Campaigns.Any(c => c.CampaignId == campaignId))
        {
            await WriteAsync(state.State with { Campaigns = state.State.Campaigns.RemoveAll(c => c.CampaignId == campaignId) });
        }

        // Every time, so a retry after a failed call reaches the batches it missed (they drop a campaign idempotently).
        await Task.WhenAll(state.State.Batches.Select(b => GrainFactory.Grain<IFleetBatchGrain>(b).UnsubscribeAsync(campaignId)));
    }

    private Task WriteAsync(FleetModelState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Fleet model {Model}");
}

/// <summary>What a fleet batch persists (state_name 'fleetBatch'): counts, not VINs (those are rows, see <see cref="MemberKind"/>).</summary>
public sealed record FleetBatchState
{
    /// <summary>The grain_rows kind of the batch's vehicles: key the VIN, body its <see cref="FleetMember"/>.</summary>
    public const string MemberKind = "vin";

    public int SchemaVersion { get; init; } = 2;

    /// <summary>The batch's vehicles by model.</summary>
    public ImmutableSortedDictionary<string, long> Models { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>The delivered vehicles whose selling dealer is a registered station, by model, then by that dealer's province.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>> Regions { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, long>>(StringComparer.Ordinal);

    /// <summary>
    /// The batch's vehicles with a known production date, by model, then production date (<see cref="FleetCounts.DateFormat"/>),
    /// then region ("" until delivered): what campaigns with a production-date range count from.
    /// </summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>> Produced { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>>(StringComparer.Ordinal);

    /// <summary>Changes other than added vehicles (regions, listings): with the vehicle count, the version of the batch's reports.</summary>
    public long Revision { get; init; }

    public ImmutableSortedDictionary<string, BatchSubscription> Subscriptions { get; init; } =
        ImmutableSortedDictionary.Create<string, BatchSubscription>(StringComparer.Ordinal);

    /// <summary>Repairs of the batch's vehicles still inside the repeat-fault window.</summary>
    public ImmutableArray<FaultOccurrence> Faults { get; init; } = [];

    /// <summary>Repairs recorded so far: the version of the batch's quality reports.</summary>
    public long RepairsRecorded { get; init; }

    /// <summary>The vehicle rows this write adds or changes (taken out of the stored document by the write).</summary>
    public ImmutableArray<TypedRow<FleetMember>>? NewRowsMembers { get; init; }

    [JsonIgnore]
    public long VehicleCount => Models.Values.Sum();

    public FleetBatchState Written() => NewRowsMembers is null ? this : this with { NewRowsMembers = null };
}

/// <summary>A vehicle of a batch, as its row holds it: its model, its region once delivered, and its production date (null in a row stored before it was kept).</summary>
public sealed record FleetMember(string Model, string? Region, DateOnly? Produced = null);

/// <summary>
/// A campaign's view of a batch. Covering the batch: vehicles covered when it subscribed, vehicles added since, and
/// the campaign's listed VINs (counted by the campaign itself). <paramref name="Models"/>: null when the campaign covers
/// the whole batch, else only its vehicles of these models. <paramref name="ListedOnly"/>: the campaign covers only
/// <paramref name="Listed"/>, the VINs of this batch it lists, followed for their regions.
/// </summary>
public sealed record BatchSubscription(
    long AtSubscription, long AddedSince, ImmutableSortedSet<string> Listed, bool ListedOnly = false, ImmutableSortedSet<string>? Models = null)
{
    /// <summary>The listed VINs that are vehicles of this batch, with their model and region.</summary>
    public ImmutableSortedDictionary<string, FleetMember> ListedHere { get; init; } = FleetCounts.NoMembers;

    /// <summary>The campaign's criteria with a production-date range reaching this batch (beyond <see cref="Models"/>).</summary>
    public ImmutableArray<RecallCriterion> Dated { get; init; } = [];

    /// <summary>What the subscription covers besides its listed VINs.</summary>
    [JsonIgnore]
    public BatchCoverage Coverage => new(Models, Dated.IsDefault ? [] : Dated);
}

/// <summary>What a fleet model persists (state_name 'fleetModel').</summary>
public sealed record FleetModelState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedSet<string> Batches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public ImmutableArray<RecallDefinition> Campaigns { get; init; } = [];
}
