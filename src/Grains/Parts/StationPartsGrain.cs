using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Parts;

/// <summary>
/// A station's side of parts: the shipments addressed to it (rows of grain_rows, one per shipment, keyed by their list
/// position, replaced as the shipment changes) and its stock of inspected parts. A shipment is told to it from the
/// shipment's outbox, perhaps more than once: an inspected copy takes its quantities into stock only if the row it
/// replaces was not inspected yet, decided and written in one statement, so each inspection counts exactly once.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class StationPartsGrain(
    [PersistentState("stationParts", GrainStorage.Name)] IPersistentState<StationPartsState> state,
    IGrainRowReader rows,
    ILogger<StationPartsGrain> logger) : Grain, IStationPartsGrain
{
    public const string ShipmentKind = "shipment";

    private string Code => this.GetPrimaryKeyString();

    public async Task RecordAsync(ShipmentView shipment)
    {
        var position = StationShipments.Position(shipment.ShippedAt, shipment.Id);
        var listed = await rows.ReadOneAsync<ShipmentView>("stationParts", Code, ShipmentKind, position);
        var next = StationPartsDecisions.Record(state.State, listed, shipment, position);
        if (next is not null)
        {
            await state.WriteOrRestoreAsync(next, this, logger, $"Station parts {Code}", written => written.Written());
        }
    }

    public async Task<Outcome<StationShipmentsPage>> GetShipmentsAsync(int limit, string? after)
    {
        if (await UnknownStationAsync() is { } unknown)
        {
            return unknown;
        }

        var page = await rows.ReadPageAsync<ShipmentView>("stationParts", Code, ShipmentKind, after, limit + 1);
        var items = page.Take(limit).ToList();
        return Outcome<StationShipmentsPage>.Ok(new StationShipmentsPage([.. items.Select(i => i.Value)], page.Count > limit ? items[^1].Key : null));
    }

    public async Task<Outcome<StationPartsStock>> GetStockAsync() =>
        await UnknownStationAsync() is { } unknown
            ? unknown
            : Outcome<StationPartsStock>.Ok(new StationPartsStock(Code,
                [.. state.State.Stock.Select(p => new StationPartStock(p.Key, p.Value.Accepted, p.Value.Rejected))], state.State.ShipmentsInspected));

    /// <summary>A station with nothing shipped to it yet is asked whether it exists (a 404 for a code nobody registered).</summary>
    private async Task<Refusal?> UnknownStationAsync()
    {
        if (state.RecordExists)
        {
            return null;
        }

        var station = await GrainFactory.Grain<IServiceStationGrain>(Code).GetAsync();
        return station.Refusal;
    }
}

/// <summary>The station's parts decisions (pure).</summary>
public static class StationPartsDecisions
{
    /// <summary>
    /// The state that records <paramref name="shipment"/> over the row <paramref name="listed"/> (null: not listed yet),
    /// or null when there is nothing to write: the row is as new already (inspected, or both in transit). Only the
    /// first inspected copy adds the accepted and rejected quantities to the stock.
    /// </summary>
    public static StationPartsState? Record(StationPartsState current, ShipmentView? listed, ShipmentView shipment, string position)
    {
        if (listed is not null && (listed.Inspection is not null || shipment.Inspection is null))
        {
            return null;
        }

        var next = current with { NewRows = [new TypedRow<ShipmentView>(StationPartsGrain.ShipmentKind, position, shipment)] };
        if (shipment.Inspection is not { } inspection)
        {
            return next;
        }

        var stock = current.Stock;
        foreach (var line in inspection.Lines)
        {
            var held = stock.GetValueOrDefault(line.PartNo) ?? new StationPartLevels(0, 0);
            stock = stock.SetItem(line.PartNo, new StationPartLevels(held.Accepted + line.Accepted, held.Rejected + line.Rejected));
        }

        return next with { Stock = stock, ShipmentsInspected = current.ShipmentsInspected + 1 };
    }
}

/// <summary>What a station's parts side persists (state_name 'stationParts'); its shipments are rows of grain_rows.</summary>
public sealed record StationPartsState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Per part number, what inspections accepted (usable) and rejected.</summary>
    public ImmutableSortedDictionary<string, StationPartLevels> Stock { get; init; } =
        ImmutableSortedDictionary.Create<string, StationPartLevels>(StringComparer.Ordinal);

    public int ShipmentsInspected { get; init; }

    /// <summary>The shipment row written with this change (grain_rows, not the document); null once written.</summary>
    public ImmutableArray<TypedRow<ShipmentView>>? NewRows { get; init; }

    public StationPartsState Written() => NewRows is null ? this : this with { NewRows = null };
}

/// <summary>A station's quantities of one part from inspections.</summary>
public sealed record StationPartLevels(int Accepted, int Rejected);
