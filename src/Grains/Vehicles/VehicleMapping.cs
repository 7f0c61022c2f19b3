using System.Collections.Immutable;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using AfterSales.Interfaces.Vehicles;
using ContractPowertrain = AfterSales.Interfaces.Vehicles.Powertrain;
using DomainPowertrain = AfterSales.Domain.Vehicles.Powertrain;

namespace AfterSales.Grains.Vehicles;

/// <summary>
/// Between the wire contract and the pure rules. Enums share names and values on both sides (a unit test holds
/// them together), so they convert by value.
/// </summary>
public static class VehicleMapping
{
    public static VehicleFacts ToFacts(this VehicleState state)
    {
        var identity = state.Identity ?? throw new InvalidOperationException("The vehicle is not registered.");
        return new VehicleFacts
        {
            Vin = identity.Vin,
            Model = identity.Model,
            Batch = identity.Batch,
            ProductionDate = identity.ProductionDate,
            Powertrain = (DomainPowertrain)(int)identity.Powertrain,
            Price = identity.Price,
            InvoiceDate = state.InvoiceDate,
            DeliveryDate = state.DeliveryDate,
            CoverageRestartedOn = state.CoverageRestartedOn,
            OdometerReadings = [.. state.OdometerLog.Select(r => new OdometerReading(r.ReadAt, r.Km))],
        };
    }

    public static IReadOnlyList<RepairVisit> ToArchive(this ImmutableArray<VisitEntry> visits)
    {
        var archive = new RepairVisit[visits.Length];
        for (var i = 0; i < archive.Length; i++)
        {
            archive[i] = visits[i].ToRepairVisit();
        }

        return archive;
    }

    /// <summary>The rules' view of an archive entry, read from its fields (no contract record in between).</summary>
    public static RepairVisit ToRepairVisit(this VisitEntry entry) => new()
    {
        Id = entry.VisitId,
        StationCode = entry.StationCode,
        Kind = (Domain.Repairs.VisitKind)(int)entry.Kind,
        AgreedAt = entry.AgreedAt,
        CompletedAt = entry.CompletedAt,
        MileageKm = entry.MileageKm,
        FaultCode = entry.FaultCode,
        System = (Domain.Repairs.VehicleSystem)(int)entry.System,
        WorkGrade = (Domain.Repairs.WorkGrade)(int)entry.WorkGrade,
        Warranty = entry.Warranty,
        UnitReplaced = entry.UnitReplaced,
        MainPartsReplaced = entry.MainPartsReplaced,
        RepairItem = entry.RepairItem,
        Cancelled = entry.Cancelled,
        SeriousSafety = entry.SeriousSafety,
        SafetyDefect = (Domain.Repairs.SafetyDefect)(int)entry.SafetyDefect,
        ExcludedTime = TimeSpan.FromHours(entry.ExcludedHours),
        RecallCampaignId = entry.RecallCampaignId,
        WorkDone = entry.WorkDone,
        PartsUsed = PartLines(entry.PartsUsed),
        Appraiser = entry.Appraiser,
    };

    private static IReadOnlyList<PartLine> PartLines(IReadOnlyList<PartUsed> parts)
    {
        if (parts.Count == 0)
        {
            return [];
        }

        var lines = new PartLine[parts.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = new PartLine(parts[i].PartNo, parts[i].Quantity);
        }

        return lines;
    }

    public static ComebackView ToView(this ComebackFinding finding) => new(
        finding.PreviousVisitId,
        (Interfaces.Vehicles.WorkGrade)(int)finding.PreviousWorkGrade,
        finding.DaysSince,
        finding.KmSince,
        finding.MustTransferToAnotherStation);

    public static RepairRecordView ToView(this VisitEntry entry) => new(entry.Visit, entry.RepairDays, entry.Comeback, entry.RecordedAt);

    public static VehicleView ToView(this VehicleState state)
    {
        var identity = state.Identity ?? throw new InvalidOperationException("The vehicle is not registered.");
        return new VehicleView(
            identity.Vin,
            identity.Model,
            identity.Batch,
            identity.ProductionDate,
            identity.Powertrain,
            identity.Price,
            state.Lifecycle,
            state.Owner,
            state.DealerCode,
            state.InvoiceDate,
            state.DeliveryDate,
            state.OdometerKm,
            state.OdometerReadAt,
            state.ToFacts().CoverageStart,
            state.ReplacesVin,
            state.ReplacedByVin,
            state.EndedOn,
            state.PreviousOwners.Length,
            state.Region,
            state.OdometerCorrections.IsEmpty ? null : state.OdometerCorrections,
            state.OpenBuybackCase,
            state.Erasures.IsDefaultOrEmpty ? null : state.Erasures) { Revision = state.Revision };
    }

    public static WarrantyView ToView(this WarrantyAssessment assessment, VehicleState state, ImmutableArray<string> openRecalls) => new(
        state.Identity!.Vin,
        assessment.AsOf,
        assessment.MileageKm,
        state.Lifecycle,
        assessment.CoverageStart,
        [.. assessment.Coverages.Select(c => new CoverageView(c.Name, (Interfaces.Vehicles.CoverageState)(int)c.State, c.EndsOn, c.EndsAtKm, c.RemainingDays, c.RemainingKm))],
        assessment.FirstMaintenance is { } first
            ? new FirstMaintenanceView((Interfaces.Vehicles.FirstMaintenanceState)(int)first.State, first.DueBy, first.DueAtKm)
            : null,
        [.. assessment.Entitlements.Select(e => new EntitlementView(
            (Interfaces.Vehicles.Remedy)(int)e.Remedy, e.Article, e.Reason, [.. e.VisitIds], (Interfaces.Vehicles.EntitlementStatus)(int)e.Status, e.UsageCompensation))],
        new CountersView(
            assessment.Counters.RepairDays,
            Ordinal(assessment.Counters.RepairsByFault),
            assessment.Counters.UnitReplacements,
            assessment.Counters.SeriousSafetyRepairs,
            Ordinal(assessment.Counters.MainPartReplacements)),
        openRecalls,
        assessment.Note,
        [.. assessment.WearParts.Select(w => new WearPartView(w.Name, (Interfaces.Vehicles.CoverageState)(int)w.State, w.EndsOn, w.EndsAtKm, w.RemainingDays, w.RemainingKm))]);

    /// <summary>
    /// The rules count case-insensitively; the reply needs no comparer (its keys are already distinct), and a
    /// default-comparer dictionary is cheaper on the wire, where a custom comparer is encoded with every reply.
    /// </summary>
    private static Dictionary<string, int> Ordinal(IReadOnlyDictionary<string, int> counts) => counts.Count == 0 ? NoCounts : new(counts);

    /// <summary>Most replies count nothing: they share one empty dictionary, which no one changes (as every reply's).</summary>
    private static readonly Dictionary<string, int> NoCounts = [];

    public static ContractPowertrain ToContract(this DomainPowertrain powertrain) => (ContractPowertrain)(int)powertrain;
}
