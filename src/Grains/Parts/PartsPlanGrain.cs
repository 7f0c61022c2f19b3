using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AfterSales.Grains.Parts;

/// <summary>
/// The monthly parts demand cycle (seed 000 §5.5): stations submit their plan for a month until its deadline day
/// (business calendar); customer service reads the aggregate as the procurement list, per part and per region
/// (the submitting station's province).
/// </summary>
public sealed partial class PartsPlanGrain(
    [PersistentState("partsPlan", GrainStorage.Name)] IPersistentState<PartsPlanState> state,
    IOptions<PartsOptions> options,
    IOptions<VehicleOptions> calendar,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<PartsPlanGrain> logger) : Grain, IPartsPlanGrain
{
    private DateOnly FirstDay => DateOnly.ParseExact(this.GetPrimaryKeyString() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private DateOnly SubmitBy => FirstDay.AddDays(options.Value.PlanDeadlineDay - 1);

    public async Task<Outcome<StationPartsPlan>> SubmitAsync(string stationCode, IReadOnlyList<PartQuantity> lines, string? idempotencyKey)
    {
        var current = state.State;
        var fingerprint = RequestFingerprint.Of(nameof(SubmitAsync), (stationCode, lines));
        if (idempotencyKey is not null && current.Keys.TryGetValue(idempotencyKey, out var remembered))
        {
            return remembered.Fingerprint == fingerprint && current.Plans.TryGetValue(stationCode, out var plan) && plan.SubmittedAt == remembered.At
                ? Outcome<StationPartsPlan>.Ok(plan)
                : Refusal.Conflict($"Idempotency-Key '{idempotencyKey}' was already used for a different plan submission.");
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(calendar.Value.BusinessUtcOffset).DateTime);
        if (today > SubmitBy)
        {
            return Refusal.Conflict(
                $"Plans for {this.GetPrimaryKeyString()} were accepted until {SubmitBy:yyyy-MM-dd} (day {options.Value.PlanDeadlineDay} of the month); today is {today:yyyy-MM-dd}. Submit it with next month's plan.");
        }

        var station = await GrainFactory.Grain<IServiceStationGrain>(stationCode).GetAsync();
        if (station.Refusal is { } unknown)
        {
            return unknown with { Detail = $"Station {stationCode}: {unknown.Detail}" };
        }

        var merged = lines.GroupBy(l => l.PartNo, StringComparer.Ordinal).Select(g => new PartQuantity(g.Key, g.Sum(l => l.Quantity))).OrderBy(l => l.PartNo, StringComparer.Ordinal).ToList();
        var submitted = new StationPartsPlan(this.GetPrimaryKeyString(), stationCode, station.Value!.Province, merged, now);
        var next = current with { Plans = current.Plans.SetItem(stationCode, submitted) };
        if (idempotencyKey is not null)
        {
            next = next with { Keys = next.Keys.SetItem(idempotencyKey, new RememberedPlan(fingerprint, now)) };
        }

        await state.WriteOrRestoreAsync(next, this, logger, $"Parts plan {this.GetPrimaryKeyString()}");

        return Outcome<StationPartsPlan>.Ok(submitted);
    }

    public Task<ProcurementList> GetAsync()
    {
        var lines = state.State.Plans.Values
            .SelectMany(p => p.Lines.Select(l => (p.Region, l.PartNo, l.Quantity)))
            .GroupBy(x => x.PartNo, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ProcurementLine(g.Key, g.Sum(x => x.Quantity),
                g.GroupBy(x => x.Region, StringComparer.Ordinal).ToImmutableSortedDictionary(r => r.Key, r => r.Sum(x => x.Quantity), StringComparer.Ordinal)))
            .ToList();
        return Task.FromResult(new ProcurementList(this.GetPrimaryKeyString(), SubmitBy, state.State.Plans.Count, lines));
    }
}

/// <summary>What a month's parts plan persists (state_name 'partsPlan').</summary>
public sealed record PartsPlanState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<string, StationPartsPlan> Plans { get; init; } =
        ImmutableSortedDictionary.Create<string, StationPartsPlan>(StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, RememberedPlan> Keys { get; init; } = ImmutableSortedDictionary.Create<string, RememberedPlan>(StringComparer.Ordinal);
}

public sealed record RememberedPlan(string Fingerprint, DateTimeOffset At);
