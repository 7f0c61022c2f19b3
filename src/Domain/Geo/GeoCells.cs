namespace AfterSales.Domain.Geo;

/// <summary>
/// A fixed grid of <see cref="SizeDegrees"/>° × <see cref="SizeDegrees"/>° cells over the globe, each named
/// "row:column" (row = ⌊lat / size⌋, column = ⌊lon / size⌋, wrapped at the antimeridian). The nearby-station
/// index keeps one grain per occupied cell.
/// </summary>
public static class GeoCells
{
    /// <summary>Cell edge in degrees (about 111 km north–south).</summary>
    public const double SizeDegrees = 1.0;

    private static readonly int Columns = (int)Math.Round(360 / SizeDegrees);
    private static readonly int MinRow = (int)Math.Floor(-90 / SizeDegrees);
    private static readonly int MaxRow = (int)Math.Floor(90 / SizeDegrees);

    /// <summary>The cell holding <paramref name="point"/>.</summary>
    public static string CellOf(GeoPoint point) => Key(Row(point.Latitude), Column(point.Longitude));

    /// <summary>
    /// Every cell that may hold a point within <paramref name="radiusKm"/> of <paramref name="center"/> (a superset:
    /// callers still check the exact distance). Latitude band ±r/R; longitude band the exact extent of the spherical
    /// cap, asin(sin(r/R) / cos φ), or all longitudes when the cap reaches a pole.
    /// </summary>
    public static IReadOnlyList<string> Covering(GeoPoint center, double radiusKm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radiusKm);
        var angular = radiusKm / GreatCircle.EarthRadiusKm;
        var dLat = GreatCircle.Degrees(angular);
        var south = center.Latitude - dLat;
        var north = center.Latitude + dLat;
        var rows = (From: Row(Math.Max(-90, south)), To: Row(Math.Min(90, north)));

        var cosLat = Math.Cos(GreatCircle.Radians(center.Latitude));
        var sinAngular = Math.Sin(Math.Min(angular, Math.PI / 2));
        var allLongitudes = south <= -90 || north >= 90 || angular >= Math.PI / 2 || sinAngular >= cosLat;
        var cells = new List<string>();
        if (allLongitudes)
        {
            for (var row = rows.From; row <= rows.To; row++)
            {
                for (var column = 0; column < Columns; column++)
                {
                    cells.Add(Key(row, column - (Columns / 2)));
                }
            }

            return cells;
        }

        var dLon = GreatCircle.Degrees(Math.Asin(sinAngular / cosLat));
        var west = (int)Math.Floor((center.Longitude - dLon) / SizeDegrees);
        var east = (int)Math.Floor((center.Longitude + dLon) / SizeDegrees);
        var seen = new HashSet<int>();
        for (var raw = west; raw <= east; raw++)
        {
            var column = Wrap(raw);
            if (!seen.Add(column))
            {
                continue;
            }

            for (var row = rows.From; row <= rows.To; row++)
            {
                cells.Add(Key(row, column));
            }
        }

        return cells;
    }

    private static int Row(double latitude) => Math.Clamp((int)Math.Floor(latitude / SizeDegrees), MinRow, MaxRow - 1);

    // Longitude 180 is the same meridian as −180.
    private static int Column(double longitude) => Wrap((int)Math.Floor(longitude / SizeDegrees));

    private static int Wrap(int column)
    {
        var half = Columns / 2;
        return ((((column + half) % Columns) + Columns) % Columns) - half;
    }

    private static string Key(int row, int column) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{row}:{column}");
}
