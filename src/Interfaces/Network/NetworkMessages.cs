using AfterSales.Interfaces.Stations;

namespace AfterSales.Interfaces.Network;

/// <summary>Sums over a set of stations, maintained as their summaries change.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.StationTotals")]
public sealed record class StationTotals(
    [property: Id(0)] int Stations,
    [property: Id(1)] int ActiveStations,
    [property: Id(2)] int AvailableStations,
    [property: Id(3)] int Bays,
    [property: Id(4)] int OpenWorkOrders,
    [property: Id(5)] int WaitingForParts)
{
    public static StationTotals Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Open work orders per bay (0 when there are no bays).</summary>
    public double Utilisation => Bays == 0 ? 0 : Math.Round((double)OpenWorkOrders / Bays, 4);

    public static StationTotals Of(StationSummary s) => new(
        1, s.Authorisation == StationAuthorisation.Active ? 1 : 0, s.Available ? 1 : 0, s.Bays, s.OpenWorkOrders, s.WaitingForParts);

    public StationTotals Plus(StationTotals o) => new(
        Stations + o.Stations, ActiveStations + o.ActiveStations, AvailableStations + o.AvailableStations,
        Bays + o.Bays, OpenWorkOrders + o.OpenWorkOrders, WaitingForParts + o.WaitingForParts);

    public StationTotals Minus(StationTotals o) => new(
        Stations - o.Stations, ActiveStations - o.ActiveStations, AvailableStations - o.AvailableStations,
        Bays - o.Bays, OpenWorkOrders - o.OpenWorkOrders, WaitingForParts - o.WaitingForParts);
}

/// <summary>A group's totals with the sequence number they were reached at.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.VersionedTotals")]
public sealed record class VersionedTotals(
    [property: Id(0)] StationTotals Totals,
    [property: Id(1)] long Sequence);

/// <summary>A roll-up as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RollupView")]
public sealed record class RollupView(
    [property: Id(0)] string Scope,
    [property: Id(1)] int Stations,
    [property: Id(2)] int ActiveStations,
    [property: Id(3)] int AvailableStations,
    [property: Id(4)] int Bays,
    [property: Id(5)] int OpenWorkOrders,
    [property: Id(6)] int WaitingForParts,
    [property: Id(7)] double Utilisation,
    [property: Id(8)] IReadOnlyDictionary<string, StationTotals>? Provinces)
{
    public static RollupView Of(string scope, StationTotals t, IReadOnlyDictionary<string, StationTotals>? provinces) => new(
        scope, t.Stations, t.ActiveStations, t.AvailableStations, t.Bays, t.OpenWorkOrders, t.WaitingForParts, t.Utilisation, provinces);
}

/// <summary>Which stations near a point (GET /api/stations/nearby).</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.NearbyQuery")]
public sealed record class NearbyQuery(
    [property: Id(0)] double Latitude,
    [property: Id(1)] double Longitude,
    [property: Id(2)] double RadiusKm,
    [property: Id(3)] bool AvailableOnly,
    [property: Id(4)] int Limit);

[GenerateSerializer, Immutable, Alias("AfterSales.NearbyStation")]
public sealed record class NearbyStation(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string Province,
    [property: Id(3)] string City,
    [property: Id(4)] double Latitude,
    [property: Id(5)] double Longitude,
    [property: Id(6)] double DistanceKm,
    [property: Id(7)] int Bays,
    [property: Id(8)] int OpenWorkOrders,
    [property: Id(9)] int FreeBays,
    [property: Id(10)] StationAuthorisation Authorisation,
    [property: Id(11)] bool Available);
