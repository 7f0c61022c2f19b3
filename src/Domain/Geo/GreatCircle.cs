namespace AfterSales.Domain.Geo;

/// <summary>A point on the earth in decimal degrees (WGS 84 latitude −90..90, longitude −180..180).</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    /// <summary>True when both coordinates are finite and in range.</summary>
    public bool IsValid =>
        double.IsFinite(Latitude) && double.IsFinite(Longitude) && Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;
}

/// <summary>Great-circle distances on a spherical earth (haversine; error under 0.5 % against the ellipsoid).</summary>
public static class GreatCircle
{
    /// <summary>Mean earth radius, km (IUGG).</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Km along the great circle from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static double DistanceKm(GeoPoint a, GeoPoint b)
    {
        var lat1 = Radians(a.Latitude);
        var lat2 = Radians(b.Latitude);
        var dLat = lat2 - lat1;
        var dLon = Radians(b.Longitude - a.Longitude);
        var h = Square(Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Square(Math.Sin(dLon / 2)));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    internal static double Radians(double degrees) => degrees * Math.PI / 180;

    internal static double Degrees(double radians) => radians * 180 / Math.PI;

    private static double Square(double x) => x * x;
}
