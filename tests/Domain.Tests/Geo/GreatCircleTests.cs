using AfterSales.Domain.Geo;

namespace AfterSales.Domain.Tests.Geo;

public sealed class GreatCircleTests
{
    [Theory]
    [InlineData(39.9042, 116.4074, 31.2304, 121.4737, 1067.3, 1.0)] // Beijing – Shanghai
    [InlineData(23.1291, 113.2644, 22.5431, 114.0579, 104.5, 0.5)] // Guangzhou – Shenzhen
    [InlineData(0, 0, 0, 1, 111.195, 0.01)] // one degree of the equator
    [InlineData(0, 0, 0, 180, 20015.1, 0.5)] // antipodes: half the circumference
    [InlineData(10, 179.5, 10, -179.5, 109.5, 0.2)] // across the antimeridian
    [InlineData(45, 90, 45, 90, 0, 0)] // same point
    public void DistanceKm_MatchesKnownDistances(double lat1, double lon1, double lat2, double lon2, double expectedKm, double toleranceKm)
    {
        var km = GreatCircle.DistanceKm(new GeoPoint(lat1, lon1), new GeoPoint(lat2, lon2));

        Assert.InRange(km, expectedKm - toleranceKm, expectedKm + toleranceKm);
    }

    [Fact]
    public void DistanceKm_IsSymmetric() =>
        Assert.Equal(
            GreatCircle.DistanceKm(new GeoPoint(30, 100), new GeoPoint(41, 125)),
            GreatCircle.DistanceKm(new GeoPoint(41, 125), new GeoPoint(30, 100)),
            9);

    [Theory]
    [InlineData(90, 180, true)]
    [InlineData(-90, -180, true)]
    [InlineData(90.0001, 0, false)]
    [InlineData(0, -180.0001, false)]
    [InlineData(double.NaN, 0, false)]
    public void GeoPoint_IsValid_OnlyInsideTheRanges(double lat, double lon, bool valid) =>
        Assert.Equal(valid, new GeoPoint(lat, lon).IsValid);
}

public sealed class GeoCellsTests
{
    [Theory]
    [InlineData(31.5, 121.2, "31:121")]
    [InlineData(-0.5, -0.5, "-1:-1")]
    [InlineData(90, 180, "89:-180")] // the pole row is the last row; 180° is −180°
    [InlineData(0, 0, "0:0")]
    public void CellOf_FloorsToWholeDegrees(double lat, double lon, string cell) =>
        Assert.Equal(cell, GeoCells.CellOf(new GeoPoint(lat, lon)));

    [Theory]
    [InlineData(31.2, 121.4, 50)]
    [InlineData(31.2, 121.4, 500)]
    [InlineData(45.9, 126.6, 300)]
    [InlineData(0.1, 179.9, 200)] // wraps the antimeridian
    [InlineData(88.5, 10, 300)] // reaches the pole: every longitude
    [InlineData(-33.9, 18.4, 120)]
    public void Covering_HoldsTheCellOfEveryPointInsideTheRadius(double lat, double lon, double radiusKm)
    {
        var center = new GeoPoint(lat, lon);
        var cells = GeoCells.Covering(center, radiusKm).ToHashSet();
        var random = new Random(42);
        var checkedPoints = 0;
        for (var i = 0; i < 20_000; i++)
        {
            // Points in a box around the center, kept when inside the radius.
            var p = new GeoPoint(
                Math.Clamp(lat + ((random.NextDouble() * 2) - 1) * (radiusKm / 100), -90, 90),
                Wrap(lon + ((random.NextDouble() * 2) - 1) * Math.Min(180, radiusKm / 100 / Math.Max(0.05, Math.Cos(lat * Math.PI / 180)))));
            if (GreatCircle.DistanceKm(center, p) > radiusKm)
            {
                continue;
            }

            checkedPoints++;
            Assert.Contains(GeoCells.CellOf(p), cells);
        }

        Assert.True(checkedPoints > 1000, $"only {checkedPoints} points fell inside the radius");
    }

    [Fact]
    public void Covering_IsSmall_ForASmallRadius() =>
        Assert.InRange(GeoCells.Covering(new GeoPoint(31.5, 121.5), 20).Count, 1, 4);

    [Fact]
    public void Covering_HasNoDuplicates_WhenTheBandSpansTheWholeGlobe()
    {
        var cells = GeoCells.Covering(new GeoPoint(89.5, 0), 100);
        Assert.Equal(cells.Count, cells.Distinct().Count());
        Assert.Equal(360, cells.Count(c => c.StartsWith("89:", StringComparison.Ordinal)));
    }

    private static double Wrap(double lon) => lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
}
