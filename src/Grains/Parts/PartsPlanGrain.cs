using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// The monthly parts demand cycle (seed 000 §5.5): stations submit their plan for a month until its deadline day
/// (business calendar); customer service reads the aggregate as the procurement list, per part and per region
/// (the submitting station's province). The pipeline every command-handling grain runs: a known idempotency key is
/// replayed (keys are rows of grain_rows, kept for the policy's window however many there are), the submission is
/// decided by <see cref="PartsPlanDecisions"/>, and the plan and its key are written in one statement before the reply.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class PartsPlanGrain(
    [PersistentState("partsPlan", GrainStorage.Name)] IPersistentState<PartsPlanState> state,
    IOptions<PartsOptions> options,
    IOptions<VehicleOptions> calendar,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IGrainRowReader rows,
    ILogger<PartsPlanGrain> logger) : Grain, IPartsPlanGrain
{
    private IdempotencyKeys<RememberedPlan>? _keys;

    private string Month => this.GetPrimaryKeyString();

    private IdempotencyKeys<RememberedPlan> Keys => _keys ??= new(rows, "partsPlan", Month, options.Value.IdempotencyWindow, time, state.RecordExists);

    public async Task<Outcome<StationPartsPlan>> SubmitAsync(string stationCode, IReadOnlyList<PartQuantity> lines, string? idempotencyKey)
    {
        var fingerprint = RequestFingerprint.Of(nameof(SubmitAsync), (stationCode, lines));
        if (idempotencyKey is not null && await Keys.FindAsync(idempotencyKey) is { } remembered)
        {
            return PartsPlanDecisions.Replay(remembered, fingerprint);
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(calendar.Value.BusinessUtcOffset).DateTime);
        if (PartsPlanDecisions.CanSubmit(Month, options.Value.PlanDeadlineDay, today) is { } late)
        {
            return late;
        }

        var station = await GrainFactory.Grain<IServiceStationGrain>(stationCode).GetAsync();
        if (station.Refusal is { } unknown)
        {
            return unknown with { Detail = $"Station {stationCode}: {unknown.Detail}" };
        }

        var next = PartsPlanDecisions.Submit(state.State, Month, stationCode, station.Value!.Province, lines, now, idempotencyKey, fingerprint, out var submitted);
        await state.WriteOrRestoreAsync(next, this, logger, $"Parts plan {Month}", written => written.Written());
        Keys.Written(next.NewRows);
        return Outcome<StationPartsPlan>.Ok(submitted);
    }

    public async Task AddUrgentAsync(string orderId, string region, PartQuantity line)
    {
        if (state.State.Urgent.ContainsKey(orderId))
        {
            return;
        }

        var next = state.State with { Urgent = state.State.Urgent.SetItem(orderId, new UrgentProcurement(region, line.PartNo, line.Quantity)) };
        await state.WriteOrRestoreAsync(next, this, logger, $"Parts plan {Month}", written => written.Written());
    }

    public Task<ProcurementList> GetAsync() =>
        Task.FromResult(PartsPlanDecisions.ToProcurementList(state.State, Month, PartsPlanDecisions.SubmitBy(Month, options.Value.PlanDeadlineDay)));
}

/// <summary>What a month's parts plan persists (state_name 'partsPlan'). Its idempotency keys are rows of grain_rows.</summary>
public sealed record PartsPlanState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<string, StationPartsPlan> Plans { get; init; } =
        ImmutableSortedDictionary.Create<string, StationPartsPlan>(StringComparer.Ordinal);

    /// <summary>Urgent orders no depot could serve, by order id (issue 21: procurement on the month's list).</summary>
    public ImmutableSortedDictionary<string, UrgentProcurement> Urgent { get; init; } =
        ImmutableSortedDictionary.Create<string, UrgentProcurement>(StringComparer.Ordinal);

    /// <summary>The idempotency key written with this submission (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<RememberedPlan>>? NewRows { get; init; }

    public PartsPlanState Written() => NewRows is null ? this : this with { NewRows = null };
}

/// <summary>
/// An idempotency key, the fingerprint of its request and the plan it answered with. The plan is null only for a key
/// carried over by migration 0011 from a document whose plan the station had replaced since: a retry of it is refused.
/// </summary>
public sealed record RememberedPlan(string Key, string Fingerprint, DateTimeOffset At, StationPartsPlan? Plan) : IRememberedReply;

/// <summary>An urgent order's part and quantity on the month's procurement list, with the ordering station's region.</summary>
public sealed record UrgentProcurement(string Region, string PartNo, int Quantity);
