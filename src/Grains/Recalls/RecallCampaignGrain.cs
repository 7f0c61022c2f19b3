using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
using AfterSales.Grains.Network;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Recalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Recalls;

/// <summary>
/// A recall campaign. Opening it costs one call per covered model and batch, never one per vehicle: it subscribes
/// the fleet index (which counts the vehicles covered then, and reports those registered later) and adds itself to
/// the registry the vehicles consult. Completions arrive as events from the completing stations into the
/// campaign's counter roll-up, so the progress answer is live and costs the same for 10 or 500,000 vehicles.
/// Listed VINs are not known to any batch the campaign subscribes: after the opening is acknowledged, a timer (kept
/// going by a reminder across restarts) asks each listed vehicle to tell its batch, so the split by region counts it.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class RecallCampaignGrain(
    [PersistentState("recall", GrainStorage.Name)] IPersistentState<RecallState> state,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    Microsoft.Extensions.Options.IOptions<RecallOptions> options,
    ILogger<RecallCampaignGrain> logger) : Grain, IRecallCampaignGrain, IRemindable, IOutboxOwner, IIncomingGrainCallFilter
{
    private const string StateName = "recall";

    /// <summary>Who closes a campaign that reached 100 % completion.</summary>
    public const string SystemActor = "system";

    private DurableState<RecallState>? _durable;

    private DurableState<RecallState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Recall campaign");

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    private const string ResolveReminder = "listed-regions";

    /// <summary>Listed vehicles asked at once, and between two writes of the progress.</summary>
    private const int ResolveChunk = 64;

    private IGrainTimer? _resolveTimer;

    /// <summary>Keeps a campaign at 100 % checked once its settling time is over (a timer, and a reminder across restarts).</summary>
    private const string SettleReminder = "complete-settle";

    private DeadlineClock? _settleClock;

    private DeadlineClock SettleClock => _settleClock ??= new(this, time, SettleReminder, TimeSpan.FromMinutes(1),
        this.AsReference<IRecallCampaignGrain>().CheckCompletionAsync, ex => LogSettleCheckFailed(logger, ex, CampaignId), ex => LogSettleReminderFailed(logger, ex, CampaignId));

    private string CampaignId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (!PendingListed(state.State).IsEmpty)
        {
            StartResolving();
        }

        Durable.ResumePending();
        if (state.State is { Open: true, Closed: false, CompleteSince: { } since })
        {
            // This activation's timer (a settling time already over fires at once); the reminder outlives activations.
            await SettleClock.ArmAsync(since + options.Value.CloseWhenCompleteAfter);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _settleClock?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == SettleReminder)
        {
            return CheckCompletionAsync();
        }

        // Activation started the timer when VINs were pending; with none left, the reminder is no longer needed.
        return PendingListed(state.State).IsEmpty ? StopResolvingAsync() : Task.CompletedTask;
    }

    public async Task<Outcome<RecallView>> OpenAsync(OpenRecall command)
    {
        var criteria = command.Criteria.IsDefault ? [] : command.Criteria;
        var (scope, errors) = RecallScope.Parse(command.Models, command.Batches, command.Vins,
            criteria.Select(c => c is null ? null : new ScopeCriterionInput(c.Model, c.Batch, c.ProducedFrom, c.ProducedTo)));
        if (scope is null)
        {
            return Refusal.Invalid(errors);
        }

        var definition = new RecallDefinition(CampaignId, scope.Models, scope.Batches, scope.Vins) { Criteria = [.. scope.Criteria.Select(RecallScopes.ToWire)] };
        var current = state.State;
        if (current.Definition is { } held)
        {
            var same = held.Models.SetEquals(definition.Models) && held.Batches.SetEquals(definition.Batches) && held.Vins.SetEquals(definition.Vins)
                && RecallScopes.Criteria(held).ToHashSet().SetEquals(definition.Criteria)
                && current.Description == command.Description && current.Remedy == command.Remedy;
            if (!same)
            {
                return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Recall campaign {CampaignId} is already open with a different definition; campaigns are not redefined — open a new one.");
            }

            if (current.Open || current.Closed)
            {
                await KeepResolvingAsync();
                return Outcome<RecallView>.Created(await ViewAsync());
            }
        }
        else
        {
            // Stored first, so a concurrent different definition is refused and a retry after a failure below
            // finishes the same opening (every step after this one is idempotent).
            await WriteAsync(current with { Definition = definition, Description = command.Description, Remedy = command.Remedy, OpenedAt = time.GetUtcNow() });
        }

        // Each covered batch with what it is covered for: the whole batch, the campaign's models it holds, and the
        // criteria with a production-date range that reach it (by naming it, or its model).
        var batches = new Dictionary<string, BatchCoverage>(RecallScopes.NamedBatches(definition), StringComparer.Ordinal);
        foreach (var model in RecallScopes.ModelsFollowed(definition))
        {
            var coverage = RecallScopes.ForModel(definition, model);
            foreach (var batch in await GrainFactory.Grain<IFleetModelGrain>(model).SubscribeAsync(definition))
            {
                batches[batch] = batches.TryGetValue(batch, out var named) ? named.Union(coverage) : coverage;
            }
        }

        var coveredAtOpening = await Task.WhenAll(batches.Select(b =>
            GrainFactory.Grain<IFleetBatchGrain>(b.Key).SubscribeAsync(CampaignId, definition.Vins, b.Value.Models, b.Value.Dated)));
        await GrainFactory.Grain<IRecallRegistryGrain>(RecallRegistry.Key).AddAsync(definition);
        await WriteAsync(state.State with
        {
            Open = true,
            AffectedAtOpening = coveredAtOpening.Sum() + definition.Vins.Count,
            PendingListed = definition.Vins,
            NamedBatches = [.. batches.Keys.Where(b => RecallScopes.NamedBatches(definition).ContainsKey(b))],
        });
        await KeepResolvingAsync();
        return Outcome<RecallView>.Created(await ViewAsync());
    }

    public async Task<int> ResolveListedRegionsAsync()
    {
        var pending = PendingListed(state.State);
        while (!pending.IsEmpty)
        {
            var chunk = pending.Take(ResolveChunk).ToList();
            var batches = await Task.WhenAll(chunk.Select(vin => GrainFactory.Grain<Interfaces.Vehicles.IVehicleGrain>(vin).JoinListedRecallAsync(CampaignId)));
            pending = pending.Except(chunk);
            var listedBatches = state.State.ListedBatches.Union(batches.OfType<string>());
            await WriteAsync(state.State with { PendingListed = pending, ListedBatches = listedBatches });
        }

        await StopResolvingAsync();
        return 0;
    }

    /// <summary>Listed VINs not yet asked to tell their batch (all of them for a campaign opened before this was kept).</summary>
    private static ImmutableSortedSet<string> PendingListed(RecallState s) =>
        !s.Open || s.Closed ? ImmutableSortedSet<string>.Empty : s.PendingListed ?? s.Definition!.Vins;

    /// <summary>The reminder outlives this activation; the timer does the work now.</summary>
    private async Task KeepResolvingAsync()
    {
        if (PendingListed(state.State).IsEmpty)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(ResolveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        StartResolving();
    }

    /// <summary>Works through the pending VINs now, and every 10 s after a failure, until none is left.</summary>
    private void StartResolving() => _resolveTimer ??= this.RegisterGrainTimer(
        static async (grain, _) => await grain.TryResolveAsync(),
        this,
        new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromSeconds(10)) { Interleave = false });

    private async Task TryResolveAsync()
    {
        try
        {
            await ResolveListedRegionsAsync();
        }
        catch (Exception ex)
        {
            LogResolveFailed(logger, ex, CampaignId);
        }
    }

    private async Task StopResolvingAsync()
    {
        _resolveTimer?.Dispose();
        _resolveTimer = null;
        if (await this.GetReminder(ResolveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<Outcome<RecallView>> GetAsync()
    {
        if (!state.State.Open && !state.State.Closed)
        {
            return Refusal.NotFound(ProblemCodes.NotFound, $"No recall campaign {CampaignId} is open.");
        }

        return Outcome<RecallView>.Ok(await ViewAsync());
    }

    public async Task<Outcome<RecallView>> CloseAsync(CloseRecall command, string? idempotencyKey)
    {
        var s = state.State;
        if (!s.Open && !s.Closed)
        {
            return Refusal.NotFound(ProblemCodes.NotFound, $"No recall campaign {CampaignId} is open.");
        }

        if (s.Closed)
        {
            return idempotencyKey is not null && s.CloseKey == idempotencyKey && s.ClosedBy == command.ClosedBy
                ? Outcome<RecallView>.Ok(await ViewAsync())
                : Refusal.Conflict(ProblemCodes.RecallClosed, $"Recall campaign {CampaignId} was already closed on {s.ClosedAt:O} by {s.ClosedBy} ({s.CloseReason}).");
        }

        var counters = await GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(CampaignId)).GetCountersAsync();
        await CloseNowAsync(command.Reason, command.ClosedBy, idempotencyKey, counters);
        return Outcome<RecallView>.Ok(await ViewAsync());
    }

    public async Task RecordCompletionAsync(CounterContribution contribution, string? province)
    {
        // In the campaign's turn, so a closing (same grain, one turn at a time) falls wholly before or after it.
        var scope = RecallCounters.Scope(CampaignId);
        if (state.State.Closed)
        {
            // The closing took back from each province what the campaign's roll-up had counted there: a completion it
            // counted whose province report failed (this is its retry) still owes the province that count; one it
            // did not count belongs to no live view any more.
            if (province is not null
                && await rows.ExistsAsync(CounterRollupGrain.StateName, scope, CounterRollupGrain.FinalSource, contribution.Source))
            {
                await ReportToProvinceAsync(contribution.Source, province);
            }

            return;
        }

        await GrainFactory.Grain<ICounterRollupGrain>(scope).ReportAsync(contribution);
        if (province is not null)
        {
            await ReportToProvinceAsync(contribution.Source, province);
        }

        await CheckCompletionAsync();
    }

    /// <summary>The completion on <paramref name="vin"/> in its province's recall completion (final, keyed by campaign and VIN: counted once).</summary>
    private Task ReportToProvinceAsync(string vin, string province) =>
        GrainFactory.Grain<ICounterRollupGrain>(RollupScopes.Province(province)).ReportAsync(new CounterContribution(
            $"{RecallCounters.Scope(CampaignId)}:{vin}", 1,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallCompleted, 1L)]), Final: true));

    public async Task CheckCompletionAsync()
    {
        var s = state.State;
        if (!s.Open || s.Closed || !PendingListed(s).IsEmpty)
        {
            if (s.Closed)
            {
                // A reminder left by a closing that stopped between its write and this: nothing to settle any more.
                await SettleClock.ArmAsync(null);
            }

            return;
        }

        var counters = await GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(CampaignId)).GetCountersAsync();
        var affected = s.AffectedAtOpening + counters[CounterNames.RecallAffected];
        var settle = options.Value.CloseWhenCompleteAfter;
        var (completeSince, close) = RecallClosing.Settle(s.CompleteSince, RecallClosing.IsComplete(affected, counters[CounterNames.RecallCompleted]), time.GetUtcNow(), settle);
        if (close)
        {
            await CloseNowAsync("Completed on every affected vehicle (100 %).", SystemActor, null, counters);
            return;
        }

        if (completeSince != s.CompleteSince)
        {
            if (completeSince is not null)
            {
                // The reminder first: a settling run written without it would, after a crash, wait for some other call
                // to wake the campaign. One left behind by a write that then failed finds it incomplete and goes.
                await SettleClock.RegisterReminderAsync();
            }

            await WriteAsync(state.State with { CompleteSince = completeSince });
        }

        await SettleClock.ArmAsync(completeSince + settle);
    }

    /// <summary>
    /// Writes the closing with what it owes in one write (crash-safe): the registry forgets the campaign (vehicles stop
    /// showing it), the fleet index drops it (the provinces' affected counts), and the provinces take back the
    /// completions counted for it. The progress at closing is frozen in the record.
    /// </summary>
    private async Task CloseNowAsync(string reason, string closedBy, string? key, CounterTotals counters)
    {
        var s = state.State;
        var frozen = RecallClosing.Frozen(s.AffectedAtOpening, counters);
        var next = s with
        {
            Closed = true,
            ClosedAt = time.GetUtcNow(),
            ClosedBy = closedBy,
            CloseReason = reason,
            CloseKey = key,
            PendingListed = [],
            AtClosing = frozen,
            CompleteSince = null,
        };
        await Durable.CommitAsync(next.Send(RecallClosing.Owed(CampaignId, s, counters)));
        await StopResolvingAsync();
        await SettleClock.ArmAsync(null);
        LogClosed(logger, CampaignId, closedBy, reason);
        await Durable.DeliverAsync();
    }

    public async Task<Outcome<RecallNotificationView>> RecordNotificationAsync(RecordRecallNotification command)
    {
        var s = state.State;
        if (!s.Open && !s.Closed)
        {
            return Refusal.NotFound(ProblemCodes.NotFound, $"No recall campaign {CampaignId} is open.");
        }

        var key = RecallNotices.Key(command.Vin, command.Channel, command.NotifiedOn);
        if (await rows.ReadOneAsync<RecallNotice>(StateName, CampaignId, RecallNotices.NoticeKind, key) is { } known)
        {
            return Outcome<RecallNotificationView>.Ok(RecallNotices.View(CampaignId, known, s.Notified));
        }

        if (s.Closed)
        {
            return Refusal.Conflict(ProblemCodes.RecallClosed, $"Recall campaign {CampaignId} is closed; its owner notifications are final.");
        }

        var vehicle = await GrainFactory.Grain<Interfaces.Vehicles.IVehicleGrain>(command.Vin).GetAsync();
        if (vehicle.Value is not { } v || !RecallScopes.Of(s.Definition!).Covers(v.Vin, v.Model, v.Batch, v.ProductionDate))
        {
            return Refusal.Conflict(ProblemCodes.VehicleNotInRecall, vehicle.Value is null
                ? $"Vehicle {command.Vin} is not registered, so it is not in recall campaign {CampaignId}."
                : $"Vehicle {command.Vin} ({vehicle.Value.Model}, batch {vehicle.Value.Batch}, produced {vehicle.Value.ProductionDate:yyyy-MM-dd}) is not in the scope of recall campaign {CampaignId}.");
        }

        var notice = new RecallNotice(command.Vin, command.Channel, command.NotifiedOn, command.RecordedBy, time.GetUtcNow(), v.Region);
        var first = await rows.ReadOneAsync<RecallNotice>(StateName, CampaignId, RecallNotices.VehicleKind, command.Vin) is null;
        var region = v.Region ?? RecallCounters.Unassigned;
        var next = RecallNotices.Record(s, notice, key, first, region);
        if (!await state.TryWriteNewRowsAsync(next, this, logger, $"Recall campaign {CampaignId}"))
        {
            // Recorded meanwhile by a concurrent request: answer with that one.
            var recorded = await rows.ReadOneAsync<RecallNotice>(StateName, CampaignId, RecallNotices.NoticeKind, key);
            return Outcome<RecallNotificationView>.Ok(RecallNotices.View(CampaignId, recorded ?? notice, state.State.Notified));
        }

        state.State = state.State.Written();
        return Outcome<RecallNotificationView>.Created(RecallNotices.View(CampaignId, notice, state.State.Notified));
    }

    private async Task<RecallView> ViewAsync()
    {
        var s = state.State;
        long affected, completed;
        IReadOnlyDictionary<string, RecallRegionProgress> byProvince;
        if (s.AtClosing is { } frozen)
        {
            (affected, completed, byProvince) = (frozen.Affected, frozen.Completed, frozen.ByProvince);
        }
        else
        {
            var counters = await GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(CampaignId)).GetCountersAsync();
            affected = s.AffectedAtOpening + counters[CounterNames.RecallAffected];
            completed = counters[CounterNames.RecallCompleted];
            byProvince = RecallProgressByRegion.Of(counters.Counters, affected);
        }

        return new RecallView(CampaignId, s.Description, s.Remedy, [.. s.Definition!.Models], [.. s.Definition.Batches], s.Definition.Vins.Count,
            s.OpenedAt, affected, completed, affected == 0 ? 0 : Math.Round((double)completed / affected, 4), byProvince, PendingListed(s).Count)
        {
            Criteria = RecallScopes.Criteria(s.Definition),
            Notified = s.Notified,
            NotifiedByProvince = s.NotifiedByRegion,
            Closed = s.Closed,
            ClosedAt = s.Closed ? s.ClosedAt : null,
            ClosedBy = s.ClosedBy,
            CloseReason = s.CloseReason,
            ClosesAt = !s.Closed && s.CompleteSince is { } since && RecallClosing.IsComplete(affected, completed)
                ? since + options.Value.CloseWhenCompleteAfter
                : null,
        };
    }

    private Task WriteAsync(RecallState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Recall campaign {CampaignId}");

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "Recall campaign {CampaignId}: checking its completion after settling failed; the reminder tries again")]
    private static partial void LogSettleCheckFailed(ILogger logger, Exception exception, string campaignId);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "Recall campaign {CampaignId}: its settling reminder could not be updated; the next check tries again")]
    private static partial void LogSettleReminderFailed(ILogger logger, Exception exception, string campaignId);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Information, Message = "Recall campaign {CampaignId} closed by {ClosedBy}: {Reason}")]
    private static partial void LogClosed(ILogger logger, string campaignId, string closedBy, string reason);

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Recall campaign {CampaignId}: telling the listed vehicles' batches failed; trying again")]
    private static partial void LogResolveFailed(ILogger logger, Exception exception, string campaignId);
}

/// <summary>
/// A campaign's progress by region from its roll-up's counters: <c>affected:{province}</c> from the batches,
/// <c>completed:{province}</c> from the vehicles; what no region accounts for is <see cref="RecallCounters.Unassigned"/>.
/// </summary>
public static class RecallProgressByRegion
{
    public static ImmutableSortedDictionary<string, RecallRegionProgress> Of(IReadOnlyDictionary<string, long> counters, long affected)
    {
        var regional = Prefixed(counters, RecallCounters.AffectedInPrefix);
        var completed = Prefixed(counters, RecallCounters.CompletedInPrefix);
        var unassigned = affected - regional.Values.Sum();
        if (unassigned > 0)
        {
            regional[RecallCounters.Unassigned] = unassigned;
        }

        return regional.Keys.Union(completed.Keys).ToImmutableSortedDictionary(
            region => region,
            region => RecallRegionProgress.Of(regional.GetValueOrDefault(region), completed.GetValueOrDefault(region)),
            StringComparer.Ordinal);
    }

    private static Dictionary<string, long> Prefixed(IReadOnlyDictionary<string, long> counters, string prefix) =>
        counters.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal) && c.Value != 0)
            .ToDictionary(c => c.Key[prefix.Length..], c => c.Value, StringComparer.Ordinal);
}

/// <summary>
/// Closing a campaign, as pure functions: when it is complete, what its record keeps, and what it owes the other grains.
/// </summary>
public static class RecallClosing
{
    /// <summary>100 % completion: every affected vehicle completed (a campaign covering none is not complete).</summary>
    public static bool IsComplete(long affected, long completed) => affected > 0 && completed >= affected;

    /// <summary>
    /// Whether a campaign closes itself now: only once it has been complete for <paramref name="settle"/> without a
    /// break (a vehicle counted late ends the run; complete again, it starts anew). Returns when the current run of
    /// completeness began (null: not complete) and whether to close.
    /// </summary>
    public static (DateTimeOffset? CompleteSince, bool Close) Settle(DateTimeOffset? completeSince, bool complete, DateTimeOffset now, TimeSpan settle) =>
        !complete ? (null, false)
        : completeSince is { } since ? (since, now >= since + settle)
        : (now, settle <= TimeSpan.Zero);

    public static RecallProgressAtClosing Frozen(long affectedAtOpening, CounterTotals counters)
    {
        var affected = affectedAtOpening + counters[CounterNames.RecallAffected];
        return new RecallProgressAtClosing(affected, counters[CounterNames.RecallCompleted], RecallProgressByRegion.Of(counters.Counters, affected));
    }

    /// <summary>
    /// The messages a closing owes: the registry forgets the campaign, the followed models and the named and listed
    /// batches drop it (a model passes it on to its batches), and each province takes back the completions it counted
    /// for the campaign (a final negative contribution, keyed by the campaign, so it counts once).
    /// </summary>
    public static IEnumerable<OutboxMessage> Owed(string campaignId, RecallState s, CounterTotals counters)
    {
        yield return new RecallRegistryRemoval(campaignId) { Id = "close:registry" };
        foreach (var model in RecallScopes.ModelsFollowed(s.Definition!))
        {
            yield return new RecallModelUnsubscription(model, campaignId) { Id = "close:model:" + model };
        }

        foreach (var batch in s.NamedBatches.Union(s.ListedBatches))
        {
            yield return new RecallBatchUnsubscription(batch, campaignId) { Id = "close:batch:" + batch };
        }

        foreach (var (key, completed) in counters.Counters)
        {
            if (key.StartsWith(RecallCounters.CompletedInPrefix, StringComparison.Ordinal) && completed != 0
                && key[RecallCounters.CompletedInPrefix.Length..] is var region && region != RecallCounters.Unassigned)
            {
                var back = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(CounterNames.RecallCompleted, -completed)]);
                yield return new RollupReport(RollupScopes.Province(region), new CounterContribution($"{RecallCounters.Scope(campaignId)}:closed", 1, back, Final: true))
                {
                    Id = "close:province:" + region,
                };
            }
        }
    }
}

/// <summary>Owner notifications of a campaign: rows of grain_rows, and the counts the campaign keeps.</summary>
public static class RecallNotices
{
    /// <summary>One row per notification: key <see cref="Key"/>.</summary>
    public const string NoticeKind = "notice";

    /// <summary>One row per notified vehicle (its first notification): key the VIN.</summary>
    public const string VehicleKind = "notifiedVin";

    public static string Key(string vin, NotificationChannel channel, DateOnly on) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{vin}/{channel}/{on:yyyy-MM-dd}");

    public static RecallState Record(RecallState s, RecallNotice notice, string key, bool firstForVehicle, string region)
    {
        var newRows = ImmutableArray.Create(new TypedRow<RecallNotice>(NoticeKind, key, notice));
        return !firstForVehicle
            ? s with { NewRowsNotices = newRows }
            : s with
            {
                NewRowsNotices = newRows.Add(new TypedRow<RecallNotice>(VehicleKind, notice.Vin, notice)),
                Notified = s.Notified + 1,
                NotifiedByRegion = s.NotifiedByRegion.SetItem(region, s.NotifiedByRegion.GetValueOrDefault(region) + 1),
            };
    }

    public static RecallNotificationView View(string campaignId, RecallNotice n, long notified) =>
        new(campaignId, n.Vin, n.Channel, n.NotifiedOn, n.RecordedBy, n.RecordedAt, notified);
}

/// <summary>An owner notification as its row holds it.</summary>
public sealed record RecallNotice(string Vin, NotificationChannel Channel, DateOnly NotifiedOn, string RecordedBy, DateTimeOffset RecordedAt, string? Region);

/// <summary>A closed campaign's progress, frozen when it closed.</summary>
public sealed record RecallProgressAtClosing(long Affected, long Completed, ImmutableSortedDictionary<string, RecallRegionProgress> ByProvince);

/// <summary>What a recall campaign persists (state_name 'recall').</summary>
public sealed record RecallState : IOutboxState<RecallState>
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

    /// <summary>Listed VINs whose vehicles have not yet been asked to tell their batch; null for a campaign stored before this was kept.</summary>
    public ImmutableSortedSet<string>? PendingListed { get; init; }

    /// <summary>The batches the campaign names (subscribed directly, not through a model).</summary>
    public ImmutableSortedSet<string> NamedBatches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>The batches of the listed vehicles reached so far (they follow the campaign for those VINs).</summary>
    public ImmutableSortedSet<string> ListedBatches { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Vehicles whose owner was notified at least once, and the same by the vehicle's region then.</summary>
    public long Notified { get; init; }

    public ImmutableSortedDictionary<string, long> NotifiedByRegion { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>Closed by an operator or at 100 % completion: out of the registry, the fleet index and the network view; kept ≥ 5 years.</summary>
    public bool Closed { get; init; }

    public DateTimeOffset ClosedAt { get; init; }

    public string? ClosedBy { get; init; }

    public string? CloseReason { get; init; }

    /// <summary>The Idempotency-Key the closing came with (a retry with it answers as the first time).</summary>
    public string? CloseKey { get; init; }

    /// <summary>Since when the open campaign has been at 100 % without a break (it closes itself once settled); null: it is not.</summary>
    public DateTimeOffset? CompleteSince { get; init; }

    /// <summary>The progress when it closed (what GET shows from then on).</summary>
    public RecallProgressAtClosing? AtClosing { get; init; }

    /// <summary>The notification rows this write adds (taken out of the stored document by the write).</summary>
    public ImmutableArray<TypedRow<RecallNotice>>? NewRowsNotices { get; init; }

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public long Revision { get; init; }

    public RecallState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public RecallState WithRevision(long revision) => this with { Revision = revision };

    public RecallState Written() => NewRowsNotices is null ? this : this with { NewRowsNotices = null };
}
