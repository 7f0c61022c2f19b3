using AfterSales.Domain.Catalogue;
using AfterSales.Domain.Claims;
using AfterSales.Domain.Repairs;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Claims;

/// <summary>
/// A claim's money (domain §3): labour hours from the labour-time catalogue × the station's labour rate, plus parts at
/// catalogue price, from the catalogue version in force on the repair date; a line the catalogue does not list is a
/// 400 naming the line.
/// </summary>
public sealed class ClaimPricingTests
{
    private static CatalogueVersion Version(string from, decimal caliperPrice, decimal hours, decimal rate, IReadOnlyDictionary<string, decimal>? stations = null)
    {
        var version = CatalogueVersion.Create(
            D(from),
            [new("BRK-CAL", "Brake caliper", VehicleSystem.Brakes, caliperPrice, "Brembo"), new("BRK-PAD", "Brake pads", VehicleSystem.Brakes, 120.50m, null)],
            new Dictionary<VehicleSystem, IReadOnlyList<string>>(),
            [],
            [new("BRK-CAL-R", "Replace caliper", VehicleSystem.Brakes, hours)],
            new LabourRates(rate, new Dictionary<string, decimal> { ["广东"] = 90m }, stations ?? new Dictionary<string, decimal> { ["GD001"] = 110m }),
            out var errors);
        Assert.True(version is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
        return version;
    }

    private static readonly PartsCatalogue Catalogue = new([Version("2026-01-01", 800m, 1.5m, 80m), Version("2026-07-01", 880m, 1.2m, 85m)]);

    [Theory]
    [InlineData("2026-06-30", 800, 1.5, 80)] // the last day of the first version
    [InlineData("2026-07-01", 880, 1.2, 85)] // the first day of the second
    public void AClaimIsPricedFromTheVersionInForceOnItsRepairDate(string repairDate, double caliper, double hours, double rate)
    {
        var version = Catalogue.VersionOn(D(repairDate))!;

        var price = ClaimPricing.Price(version, "HB001", "湖北", [new("BRK-CAL", 2)], [new("BRK-CAL-R", 2)], out var errors);

        Assert.Empty(errors);
        Assert.Equal((decimal)caliper * 2, price!.PartsAmount);
        Assert.Equal(ClaimPricing.Round((decimal)hours * 2 * (decimal)rate), price.Labour);
        Assert.Equal(price.PartsAmount + price.Labour, price.Total);
        Assert.Equal(D(repairDate) >= D("2026-07-01") ? D("2026-07-01") : D("2026-01-01"), price.CatalogueVersion);
        Assert.Equal("Brembo", price.Parts.Single().Supplier);
    }

    [Theory]
    [InlineData("GD001", "广东", 110)] // the station's own rate wins
    [InlineData("GD002", "广东", 90)] // then its province's
    [InlineData("HB001", "湖北", 80)] // then the default
    [InlineData("gd001", null, 110)] // station codes compare case-insensitively
    public void TheLabourRate_IsTheStationsThenTheProvincesThenTheDefault(string station, string? province, double rate)
    {
        var price = ClaimPricing.Price(Catalogue.VersionOn(D("2026-03-01"))!, station, province, [], [new("BRK-CAL-R", 1)], out _);

        Assert.Equal((decimal)rate, price!.LabourRate);
        Assert.Equal(ClaimPricing.Round(1.5m * (decimal)rate), price.Labour);
    }

    [Fact]
    public void EachLineIsRoundedToTheFen_AndTheTotalsAddTheRoundedLines()
    {
        // 1.25 h × 85.50 = 106.875 → 106.88 (half away from zero).
        var version = Version("2026-01-01", 10.01m, 1.25m, 85.50m, new Dictionary<string, decimal>());

        var price = ClaimPricing.Price(version, "X1", null, [new("BRK-CAL", 3)], [new("BRK-CAL-R", 1)], out _);

        Assert.Equal(106.88m, price!.Labour);
        Assert.Equal(30.03m, price.PartsAmount);
        Assert.Equal(136.91m, price.Total);
    }

    [Fact]
    public void AnUnknownPartOrOperation_IsRefusedNamingTheLine()
    {
        var price = ClaimPricing.Price(Catalogue.VersionOn(D("2026-03-01"))!, "X1", null,
            [new("BRK-CAL", 1), new("NOPE-1", 1)], [new("BRK-CAL-R", 1), new("OP-UNKNOWN", 1)], out var errors);

        Assert.Null(price);
        Assert.Equal(["operations[1].code", "parts[1].partNo"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("NOPE-1", errors["parts[1].partNo"][0], StringComparison.Ordinal);
        Assert.Contains("2026-01-01", errors["parts[1].partNo"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void AVersionThatStatesLabourRates_NeedsAPriceForEveryPart()
    {
        var version = CatalogueVersion.Create(D("2026-01-01"), [new("BRK-CAL", "Caliper", VehicleSystem.Brakes)], new Dictionary<VehicleSystem, IReadOnlyList<string>>(), [],
            [new("OP", "Op", VehicleSystem.Brakes, 0)], new LabourRates(-1, new Dictionary<string, decimal>(), new Dictionary<string, decimal>()), out var errors);

        Assert.Null(version);
        Assert.Equal(["labourOperations[0].hours", "labourRates.default", "parts[0].price"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AVersionWithoutLabourRates_DoesNotPriceClaims_AndNeedsNoPrices()
    {
        var version = CatalogueVersion.Create(D("2026-01-01"), [new("BRK-CAL", "Caliper", VehicleSystem.Brakes)], new Dictionary<VehicleSystem, IReadOnlyList<string>>(), [], out var errors);

        Assert.Empty(errors);
        Assert.False(version!.PricesClaims);
    }
}

/// <summary>
/// Which claims wait for the warranty department (domain §3; seed 000 §5.3.4: important or unclear cases go to the
/// warranty department; seed 002 §6.2.1): the appraiser's "unclear", a serious safety fault, a unit replacement, a
/// total above the policy limit.
/// </summary>
public sealed class ClaimReviewTests
{
    [Theory]
    [InlineData(false, false, false, 5_000.00, 0)] // at the limit: decided by rules
    [InlineData(false, false, false, 5_000.01, 1)] // one fen above: reviewed
    [InlineData(true, false, false, 10.00, 1)]
    [InlineData(false, true, false, 10.00, 1)]
    [InlineData(false, false, true, 10.00, 1)]
    [InlineData(true, true, true, 9_999.00, 4)]
    public void EachReasonSendsTheClaimToReview(bool unclear, bool seriousSafety, bool unit, double total, int reasons)
    {
        var found = ClaimReview.Reasons(new ReviewFacts
        {
            Unclear = unclear, SeriousSafety = seriousSafety, UnitReplacement = unit, Total = (decimal)total, ReviewAbove = 5_000m,
        });

        Assert.Equal(reasons, found.Count);
    }

    [Fact]
    public void AnUnpricedClaim_IsNotReviewedForItsTotal()
    {
        Assert.Empty(ClaimReview.Reasons(new ReviewFacts { Total = null, ReviewAbove = 0m }));
    }
}

/// <summary>Settlement months (seed 002 §6.3.4): a line goes to its decision's month unless that month is closed.</summary>
public sealed class SettlementMonthsTests
{
    [Theory]
    [InlineData("2026-11-30", null, "2026-11")]
    [InlineData("2026-11-30", "2026-10", "2026-11")] // an open month keeps its lines
    [InlineData("2026-11-30", "2026-11", "2026-12")] // a late approval goes to the next open month
    [InlineData("2026-09-15", "2026-11", "2026-12")] // however late
    [InlineData("2026-12-31", "2026-12", "2027-01")] // across the year
    public void ALineGoesToItsMonth_OrTheFirstOpenOneAfter(string decidedOn, string? closedThrough, string expected)
    {
        BusinessMonth? closed = closedThrough is null ? null : Parse(closedThrough);

        Assert.Equal(expected, SettlementMonths.MonthFor(D(decidedOn), closed).ToString());
    }

    [Theory]
    [InlineData("2026-11", "2026-11-30", null, false)] // not over yet
    [InlineData("2026-11", "2026-12-01", null, true)]
    [InlineData("2026-11", "2026-12-01", "2026-11", false)] // already closed
    [InlineData("2026-10", "2026-12-01", "2026-09", true)]
    public void OnlyAMonthThatIsOverAndStillOpen_CanBeClosed(string month, string today, string? closedThrough, bool can)
    {
        BusinessMonth? closed = closedThrough is null ? null : Parse(closedThrough);

        Assert.Equal(can, SettlementMonths.CannotClose(Parse(month), D(today), closed) is null);
    }

    [Theory]
    [InlineData("2026-1")]
    [InlineData("2026-13")]
    [InlineData("26-11-01")]
    [InlineData("2026/11")]
    public void AMonthIsSpelledYyyyMm(string text) => Assert.False(BusinessMonth.TryParse(text, out _));

    private static BusinessMonth Parse(string text) => BusinessMonth.TryParse(text, out var month) ? month : throw new ArgumentException(text);
}
