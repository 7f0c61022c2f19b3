using AfterSales.Domain.Geo;
using AfterSales.Interfaces.Stations;

namespace AfterSales.Grains.Network;

/// <summary>Keys of the station group grains: <c>cell:{row}:{column}</c> (nearby index) and <c>province:{name}</c> (roll-up).</summary>
public static class GroupKeys
{
    public const string CellPrefix = "cell:";
    public const string ProvincePrefix = "province:";
    public const string National = "national";

    public static string Cell(StationRegistration r) => CellPrefix + GeoCells.CellOf(new GeoPoint(r.Latitude, r.Longitude));

    public static string Cell(string cell) => CellPrefix + cell;

    public static string Province(StationRegistration r) => Province(r.Province);

    public static string Province(string province) => ProvincePrefix + province;
}
