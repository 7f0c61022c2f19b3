using System.Text.Json.Serialization;

namespace AfterSales.Interfaces.Vehicles;

public enum VisitKind
{
    Maintenance = 0,
    FirstMaintenance = 1,
    Repair = 2,
    Recall = 3,
}

/// <summary>The vehicle system a repair concerns (三包 Art. 20–24 name engine, gearbox, battery, motor …).</summary>
public enum VehicleSystem
{
    Engine = 0,
    Gearbox = 1,
    TractionBattery = 2,
    DriveMotor = 3,
    Steering = 4,
    Brakes = 5,
    Suspension = 6,
    Drivetrain = 7,
    EmissionControl = 8,
    Body = 9,
    Electrical = 10,
    Other = 11,
}

/// <summary>Repair-quality guarantee grade (维修质量保证期): overhaul 20,000 km/100 d, secondary 5,000/30, minor 2,000/10.</summary>
public enum WorkGrade
{
    Overhaul = 0,
    Secondary = 1,
    Minor = 2,
}

/// <summary>The 三包 Art. 23 serious safety defects.</summary>
public enum SafetyDefect
{
    None = 0,
    SteeringFailure = 1,
    BrakeFailure = 2,
    BodyCracking = 3,
    FuelLeak = 4,
    BatteryFire = 5,
}

/// <summary>Who stated a visit: the station workflow (work order, appraisal, approved claim), an operator's import of history, or a station's own report of plain work.</summary>
public enum VisitSource
{
    WorkOrder = 0,
    Imported = 1,
    StationReport = 2,
}

[GenerateSerializer, Immutable, Alias("AfterSales.PartUsed")]
public sealed record class PartUsed(
    [property: Id(0)] string PartNo,
    [property: Id(1)] int Quantity);

/// <summary>
/// A finished (or, with no <see cref="CompletedAt"/>, still running) visit, appended to the repair archive. Warranty,
/// serious-safety, safety-defect, unit and main-part replacement and recall completion are approved facts: they come
/// from a work order whose claim was approved, or from an operator's import (<see cref="Source"/>). A visit still
/// running may be appended again with its later state (completed, or <see cref="Cancelled"/>); a completed one is final.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.CompletedVisit")]
public sealed record class CompletedVisit(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string StationCode,
    [property: Id(2)] VisitKind Kind,
    [property: Id(3)] DateTimeOffset AgreedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] int MileageKm,
    [property: Id(6)] string FaultCode,
    [property: Id(7)] VehicleSystem System,
    [property: Id(8)] WorkGrade WorkGrade,
    [property: Id(9)] bool Warranty,
    [property: Id(10)] bool UnitReplaced,
    [property: Id(19)] IReadOnlyList<string> MainPartsReplaced,
    [property: Id(12)] bool SeriousSafety,
    [property: Id(13)] SafetyDefect SafetyDefect,
    [property: Id(14)] double ExcludedHours,
    [property: Id(15)] string? WorkDone,
    [property: Id(16)] IReadOnlyList<PartUsed> PartsUsed,
    [property: Id(17)] string? Appraiser,
    [property: Id(18)] string? RecallCampaignId,
    [property: Id(20)] string? RepairItem = null,
    [property: Id(21)] bool Cancelled = false,
    [property: Id(22)] VisitSource Source = VisitSource.WorkOrder);

[GenerateSerializer, Immutable, Alias("AfterSales.ComebackView")]
public sealed record class ComebackView(
    [property: Id(0)] string PreviousVisitId,
    [property: Id(1)] WorkGrade Grade,
    [property: Id(2)] int DaysSince,
    [property: Id(3)] int KmSince,
    [property: Id(4)] bool MustTransferToAnotherStation);

/// <summary>One entry of the repair archive (客户维修档案) with what the vehicle derived from it.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RepairRecordView")]
public sealed record class RepairRecordView(
    [property: Id(0)] CompletedVisit Visit,
    [property: Id(1)] int RepairDays,
    [property: Id(2)] ComebackView? Comeback,
    [property: Id(3)] DateTimeOffset RecordedAt);

/// <summary>One page of the repair archive, newest first; <see cref="NextCursor"/> (opaque) asks for the next, null on the last.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.RepairHistoryPage")]
public sealed record class RepairHistoryPage(
    [property: Id(0)] IReadOnlyList<RepairRecordView> Items,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: Id(1), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
