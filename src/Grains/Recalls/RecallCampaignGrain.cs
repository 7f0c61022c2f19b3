using System.Collections.Immutable;
using AfterSales.Domain.Recalls;
using AfterSales.Grains.Common;
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
    ILogger<RecallCampaignGrain> logger) : Grain, IRecallCampaignGrain, IRemindable
{
    private const string ResolveReminder = "listed-regions";

    /// <summary>Listed vehicles asked at once, and between two writes of the progress.</summary>
    private const int ResolveChunk = 64;

    private IGrainTimer? _resolveTimer;

    private string CampaignId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (!PendingListed(state.State).IsEmpty)
        {
            StartResolving();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation started the timer when VINs were pending; with none left, the reminder is no longer needed.
        return PendingListed(state.State).IsEmpty ? StopResolvingAsync() : Task.CompletedTask;
    }

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
                return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Recall campaign {CampaignId} is already open with a different definition; campaigns are not redefined — open a new one.");
            }

            if (current.Open)
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

        // Each covered batch with what it is covered for: the whole batch when the campaign names it, else the
        // campaign's models it holds.
        var batches = definition.Batches.ToDictionary(b => b, ImmutableSortedSet<string>? (_) => null, StringComparer.Ordinal);
        foreach (var model in definition.Models)
        {
            foreach (var batch in await GrainFactory.Grain<IFleetModelGrain>(model).SubscribeAsync(definition))
            {
                batches[batch] = batches.TryGetValue(batch, out var models)
                    ? models?.Add(model)
                    : ImmutableSortedSet.Create(StringComparer.Ordinal, model);
            }
        }

        var coveredAtOpening = await Task.WhenAll(batches.Select(b =>
            GrainFactory.Grain<IFleetBatchGrain>(b.Key).SubscribeAsync(CampaignId, definition.Vins, b.Value)));
        await GrainFactory.Grain<IRecallRegistryGrain>(RecallRegistry.Key).AddAsync(definition);
        await WriteAsync(state.State with { Open = true, AffectedAtOpening = coveredAtOpening.Sum() + definition.Vins.Count, PendingListed = definition.Vins });
        await KeepResolvingAsync();
        return Outcome<RecallView>.Created(await ViewAsync());
    }

    public async Task<int> ResolveListedRegionsAsync()
    {
        var pending = PendingListed(state.State);
        while (!pending.IsEmpty)
        {
            var chunk = pending.Take(ResolveChunk).ToList();
            await Task.WhenAll(chunk.Select(vin => GrainFactory.Grain<Interfaces.Vehicles.IVehicleGrain>(vin).JoinListedRecallAsync(CampaignId)));
            pending = pending.Except(chunk);
            await WriteAsync(state.State with { PendingListed = pending });
        }

        await StopResolvingAsync();
        return 0;
    }

    /// <summary>Listed VINs not yet asked to tell their batch (all of them for a campaign opened before this was kept).</summary>
    private static ImmutableSortedSet<string> PendingListed(RecallState s) =>
        !s.Open ? ImmutableSortedSet<string>.Empty : s.PendingListed ?? s.Definition!.Vins;

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
        if (!state.State.Open)
        {
            return Refusal.NotFound(ProblemCodes.NotFound, $"No recall campaign {CampaignId} is open.");
        }

        return Outcome<RecallView>.Ok(await ViewAsync());
    }

    private async Task<RecallView> ViewAsync()
    {
        var counters = await GrainFactory.Grain<ICounterRollupGrain>(RecallCounters.Scope(CampaignId)).GetCountersAsync();
        var s = state.State;
        var affected = s.AffectedAtOpening + counters[CounterNames.RecallAffected];
        var completed = counters[CounterNames.RecallCompleted];
        var byProvince = RecallProgressByRegion.Of(counters.Counters, affected);
        return new RecallView(CampaignId, s.Description, s.Remedy, [.. s.Definition!.Models], [.. s.Definition.Batches], s.Definition.Vins.Count,
            s.OpenedAt, affected, completed, affected == 0 ? 0 : Math.Round((double)completed / affected, 4), byProvince, PendingListed(s).Count);
    }

    private Task WriteAsync(RecallState next) =>
        state.WriteOrRestoreAsync(next, this, logger, $"Recall campaign {CampaignId}");

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

    /// <summary>Listed VINs whose vehicles have not yet been asked to tell their batch; null for a campaign stored before this was kept.</summary>
    public ImmutableSortedSet<string>? PendingListed { get; init; }
}
