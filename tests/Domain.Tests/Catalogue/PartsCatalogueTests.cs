using AfterSales.Domain.Catalogue;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Warranty;
using static AfterSales.Domain.Tests.Build;

namespace AfterSales.Domain.Tests.Catalogue;

/// <summary>
/// The main-part and wear-part catalogue: policy data listed on the 三包凭证 (main parts per system for Art. 20, 22 and
/// 24(3); wear parts, 易损耗零部件, with their own shorter periods). A part not in the catalogue is not a main part.
/// </summary>
public sealed class PartsCatalogueTests
{
    private static readonly CataloguePart[] Parts =
    [
        new("ENG-CRANK", "Crankshaft", VehicleSystem.Engine),
        new("ENG-HEAD", "Cylinder head", VehicleSystem.Engine),
        new("ENG-GASKET-VC", "Valve-cover gasket", VehicleSystem.Engine),
        new("BRK-CALIPER", "Brake caliper", VehicleSystem.Brakes),
        new("BRK-PAD-F", "Front brake pads", VehicleSystem.Brakes),
        new("WIPER-F", "Front wiper blade", VehicleSystem.Body),
    ];

    private static readonly Dictionary<VehicleSystem, IReadOnlyList<string>> MainParts = new()
    {
        [VehicleSystem.Engine] = ["ENG-CRANK", "eng-head"],
        [VehicleSystem.Brakes] = ["BRK-CALIPER"],
    };

    private static readonly WearPartTerm[] WearParts =
    [
        new("WIPER-F", 6, 5_000, []),
        new("BRK-PAD-F", 12, 10_000, ["EV7"]),
        new("BRK-PAD-F", 6, 8_000, ["EV9"]),
    ];

    private static CatalogueVersion Version(
        DateOnly? from = null, IReadOnlyList<CataloguePart>? parts = null, IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>>? mainParts = null, IReadOnlyList<WearPartTerm>? wearParts = null)
    {
        var version = CatalogueVersion.Create(from ?? D("2025-01-01"), parts ?? Parts, mainParts ?? MainParts, wearParts ?? WearParts, out var errors);
        Assert.Empty(errors);
        return version!;
    }

    private static IReadOnlyDictionary<string, string[]> Errors(
        IReadOnlyList<CataloguePart>? parts = null, IReadOnlyDictionary<VehicleSystem, IReadOnlyList<string>>? mainParts = null, IReadOnlyList<WearPartTerm>? wearParts = null)
    {
        var version = CatalogueVersion.Create(D("2025-01-01"), parts ?? Parts, mainParts ?? MainParts, wearParts ?? WearParts, out var errors);
        Assert.Null(version);
        return errors;
    }

    [Fact]
    public void APartIsAMainPart_OnlyWhereTheCatalogueListsItForThatSystem()
    {
        var version = Version();

        Assert.True(version.IsMainPart(VehicleSystem.Engine, "ENG-CRANK"));
        Assert.True(version.IsMainPart(VehicleSystem.Engine, " eng-head ")); // case and spaces do not matter
        Assert.False(version.IsMainPart(VehicleSystem.Engine, "ENG-GASKET-VC")); // listed, but not a main part
        Assert.False(version.IsMainPart(VehicleSystem.Engine, "ENG-UNKNOWN")); // not in the catalogue at all
        Assert.False(version.IsMainPart(VehicleSystem.Brakes, "ENG-CRANK")); // a main part of another system
    }

    [Fact]
    public void MainPartsAmong_KeepsTheMainPartsOfTheSystem_EachOnce_AsTheCatalogueSpellsThem()
    {
        Assert.Equal(["ENG-HEAD", "ENG-CRANK"], Version().MainPartsAmong(VehicleSystem.Engine, ["ENG-GASKET-VC", "eng-head", "ENG-CRANK", "ENG-HEAD"]));
    }

    [Theory]
    [InlineData("EV7", new[] { "WIPER-F", "BRK-PAD-F" }, new[] { 6, 12 })]
    [InlineData("EV9", new[] { "WIPER-F", "BRK-PAD-F" }, new[] { 6, 6 })]
    [InlineData("OTHER", new[] { "WIPER-F" }, new[] { 6 })]
    public void WearParts_ApplyToTheirModels(string model, string[] partNos, int[] months)
    {
        var terms = Version().WearPartsFor(model);

        Assert.Equal(partNos, terms.Select(t => t.PartNo));
        Assert.Equal(months, terms.Select(t => t.Months));
    }

    [Fact]
    public void TheVersionInForce_IsTheLatestThatStartedByThatDate()
    {
        var catalogue = new PartsCatalogue([Version(D("2026-01-01")), Version(D("2025-01-01"))]);

        Assert.Null(catalogue.VersionOn(D("2024-12-31")));
        Assert.Equal(D("2025-01-01"), catalogue.VersionOn(D("2025-12-31"))!.EffectiveFrom);
        Assert.Equal(D("2026-01-01"), catalogue.VersionOn(D("2026-01-01"))!.EffectiveFrom);
    }

    [Fact]
    public void UnknownPartNumbers_AreRefused_NamingTheField()
    {
        var errors = Errors(
            mainParts: new Dictionary<VehicleSystem, IReadOnlyList<string>> { [VehicleSystem.Engine] = ["ENG-CRANK", "ENG-NOPE"] },
            wearParts: [new("TYRE-X", 24, 40_000, [])]);

        Assert.Equal(["mainParts.engine[1]", "wearParts[0].partNo"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("part ENG-NOPE is not listed in parts", errors["mainParts.engine[1]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void AMainPartListedUnderAnotherSystem_IsRefused()
    {
        var errors = Errors(mainParts: new Dictionary<VehicleSystem, IReadOnlyList<string>> { [VehicleSystem.Brakes] = ["ENG-CRANK"] });

        Assert.Contains("belongs to the engine", Assert.Single(errors["mainParts.brakes[0]"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VehicleSystem.Electrical)]
    [InlineData(VehicleSystem.Other)]
    public void SystemsWithoutArticle24MainParts_HaveNone(VehicleSystem system)
    {
        var parts = Parts.Append(new CataloguePart("X-1", "Something", system)).ToArray();

        var errors = Errors(parts: parts, mainParts: new Dictionary<VehicleSystem, IReadOnlyList<string>> { [system] = ["X-1"] });

        Assert.Contains("has no main parts under 三包 Art. 24(3)", Assert.Single(errors).Value[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], new[] { "EV7" })] // every model overlaps any model
    [InlineData(new[] { "EV7", "EV8" }, new[] { "ev8" })] // a model in both
    public void OverlappingWearPartPeriods_AreRefused(string[] first, string[] second)
    {
        var errors = Errors(wearParts: [new("WIPER-F", 6, 5_000, first), new("WIPER-F", 12, 10_000, second)]);

        Assert.Contains("overlaps wearParts[0]", Assert.Single(errors["wearParts[1]"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 5_000, "wearParts[0].months")]
    [InlineData(121, 5_000, "wearParts[0].months")]
    [InlineData(6, 0, "wearParts[0].km")]
    public void WearPartTerms_MustBeSensible(int months, int km, string field)
    {
        Assert.Equal([field], Errors(wearParts: [new("WIPER-F", months, km, [])]).Keys);
    }

    [Theory]
    [InlineData("", "parts[6].partNo")]
    [InlineData("BAD PART", "parts[6].partNo")]
    [InlineData("eng-crank", "parts[6].partNo")] // a duplicate, whatever its case
    public void PartNumbers_AreWellFormedAndListedOnce(string partNo, string field)
    {
        var parts = Parts.Append(new CataloguePart(partNo, "Another", VehicleSystem.Engine)).ToArray();

        Assert.Equal([field], Errors(parts: parts).Keys);
    }

    [Fact]
    public void WearPartCoverages_RunFromTheStartDate_MonthsOrKmWhicheverFirst()
    {
        var catalogue = new PartsCatalogue([Version()]);

        var onLastDay = WarrantyRules.Assess(Vehicle(), [], D("2025-09-01"), 4_999, EndOf(D("2025-09-01")), WarrantyPolicy.Default, catalogue);
        var dayAfter = WarrantyRules.Assess(Vehicle(), [], D("2025-09-02"), 4_999, EndOf(D("2025-09-02")), WarrantyPolicy.Default, catalogue);
        var atKm = WarrantyRules.Assess(Vehicle(), [], D("2025-06-01"), 5_000, EndOf(D("2025-06-01")), WarrantyPolicy.Default, catalogue);

        var wiper = onLastDay.WearParts.Single(w => w.Name == "WIPER-F");
        Assert.Equal(CoverageState.Active, wiper.State);
        Assert.Equal(D("2025-09-01"), wiper.EndsOn);
        Assert.Equal(5_000, wiper.EndsAtKm);
        Assert.Equal(1, wiper.RemainingKm);
        Assert.Equal(CoverageState.ExpiredByTime, dayAfter.WearParts.Single(w => w.Name == "WIPER-F").State);
        Assert.Equal(CoverageState.ExpiredByMileage, atKm.WearParts.Single(w => w.Name == "WIPER-F").State);
        Assert.Equal(["WIPER-F", "BRK-PAD-F"], onLastDay.WearParts.Select(w => w.Name)); // the EV7's terms only
    }

    [Fact]
    public void WearPartCoverages_ComeFromTheVersionInForceOnTheStartDate()
    {
        // The 三包凭证 handed over at the sale states the periods; a later catalogue does not change a sold vehicle's.
        var later = Version(D("2025-06-01"), wearParts: [new("WIPER-F", 12, 20_000, [])]);
        var catalogue = new PartsCatalogue([Version(), later]);

        var assessment = WarrantyRules.Assess(Vehicle(), [], D("2025-07-01"), 1_000, EndOf(D("2025-07-01")), WarrantyPolicy.Default, catalogue);

        Assert.Equal(5_000, assessment.WearParts.Single(w => w.Name == "WIPER-F").EndsAtKm);
    }

    [Fact]
    public void NoCatalogue_NoWearParts()
    {
        Assert.Empty(Assess(30, 1_000).WearParts);
    }
}
