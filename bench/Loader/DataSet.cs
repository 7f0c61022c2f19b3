using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Bench.Loader;

/// <summary>One generated vehicle: what the bulk API receives and the baseline's tables hold.</summary>
public sealed record GeneratedVehicle(
    string Vin,
    string Model,
    string Batch,
    DateOnly ProductionDate,
    Powertrain Powertrain,
    decimal Price,
    string OwnerName,
    string OwnerPhone,
    string DealerCode,
    DateOnly InvoiceDate,
    DateOnly DeliveryDate,
    int DeliveryKm,
    IReadOnlyList<GeneratedVisit> Visits,
    DateTimeOffset ReadAt,
    int ReadingKm)
{
    /// <summary>Delivered, or in service once a visit or a later reading was recorded (as the vehicle grain decides).</summary>
    public int Lifecycle => Visits.Count > 0 || ReadingKm != DeliveryKm ? 2 : 1;
}

public sealed record GeneratedVisit(
    string VisitId,
    string StationCode,
    VisitKind Kind,
    DateTimeOffset AgreedAt,
    DateTimeOffset CompletedAt,
    int MileageKm,
    string? FaultCode,
    VehicleSystem System,
    WorkGrade WorkGrade,
    bool Warranty,
    bool UnitReplaced,
    string? MainPartReplaced,
    bool SeriousSafety,
    SafetyDefect SafetyDefect,
    string WorkDone,
    IReadOnlyList<(string PartNo, int Quantity)> Parts,
    string Appraiser);

/// <summary>
/// A deterministic (seeded) fleet: five models across three powertrains, production over the last five
/// years in monthly batches, delivery weeks later, 8–30 thousand km a year, and 1–4 visits each — first
/// maintenance, routine maintenance and repairs, about half of the repairs judged warranty, a few with a
/// main part or a whole unit replaced or a safety defect.
/// </summary>
public static class DataSet
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    private static readonly (string Code, string Vds, Powertrain Powertrain, decimal Price)[] Models =
    [
        ("AS-C11", "CA1S4", Powertrain.Ice, 119_800m),
        ("AS-S7", "SB2H6", Powertrain.Hev, 189_800m),
        ("AS-E5", "EA3B5", Powertrain.Bev, 159_800m),
        ("AS-E9", "EC4B9", Powertrain.Bev, 259_800m),
        ("AS-M3", "MD5C3", Powertrain.Ice, 149_800m),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛", "明", "超"];
    private static readonly string[] Provinces = ["BJ", "SH", "GD", "ZJ", "JS", "SC", "HB", "SD", "HN", "FJ"];

    private static readonly (string Code, VehicleSystem System, string Part, bool MajorUnit)[] Faults =
    [
        ("P0301", VehicleSystem.Engine, "AS-ENG-IGN-01", true),
        ("P0700", VehicleSystem.Gearbox, "AS-GBX-VB-02", true),
        ("P0A80", VehicleSystem.TractionBattery, "AS-BAT-MOD-03", true),
        ("P0A1A", VehicleSystem.DriveMotor, "AS-MOT-INV-04", true),
        ("C0051", VehicleSystem.Steering, "AS-STR-EPS-05", false),
        ("C0035", VehicleSystem.Brakes, "AS-BRK-ABS-06", false),
        ("C1A00", VehicleSystem.Suspension, "AS-SUS-ARM-07", false),
        ("B1318", VehicleSystem.Electrical, "AS-ELE-BCM-08", false),
        ("B2AAA", VehicleSystem.Body, "AS-BDY-SEAL-09", false),
        ("U0100", VehicleSystem.Electrical, "AS-ELE-CAN-10", false),
    ];

    /// <summary>
    /// The parts catalogue the fleet is loaded under (PUT /api/catalogue/versions/2000-01-01, and the baseline's
    /// <c>baseline.catalogue</c> row): every fault's part, main parts for the systems that have them, four wear parts.
    /// </summary>
    public static readonly BenchCatalogue Catalogue = new(
        [
            .. Faults.Select(f => new BenchCataloguePart(f.Part, $"Part for {f.Code}", SystemKey(f.System))),
            new("AS-WIPER-F", "Front wiper blade", "body"),
            new("AS-BRK-PAD-F", "Front brake pads", "brakes"),
            new("AS-BULB-H7", "Headlamp bulb", "electrical"),
            new("AS-12V-BAT", "12 V battery", "electrical"),
        ],
        Faults.Where(f => f.System is not (VehicleSystem.Electrical or VehicleSystem.Other))
            .GroupBy(f => SystemKey(f.System))
            .ToDictionary(g => g.Key, g => g.Select(f => f.Part).ToArray()),
        [
            new("AS-WIPER-F", 6, 10_000),
            new("AS-BRK-PAD-F", 12, 20_000),
            new("AS-BULB-H7", 12, 30_000),
            new("AS-12V-BAT", 24, 50_000),
        ]);

    public const string CatalogueEffectiveFrom = "2000-01-01";

    private static string SystemKey(VehicleSystem system) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(system.ToString());

    /// <summary>
    /// The random seed of one vehicle: a fixed mix of the fleet's seed and the index, the same in every process
    /// (HashCode.Combine is seeded anew in each process, so a rerun would have generated another fleet).
    /// </summary>
    public static int VehicleSeed(int seed, int index)
    {
        // SplitMix64's finaliser: neighbouring indexes give unrelated seeds.
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }

    /// <summary>Generates vehicle <paramref name="index"/> of the fleet; the same seed, index and day give the same vehicle in every process.</summary>
    public static GeneratedVehicle Vehicle(int seed, int index, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(Offset).DateTime);
        var random = new Random(VehicleSeed(seed, index));
        var model = Models[random.Next(Models.Length)];
        var powertrain = model.Code == "AS-M3" && random.Next(3) == 0 ? Powertrain.Hev : model.Powertrain;

        var production = today.AddDays(-random.Next(45, 5 * 365));
        var delivery = production.AddDays(random.Next(7, 40));
        if (delivery >= today)
        {
            delivery = today.AddDays(-1);
        }

        var invoice = random.Next(5) == 0 ? delivery.AddDays(-random.Next(1, 4)) : delivery;
        if (invoice < production)
        {
            invoice = production;
        }

        var vin = Vin.WithCheckDigit($"LAS{model.Vds}0{YearCode(production.Year)}{"HSW"[index % 3]}{index % 1_000_000:D6}");
        var batch = $"{model.Code}-{production:yyMM}-B{1 + (production.Day - 1) / 8:D2}";
        var kmPerDay = random.Next(8_000, 30_000) / 365.0;
        var deliveryKm = random.Next(3, 60);
        var deliveredAt = At(delivery, 0);
        var lastDay = today.AddDays(-1);

        var visits = new List<GeneratedVisit>();
        var count = random.Next(100) switch { < 35 => 1, < 70 => 2, < 90 => 3, _ => 4 };
        var day = delivery;
        for (var i = 0; i < count; i++)
        {
            day = i == 0 && random.Next(4) != 0
                ? delivery.AddDays(random.Next(60, 170))
                : day.AddDays(random.Next(20, 240));
            if (i == 0 && day >= lastDay)
            {
                // A recent delivery still gets its first visit, early.
                day = delivery.AddDays(random.Next(1, Math.Max(2, lastDay.DayNumber - delivery.DayNumber)));
            }

            if (day >= lastDay)
            {
                break;
            }

            var agreedAt = At(day, random.Next(8, 17));
            var km = deliveryKm + (int)((day.DayNumber - delivery.DayNumber) * kmPerDay);
            visits.Add(Visit(random, vin, i, agreedAt, km, firstMaintenance: i == 0 && km < 5_000, model.Code, powertrain, now.AddHours(-1)));
        }

        var readDay = visits.Count > 0 ? DateOnly.FromDateTime(visits[^1].CompletedAt.DateTime) : delivery;
        readDay = readDay.AddDays(random.Next(0, Math.Max(1, lastDay.DayNumber - readDay.DayNumber)));
        if (readDay < delivery)
        {
            readDay = delivery;
        }

        var readAt = At(readDay, 18);
        var readingKm = Math.Max(visits.Count > 0 ? visits[^1].MileageKm : deliveryKm, deliveryKm + (int)((readDay.DayNumber - delivery.DayNumber) * kmPerDay));
        if (readAt <= deliveredAt)
        {
            readAt = deliveredAt.AddHours(18);
        }

        readAt = Min(readAt, now.AddHours(-1).ToOffset(Offset));

        var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)] + (random.Next(2) == 0 ? GivenNames[random.Next(GivenNames.Length)] : "");
        var province = Provinces[random.Next(Provinces.Length)];
        return new GeneratedVehicle(
            vin, model.Code, batch, production, powertrain, model.Price + random.Next(0, 6) * 5_000m,
            name, $"13{random.Next(0, 10)}{random.Next(10_000_000, 99_999_999)}", $"D-{province}-{random.Next(1, 400):D3}",
            invoice, delivery, deliveryKm, visits, readAt, readingKm);
    }

    private static GeneratedVisit Visit(Random random, string vin, int i, DateTimeOffset agreedAt, int km, bool firstMaintenance, string model, Powertrain powertrain, DateTimeOffset latest)
    {
        var station = $"S-{Provinces[random.Next(Provinces.Length)]}-{random.Next(1, 500):D4}";
        var appraiser = $"A{random.Next(1, 2_000):D5}";
        var id = $"WO-{vin[^8..]}-{i + 1}";
        if (firstMaintenance || random.Next(100) < 45)
        {
            var completed = Min(agreedAt.AddHours(random.Next(1, 5)), latest);
            return new GeneratedVisit(
                id, station, firstMaintenance ? VisitKind.FirstMaintenance : VisitKind.Maintenance, agreedAt, completed, km,
                null, VehicleSystem.Other, WorkGrade.Minor, false, false, null, false, SafetyDefect.None,
                firstMaintenance ? "首保: oil and filter, inspection" : "Routine maintenance: oil, filters, inspection",
                [("AS-OIL-5W30", 4), ("AS-FLT-OIL", 1)], appraiser);
        }

        var fault = Faults[random.Next(Faults.Length)];
        if (fault.System == VehicleSystem.TractionBattery && powertrain == Powertrain.Ice)
        {
            fault = Faults[0];
        }
        else if (fault.System == VehicleSystem.DriveMotor && powertrain != Powertrain.Bev)
        {
            fault = Faults[1];
        }

        var warranty = random.Next(100) < 60;
        var roll = random.Next(1000);
        var unitReplaced = warranty && fault.MajorUnit && roll < 8;
        // Only catalogue main parts are main parts (electrical parts are none): the import is refused otherwise.
        var mainPart = warranty && roll < 150 && Catalogue.MainParts.ContainsKey(SystemKey(fault.System)) ? fault.Part : null;
        var safety = fault.System is VehicleSystem.Brakes or VehicleSystem.Steering && roll < 40;
        var defect = safety ? (fault.System == VehicleSystem.Brakes ? SafetyDefect.BrakeFailure : SafetyDefect.SteeringFailure) : SafetyDefect.None;
        var grade = unitReplaced ? WorkGrade.Overhaul : mainPart is not null ? WorkGrade.Secondary : WorkGrade.Minor;
        var completedAt = Min(agreedAt.AddHours(random.Next(2, 24 * (unitReplaced ? 12 : 4))), latest);
        return new GeneratedVisit(
            id, station, VisitKind.Repair, agreedAt, completedAt, km, fault.Code, fault.System, grade, warranty,
            unitReplaced, mainPart, safety, defect, $"Diagnosed {fault.Code} on {model}; repaired",
            [(fault.Part, 1)], appraiser);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b.ToOffset(a.Offset);

    private static DateTimeOffset At(DateOnly day, int hour) => new(day.ToDateTime(new TimeOnly(hour, 0)), Offset);

    private static char YearCode(int year) => "ABCDEFGHJKLMNPRSTVWXY123456789"[(year - 2010) % 30];

    /// <summary>
    /// The odometer readings the vehicle grain keeps (its state thins the log to the latest four plus the first
    /// reading at or past each policy km limit), so the baseline evaluates the same readings.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset ReadAt, int Km)> KeptReadings(GeneratedVehicle v)
    {
        var log = new List<(DateTimeOffset ReadAt, int Km)> { (At(v.DeliveryDate, 0), v.DeliveryKm) };
        log.AddRange(v.Visits.Select(visit => (visit.AgreedAt, visit.MileageKm)));
        if (v.ReadingKm != log[^1].Km)
        {
            log.Add((v.ReadAt, v.ReadingKm));
        }

        var keep = new bool[log.Count];
        for (var i = Math.Max(0, log.Count - 4); i < log.Count; i++)
        {
            keep[i] = true;
        }

        foreach (var limit in new[] { 60_000, 50_000, 5_000, 3_000, 150_000 })
        {
            var first = log.FindIndex(r => r.Km >= limit);
            if (first >= 0)
            {
                keep[first] = true;
            }
        }

        return [.. log.Where((_, i) => keep[i])];
    }
}

/// <summary>The catalogue document as the API takes it.</summary>
public sealed record BenchCatalogue(IReadOnlyList<BenchCataloguePart> Parts, IReadOnlyDictionary<string, string[]> MainParts, IReadOnlyList<BenchWearPart> WearParts);

public sealed record BenchCataloguePart(string PartNo, string Name, string System);

public sealed record BenchWearPart(string PartNo, int Months, int Km);
