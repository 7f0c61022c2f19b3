using System.Globalization;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Tests;

/// <summary>Test data: a vehicle delivered on <see cref="Start"/> (day 0) and visits placed by day number.</summary>
internal static class Build
{
    public static readonly DateOnly Start = new(2025, 3, 1);

    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static DateTimeOffset At(DateOnly date, int hour = 9, int minute = 0) =>
        new(date.ToDateTime(new TimeOnly(hour, minute)), China);

    /// <summary>09:00 on day <paramref name="day"/> after <see cref="Start"/>.</summary>
    public static DateTimeOffset Day(int day, int hour = 9, int minute = 0) => At(Start.AddDays(day), hour, minute);

    public static DateOnly Date(int day) => Start.AddDays(day);

    public static DateOnly D(string iso) => DateOnly.Parse(iso, CultureInfo.InvariantCulture);

    public static decimal M(string amount) => decimal.Parse(amount, CultureInfo.InvariantCulture);

    public static VehicleFacts Vehicle(Powertrain powertrain = Powertrain.Ice, params OdometerReading[] readings) => new()
    {
        Vin = "LSVAM4187C2184847",
        Model = "EV7",
        Batch = "B2025-01",
        ProductionDate = new DateOnly(2025, 1, 15),
        Powertrain = powertrain,
        Price = 150_000m,
        InvoiceDate = Start,
        DeliveryDate = Start,
        OdometerReadings = readings,
    };

    public static OdometerReading Reading(DateOnly date, int km) => new(At(date, 12), km);

    /// <summary>
    /// A warranty repair agreed at 09:00 on <paramref name="day"/> at <paramref name="km"/>, finished
    /// one hour later (one Art. 40 day), with a fault code of its own.
    /// </summary>
    public static RepairVisit Repair(string id, int day, int km = 1_000) => new()
    {
        Id = id,
        StationCode = "S-001",
        Kind = VisitKind.Repair,
        AgreedAt = Day(day),
        CompletedAt = Day(day, 10),
        MileageKm = km,
        FaultCode = "F-" + id,
        System = VehicleSystem.Other,
        Warranty = true,
    };

    /// <summary>A warranty repair on <paramref name="day"/> that lasted exactly <paramref name="duration"/>.</summary>
    public static RepairVisit Lasting(string id, int day, TimeSpan duration, int km = 1_000) =>
        Repair(id, day, km) with { CompletedAt = Day(day) + duration };

    public static WarrantyAssessment Assess(VehicleFacts vehicle, DateOnly asOf, int mileageKm, params RepairVisit[] archive) =>
        WarrantyRules.Assess(vehicle, archive, asOf, mileageKm, EndOf(asOf), WarrantyPolicy.Default);

    public static WarrantyAssessment Assess(int asOfDay, int mileageKm, params RepairVisit[] archive) =>
        Assess(Vehicle(), Date(asOfDay), mileageKm, archive);

    public static DateTimeOffset EndOf(DateOnly date) => At(date, 23, 59);

    public static CoverageStatus Coverage(this WarrantyAssessment assessment, string name) =>
        assessment.Coverages.Single(c => c.Name == name);

    public static IReadOnlyList<Entitlement> ByArticle(this WarrantyAssessment assessment, string article) =>
        assessment.Entitlements.Where(e => e.Article == article).ToList();
}
