using System.Text.Json.Serialization;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Parts;

/// <summary>
/// One shipment from a depot to a station (key the shipment id <c>{depot}-S{n}</c>): its shipment notice with the detail
/// list (配件发运通知单 / 明细表, seed 000 §5.5.2), issued by the depot when it ships, and the receiving station's
/// receipt inspection (seed 001 §5.4.3). Only inspected, accepted parts become the station's usable stock.
/// </summary>
[Alias("AfterSales.IShipmentGrain")]
[Version(1)]
public interface IShipmentGrain : IGrainWithStringKey
{
    /// <summary>The depot issues the notice (from its outbox); issuing the same notice again changes nothing.</summary>
    [Alias("Issue")]
    Task<Outcome<ShipmentView>> IssueAsync(ShipmentNotice notice);

    /// <summary>
    /// The receiving station's inspection: per part accepted + rejected = shipped (else 400); a second inspection is a
    /// conflict. Accepted parts go into the station's stock and confirm the reservation's arrival; rejected ones are
    /// asked of the depot again for the same work order.
    /// </summary>
    [Alias("Inspect")]
    Task<Outcome<ShipmentView>> InspectAsync(IReadOnlyList<InspectionLine> lines, string inspectedBy, string? idempotencyKey);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<ShipmentView>> GetAsync();
}

/// <summary>
/// A station's side of parts (key station code): the shipments addressed to it, newest first, and its stock of
/// inspected parts (accepted usable, rejected recorded). Kept by the shipments; idempotent per shipment.
/// </summary>
[Alias("AfterSales.IStationPartsGrain")]
[Version(1)]
public interface IStationPartsGrain : IGrainWithStringKey
{
    /// <summary>A shipment addressed to the station, as it is now; the first inspected copy takes its accepted parts into stock (once).</summary>
    [Alias("Record")]
    Task RecordAsync(ShipmentView shipment);

    /// <summary>Up to <paramref name="limit"/> shipments after the position <paramref name="after"/> (or from the newest).</summary>
    [Alias("GetShipments"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<StationShipmentsPage>> GetShipmentsAsync(int limit, string? after);

    [Alias("GetStock"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<StationPartsStock>> GetStockAsync();
}

/// <summary>A line of a shipment's detail list (明细表): which reservation, part and quantity, for which work order.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ShipmentLine")]
public sealed record class ShipmentLine(
    [property: Id(0)] string ReservationId, [property: Id(1)] string PartNo, [property: Id(2)] int Quantity, [property: Id(3)] bool Warranty,
    [property: Id(4)] string WorkOrderId);

/// <summary>The shipment notice (配件发运通知单) a depot issues when it ships, with its detail lines.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ShipmentNotice")]
public sealed record class ShipmentNotice(
    [property: Id(0)] string Id, [property: Id(1)] string DepotCode, [property: Id(2)] string DepotName, [property: Id(3)] string StationCode,
    [property: Id(4)] DateTimeOffset ShippedAt, [property: Id(5)] IReadOnlyList<ShipmentLine> Lines)
{
    /// <summary>
    /// An inter-depot transfer: the depot the shipment goes to (which receives it into its stock); the station is the
    /// one whose work order it serves. Null: the shipment goes to the station.
    /// </summary>
    [Id(6)] public string? ToDepot { get; init; }
}

/// <summary>What the station counted for one part: accepted into stock, rejected (and why).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.InspectionLine")]
public sealed record class InspectionLine(
    [property: Id(0)] string PartNo, [property: Id(1)] int Accepted, [property: Id(2)] int Rejected, [property: Id(3)] string? Reason);

/// <summary>A shipment's receipt inspection at the station.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ShipmentInspection")]
public sealed record class ShipmentInspection(
    [property: Id(0)] DateTimeOffset InspectedAt, [property: Id(1)] string InspectedBy, [property: Id(2)] IReadOnlyList<InspectionLine> Lines);

/// <summary>
/// A shipment: its notice, <c>state</c> "inTransit" until the station inspects it, then "inspected" with the
/// inspection; an inter-depot transfer (<see cref="ToDepot"/>) is "received" once that depot took it into its stock.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.ShipmentView")]
public sealed record class ShipmentView(
    [property: Id(0)] string Id, [property: Id(1)] string DepotCode, [property: Id(2)] string DepotName, [property: Id(3)] string StationCode,
    [property: Id(4)] DateTimeOffset ShippedAt, [property: Id(5)] IReadOnlyList<ShipmentLine> Lines, [property: Id(6)] string State,
    [property: Id(7)] ShipmentInspection? Inspection)
{
    /// <summary>An inter-depot transfer: the depot it goes to (null: the station).</summary>
    [Id(8)] public string? ToDepot { get; init; }

    /// <summary>An inter-depot transfer: when the depot received it.</summary>
    [Id(9)] public DateTimeOffset? ReceivedAt { get; init; }
}

/// <summary>
/// One page of a station's shipments, newest first. From the grain, <see cref="NextCursor"/> is the position the page
/// ended at, null on the last page; the HTTP layer makes it the opaque cursor.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationShipmentsPage")]
public sealed record class StationShipmentsPage(
    [property: Id(0)] IReadOnlyList<ShipmentView> Items,
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>A station's stock of one part from inspected shipments: accepted (usable) and rejected (recorded, not usable).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationPartStock")]
public sealed record class StationPartStock([property: Id(0)] string PartNo, [property: Id(1)] int Accepted, [property: Id(2)] int Rejected);

/// <summary>A station's parts stock from its inspected shipments, by part number.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationPartsStock")]
public sealed record class StationPartsStock(
    [property: Id(0)] string StationCode, [property: Id(1)] IReadOnlyList<StationPartStock> Parts, [property: Id(2)] int ShipmentsInspected);

/// <summary>The positions a page of a station's shipments ends at (the text inside the opaque cursor).</summary>
public static class StationShipments
{
    /// <summary>The list position of a shipment: its ship time (UTC ticks, fixed width) then its id, so the order is newest first by time, ties by id.</summary>
    public static string Position(DateTimeOffset shippedAt, string shipmentId) =>
        shippedAt.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "|" + shipmentId;

    /// <summary>Whether <paramref name="position"/> has the form of <see cref="Position"/>.</summary>
    public static bool IsPosition(string position) =>
        position.Length is > 20 and <= 80 && position[19] == '|' && position.AsSpan(0, 19).ContainsAnyExcept("0123456789") is false
        && position.AsSpan(20).ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") is false;
}

/// <summary>
/// A station's urgent parts order (服务商配件急件订单, seed 000 §5.3.5), key its id: sourced automatically when placed —
/// the nearest depot with the part available within reach, else a transfer from the nearest depot that has it, else
/// the month's procurement list with a back-order at the station's nearest depot — and kept with how it was sourced.
/// </summary>
[Alias("AfterSales.IUrgentOrderGrain")]
[Version(1)]
public interface IUrgentOrderGrain : IGrainWithStringKey
{
    /// <summary>Places and sources the order; a retry with the same key replays it (the order as it is now).</summary>
    [Alias("Place")]
    Task<Outcome<UrgentOrderView>> PlaceAsync(PlaceUrgentOrder command, string? idempotencyKey);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<UrgentOrderView>> GetAsync();
}

[GenerateSerializer, Immutable, Alias("AfterSales.PlaceUrgentOrder")]
public sealed record class PlaceUrgentOrder(
    [property: Id(0)] string StationCode, [property: Id(1)] string PartNo, [property: Id(2)] int Quantity, [property: Id(3)] string WorkOrderId);

/// <summary>
/// An urgent order and how it was sourced: <c>route</c> "nearestDepot" | "transfer" | "procurement", the source depot
/// and its distance, the station's nearest depot (the transfer's destination, the procurement's back-order depot), the
/// reservation made for it, and <c>state</c> "sourcing" (the reservation is being made), "sourced" or "refused".
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.UrgentOrderView")]
public sealed record class UrgentOrderView(
    [property: Id(0)] string Id, [property: Id(1)] string StationCode, [property: Id(2)] string PartNo, [property: Id(3)] int Quantity,
    [property: Id(4)] string WorkOrderId, [property: Id(5)] DateTimeOffset PlacedAt, [property: Id(6)] string Route,
    [property: Id(7)] string? SourceDepot, [property: Id(8)] double? SourceDistanceKm, [property: Id(9)] string? HomeDepot,
    [property: Id(10)] double? HomeDistanceKm, [property: Id(11)] string? ProcurementMonth, [property: Id(12)] string? ReservationDepot,
    [property: Id(13)] string? ReservationId, [property: Id(14)] string? ReservationState, [property: Id(15)] string State,
    [property: Id(16)] string? Reason)
{
    /// <summary>A transfer: the reservation for the work order at the station's nearest depot, served by the transfer.</summary>
    [Id(17)] public string? HomeReservationId { get; init; }

    /// <summary>
    /// Each leg of the order as it is now (read from the depots and shipments): a transfer's "transfer" leg (source
    /// depot → home depot: queued | reserved → shipped → received) and "delivery" leg (home depot → station:
    /// awaitingTransfer → allocated → shipped → arrived); a single "delivery" leg otherwise (a back-order: queued until
    /// stock arrives).
    /// </summary>
    [Id(18)] public IReadOnlyList<UrgentOrderLeg>? Legs { get; init; }
}

/// <summary>One leg of an urgent order: from a depot to a depot (transfer) or to the station (delivery), its reservation, state and shipment.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.UrgentOrderLeg")]
public sealed record class UrgentOrderLeg(
    [property: Id(0)] string Kind, [property: Id(1)] string FromDepot, [property: Id(2)] string To, [property: Id(3)] string? ReservationId,
    [property: Id(4)] string State, [property: Id(5)] string? ShipmentId);
