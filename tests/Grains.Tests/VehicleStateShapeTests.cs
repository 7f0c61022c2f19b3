using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Tests;

/// <summary>
/// The vehicle state's compact in-memory shapes (issue 16: bytes per active vehicle) hold exactly what the contract's
/// records hold: an archive entry gives back the visit it was made from, and the facts kept out of line read and
/// compare as the state's own.
/// </summary>
public sealed class VehicleStateShapeTests
{
    private static readonly DateTimeOffset Agreed = new(2026, 3, 2, 9, 15, 30, 123, TimeSpan.FromHours(8));

    private static CompletedVisit Visit(
        DateTimeOffset agreedAt, DateTimeOffset? completedAt, bool flags, VisitKind kind = VisitKind.Repair,
        VehicleSystem system = VehicleSystem.Engine, WorkGrade grade = WorkGrade.Overhaul, SafetyDefect defect = SafetyDefect.None,
        VisitSource source = VisitSource.WorkOrder) =>
        new(
            "WO-00000001-1", "S-ZJ-0012", kind, agreedAt, completedAt, 12_345, "P0301", system, grade,
            Warranty: flags, UnitReplaced: !flags, MainPartsReplaced: ["AS-ENG-CRANK"], SeriousSafety: flags, SafetyDefect: defect,
            ExcludedHours: flags ? 7.25 : 0, WorkDone: flags ? "Diagnosed P0301; repaired" : null, PartsUsed: [new PartUsed("AS-ENG-IGN-01", 2)],
            Appraiser: flags ? "A00347" : null, RecallCampaignId: kind == VisitKind.Recall ? "RC-2026-001" : null,
            RepairItem: flags ? "ENG-IGN" : null, Cancelled: !flags, Source: source);

    public static TheoryData<string, CompletedVisit> Visits() => new()
    {
        { "completed, UTC+8, every flag set", Visit(Agreed, Agreed.AddHours(5.5), flags: true) },
        { "still running, every flag clear, nothing uncommon", Visit(Agreed, null, flags: false, VisitKind.Maintenance) },
        { "UTC−5:30 and UTC+14, a recall", Visit(Agreed.ToOffset(TimeSpan.FromMinutes(-330)), Agreed.AddDays(3).ToOffset(TimeSpan.FromHours(14)), flags: true, VisitKind.Recall) },
        { "UTC, the highest enum values", Visit(Agreed.ToUniversalTime(), Agreed.AddDays(1), flags: true, VisitKind.Recall, VehicleSystem.Other, WorkGrade.Minor, SafetyDefect.BatteryFire, VisitSource.StationReport) },
        { "completed at the moment it was agreed", Visit(Agreed, Agreed, flags: false, VisitKind.FirstMaintenance, VehicleSystem.Body, WorkGrade.Secondary, SafetyDefect.FuelLeak, VisitSource.Imported) },
    };

    [Theory]
    [MemberData(nameof(Visits))]
    public void AnArchiveEntry_GivesBackTheVisitItWasMadeFrom_OffsetsIncluded(string _, CompletedVisit visit)
    {
        var recorded = Agreed.AddDays(1).ToOffset(TimeSpan.FromHours(-3));
        // Entries with and without what few visits have (a comeback, a recall, a repair item, time not counted).
        var comeback = visit.Warranty ? new ComebackView("WO-00000000-9", WorkGrade.Secondary, 4, 120, false) : null;

        var entry = new VisitEntry(visit, 3, comeback, recorded);

        Assert.Equal(visit, entry.Visit);
        Assert.True(entry.Visit.AgreedAt.EqualsExact(visit.AgreedAt));
        Assert.Equal(visit.CompletedAt?.Offset, entry.Visit.CompletedAt?.Offset);
        Assert.True(entry.RecordedAt.EqualsExact(recorded));
        Assert.Equal(3, entry.RepairDays);
        Assert.Same(comeback, entry.Comeback);
        Assert.Equal(visit.ExcludedHours, entry.ExcludedHours);
    }

    [Theory]
    [MemberData(nameof(Visits))]
    public void TheRulesReadAnEntry_WithEveryFactOfTheVisitItWasMadeFrom(string _, CompletedVisit visit)
    {
        var read = new VisitEntry(visit, 0, null, Agreed).ToRepairVisit();

        Assert.Equal(
            (visit.VisitId, visit.StationCode, visit.Kind.ToString(), visit.CompletedAt, visit.MileageKm, visit.FaultCode, visit.System.ToString(), visit.WorkGrade.ToString()),
            (read.Id, read.StationCode, read.Kind.ToString(), read.CompletedAt, read.MileageKm, read.FaultCode, read.System.ToString(), read.WorkGrade.ToString()));
        Assert.Equal(
            (visit.Warranty, visit.UnitReplaced, visit.SeriousSafety, visit.SafetyDefect.ToString(), visit.Cancelled, visit.RepairItem, visit.RecallCampaignId, visit.WorkDone, visit.Appraiser),
            (read.Warranty, read.UnitReplaced, read.SeriousSafety, read.SafetyDefect.ToString(), read.Cancelled, read.RepairItem, read.RecallCampaignId, read.WorkDone, read.Appraiser));
        Assert.Equal(TimeSpan.FromHours(visit.ExcludedHours), read.ExcludedTime);
        Assert.Same(visit.MainPartsReplaced, read.MainPartsReplaced);
        Assert.Equal(visit.PartsUsed.Select(p => (p.PartNo, p.Quantity)), read.PartsUsed.Select(p => (p.PartNo, p.Quantity)));
        Assert.True(read.AgreedAt.EqualsExact(visit.AgreedAt));
    }

    [Fact]
    public void EntriesOfTheSameVisit_AreEqual_AndOfADifferentVisit_AreNot()
    {
        var visit = Visit(Agreed, Agreed.AddHours(2), flags: true);

        Assert.Equal(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit, 1, null, Agreed));
        Assert.NotEqual(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit with { Warranty = false }, 1, null, Agreed));
        Assert.NotEqual(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit with { CompletedAt = null }, 1, null, Agreed));
        Assert.NotEqual(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit, 2, null, Agreed));
        Assert.NotEqual(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit with { RepairItem = "ENG-OTHER" }, 1, null, Agreed));
        Assert.NotEqual(new VisitEntry(visit, 1, null, Agreed), new VisitEntry(visit with { ExcludedHours = 0 }, 1, null, Agreed));
    }

    [Fact]
    public void FactsKeptOutOfLine_ReadBackAsSet_AndLeaveTheOthersAlone()
    {
        var at = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(8));
        var plain = new VehicleState { OdometerKm = 1_000, Revision = 4 };
        var owner = new OwnerView("王伟", "13800000000", new DateOnly(2025, 1, 1));
        var erasure = new PersonalDataErasureView(at, "op-1", "request", 1);
        var correction = new OdometerCorrectionView(at, 9_999, 999, "typo", "op-1");

        var full = plain with
        {
            PreviousOwners = [owner],
            CoverageRestartedOn = new DateOnly(2026, 4, 1),
            ReplacesVin = "LASCA1S40PS000001",
            ReplacedByVin = "LASCA1S40PS000002",
            EndedOn = new DateOnly(2026, 6, 1),
            Erasures = [erasure],
            OpenBuybackCase = "BB-1",
            OdometerCorrections = [correction],
        };

        Assert.Equal([owner], full.PreviousOwners.ToArray());
        Assert.Equal(new DateOnly(2026, 4, 1), full.CoverageRestartedOn);
        Assert.Equal("LASCA1S40PS000001", full.ReplacesVin);
        Assert.Equal("LASCA1S40PS000002", full.ReplacedByVin);
        Assert.Equal(new DateOnly(2026, 6, 1), full.EndedOn);
        Assert.Equal([erasure], full.Erasures.ToArray());
        Assert.Equal("BB-1", full.OpenBuybackCase);
        Assert.Equal([correction], full.OdometerCorrections.ToArray());
        Assert.Equal((1_000, 4L), (full.OdometerKm, full.Revision));
        Assert.Equal("LASCA1S40PS000001", (full with { ReplacedByVin = null }).ReplacesVin);
        Assert.Null((full with { ReplacedByVin = null }).ReplacedByVin);
        Assert.NotEqual(plain, full);
        Assert.NotEqual(full, full with { OpenBuybackCase = "BB-2" });
    }

    [Fact]
    public void FactsSetAndCleared_CompareEqualToNeverSet()
    {
        var plain = new VehicleState { OdometerKm = 1_000 };

        var cleared = plain with { ReplacesVin = "LASCA1S40PS000001", EndedOn = new DateOnly(2026, 6, 1), NewRows = [] }
            with { ReplacesVin = null, EndedOn = null, NewRows = null, Erasures = default, Outbox = [] };

        Assert.Equal(plain, cleared);
        Assert.True(cleared.Erasures.IsEmpty);
        Assert.Null(cleared.NewRows);
        Assert.Equal(plain.GetHashCode(), cleared.GetHashCode());
    }
}
