using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Parts;

/// <summary>
/// One parts depot (配件库), keyed by depot code: stock per part and the reservations of stations' work orders.
/// Warranty (三包) repairs are served first when stock is short. After every change the depot pushes its available
/// stock to the availability index and its shortages to its province's roll-up.
/// </summary>
[Alias("AfterSales.IPartsDepotGrain")]
[Version(1)]
public interface IPartsDepotGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task<Outcome<DepotView>> RegisterAsync(DepotRegistration registration, string? idempotencyKey);

    /// <summary>Goods in; queued reservations are served as the stock arrives.</summary>
    [Alias("Receive")]
    Task<Outcome<IReadOnlyList<PartStockView>>> ReceiveAsync(IReadOnlyList<PartQuantity> lines, string? idempotencyKey);

    /// <summary>Supplier or transfer orders placed: counted as on order until received.</summary>
    [Alias("Order")]
    Task<Outcome<IReadOnlyList<PartStockView>>> OrderAsync(IReadOnlyList<PartQuantity> lines, string? idempotencyKey);

    [Alias("Reserve")]
    Task<Outcome<ReservationView>> ReserveAsync(ReserveParts command, string? idempotencyKey);

    /// <summary>Ships all (null) or some of an allocated reservation; more than it holds is a conflict.</summary>
    [Alias("Ship")]
    Task<Outcome<ReservationView>> ShipAsync(string reservationId, int? quantity, string? idempotencyKey);

    [Alias("Release")]
    Task<Outcome<ReservationView>> ReleaseAsync(string reservationId, string? idempotencyKey);

    /// <summary>The station confirms the shipped parts arrived; the waiting work order is told.</summary>
    [Alias("ConfirmArrival")]
    Task<Outcome<ReservationView>> ConfirmArrivalAsync(string reservationId, string? idempotencyKey);

    /// <summary>
    /// The depot-side receipt of an inter-depot transfer shipment addressed to this depot (from the shipment's outbox):
    /// its quantities go into on hand (out of on order) and the queue is served, warranty first; receiving the same
    /// shipment again changes nothing.
    /// </summary>
    [Alias("ReceiveTransfer")]
    Task<Outcome<IReadOnlyList<PartStockView>>> ReceiveTransferAsync(ShipmentNotice notice);

    [Alias("GetReservation"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<ReservationView>> GetReservationAsync(string reservationId);

    [Alias("GetStock"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<PartStockView>> GetStockAsync(string partNo);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<DepotView>> GetAsync();
}

/// <summary>Where one part is available (key: part number), kept current by the depots as their stock changes.</summary>
[Alias("AfterSales.IPartAvailabilityGrain")]
[Version(1)]
public interface IPartAvailabilityGrain : IGrainWithStringKey
{
    /// <summary>A depot's new available quantity; an older version than the one held is ignored.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(DepotAvailability availability);

    /// <summary>Depots with the part available, nearest first.</summary>
    [Alias("Find"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<PartAvailabilityView>> FindAsync(double latitude, double longitude, int limit);

    /// <summary>Every depot that knows the part (available or not), nearest first: where an urgent order may be sourced or back-ordered.</summary>
    [Alias("FindKnown"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<PartAvailabilityView>> FindKnownAsync(double latitude, double longitude, int limit);
}

/// <summary>
/// Every registered depot and where it is (key <c>national</c>; a few dozen depots), kept current by the depots from
/// their outbox: the station's nearest depot whatever it stocks (the back-order depot of a part nobody knows, the
/// destination of a transfer).
/// </summary>
[Alias("AfterSales.IDepotDirectoryGrain")]
[Version(1)]
public interface IDepotDirectoryGrain : IGrainWithStringKey
{
    /// <summary>A depot's registration; an older version than the one held is ignored.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(DepotLocation depot);

    /// <summary>The nearest depot in <paramref name="province"/>, else the nearest of all; null when none is registered.</summary>
    [Alias("Nearest"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<NearestDepot?> NearestAsync(double latitude, double longitude, string province);
}

/// <summary>The stations' parts demand plans for one month (key <c>yyyy-MM</c>) and their aggregate.</summary>
[Alias("AfterSales.IPartsPlanGrain")]
[Version(1)]
public interface IPartsPlanGrain : IGrainWithStringKey
{
    /// <summary>Replaces the station's plan for the month; after the deadline (the 10th, policy) it is a conflict.</summary>
    [Alias("Submit")]
    Task<Outcome<StationPartsPlan>> SubmitAsync(string stationCode, IReadOnlyList<PartQuantity> lines, string? idempotencyKey);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<ProcurementList> GetAsync();

    /// <summary>An urgent order no depot could serve goes on the month's procurement list (whatever the day); once per order id.</summary>
    [Alias("AddUrgent")]
    Task AddUrgentAsync(string orderId, string region, PartQuantity line);
}

[GenerateSerializer, Immutable, Alias("AfterSales.DepotRegistration")]
public sealed record class DepotRegistration(
    [property: Id(0)] string Name, [property: Id(1)] string Province, [property: Id(2)] double Latitude, [property: Id(3)] double Longitude);

[GenerateSerializer, Immutable, Alias("AfterSales.PartQuantity")]
public sealed record class PartQuantity([property: Id(0)] string PartNo, [property: Id(1)] int Quantity);

[GenerateSerializer, Immutable, Alias("AfterSales.ReserveParts")]
public sealed record class ReserveParts(
    [property: Id(0)] string PartNo, [property: Id(1)] int Quantity, [property: Id(2)] string StationCode, [property: Id(3)] string WorkOrderId,
    [property: Id(4)] bool Warranty, [property: Id(5)] bool Urgent)
{
    /// <summary>An inter-depot transfer: the parts go to this depot (which serves the work order), not to the station. Set by urgent orders only.</summary>
    [Id(6)] public string? ToDepot { get; init; }

    /// <summary>Set by urgent orders only: the parts come by transfer from this depot, so the quantity is on order here at once.</summary>
    [Id(7)] public string? TransferFrom { get; init; }
}

[GenerateSerializer, Immutable, Alias("AfterSales.PartStockView")]
public sealed record class PartStockView(
    [property: Id(0)] string PartNo, [property: Id(1)] int OnHand, [property: Id(2)] int Reserved, [property: Id(3)] int Available,
    [property: Id(4)] int OnOrder, [property: Id(5)] int Queued, [property: Id(6)] int ReorderPoint, [property: Id(7)] bool Short);

[GenerateSerializer, Immutable, Alias("AfterSales.ReservationView")]
public sealed record class ReservationView(
    [property: Id(0)] string Id, [property: Id(1)] string DepotCode, [property: Id(2)] string PartNo, [property: Id(3)] int Quantity,
    [property: Id(4)] string StationCode, [property: Id(5)] string WorkOrderId, [property: Id(6)] bool Warranty, [property: Id(7)] bool Urgent,
    [property: Id(8)] string State, [property: Id(9)] int Shipped, [property: Id(10)] bool Arrived)
{
    /// <summary>The shipment (notice) its last shipping opened (GET /api/shipments/{id}).</summary>
    [Id(11)] public string? ShipmentId { get; init; }

    /// <summary>An inter-depot transfer: the depot the parts go to (null: to the station).</summary>
    [Id(12)] public string? ToDepot { get; init; }
}

[GenerateSerializer, Immutable, Alias("AfterSales.DepotView")]
public sealed record class DepotView(
    [property: Id(0)] string Code, [property: Id(1)] string Name, [property: Id(2)] string Province, [property: Id(3)] double Latitude,
    [property: Id(4)] double Longitude, [property: Id(5)] IReadOnlyList<PartStockView> Stock, [property: Id(6)] int OpenReservations) : IVersionedView
{
    /// <summary>The version of the state this view was built from (the reply's ETag).</summary>
    [Id(7)] public long Revision { get; init; }
}

[GenerateSerializer, Immutable, Alias("AfterSales.DepotAvailability")]
public sealed record class DepotAvailability(
    [property: Id(0)] string DepotCode, [property: Id(1)] string Name, [property: Id(2)] string Province, [property: Id(3)] double Latitude,
    [property: Id(4)] double Longitude, [property: Id(5)] int Available, [property: Id(6)] long Version);

[GenerateSerializer, Immutable, Alias("AfterSales.PartAvailabilityView")]
public sealed record class PartAvailabilityView(
    [property: Id(0)] string DepotCode, [property: Id(1)] string Name, [property: Id(2)] string Province, [property: Id(3)] double Latitude,
    [property: Id(4)] double Longitude, [property: Id(5)] int Available, [property: Id(6)] double DistanceKm);

/// <summary>A depot's place in the depot directory, with the depot's version (a newer one replaces it).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.DepotLocation")]
public sealed record class DepotLocation(
    [property: Id(0)] string Code, [property: Id(1)] string Name, [property: Id(2)] string Province, [property: Id(3)] double Latitude,
    [property: Id(4)] double Longitude, [property: Id(5)] long Version);

/// <summary>A depot nearest to a point, with its distance.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.NearestDepot")]
public sealed record class NearestDepot(
    [property: Id(0)] string Code, [property: Id(1)] string Name, [property: Id(2)] string Province, [property: Id(3)] double DistanceKm);

[GenerateSerializer, Immutable, Alias("AfterSales.StationPartsPlan")]
public sealed record class StationPartsPlan(
    [property: Id(0)] string Month, [property: Id(1)] string StationCode, [property: Id(2)] string Region,
    [property: Id(3)] IReadOnlyList<PartQuantity> Lines, [property: Id(4)] DateTimeOffset SubmittedAt);

[GenerateSerializer, Immutable, Alias("AfterSales.ProcurementLine")]
public sealed record class ProcurementLine(
    [property: Id(0)] string PartNo, [property: Id(1)] int Total, [property: Id(2)] IReadOnlyDictionary<string, int> ByRegion);

[GenerateSerializer, Immutable, Alias("AfterSales.ProcurementList")]
public sealed record class ProcurementList(
    [property: Id(0)] string Month, [property: Id(1)] DateOnly SubmitBy, [property: Id(2)] int Stations, [property: Id(3)] IReadOnlyList<ProcurementLine> Lines);
