using System.Globalization;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Warranty;

/// <summary>
/// Warranty coverage, first maintenance and the 三包 entitlements of SAMR Order No. 43, as one pure
/// function of the vehicle, its repair archive and the date, mileage and instant evaluated.
/// </summary>
/// <remarks>
/// Conventions (see <see cref="Boundaries"/>): the coverage start is day 0; a month-based coverage is
/// active through <c>start.AddMonths(M)</c>; a km limit L is reached at odometer L (km are odometer
/// readings: the car is delivered at about 0 km; after an Art. 29 restart they count from the
/// reading on the restart date). When both limits have passed, the state names the one that passed
/// first: mileage if the first recorded reading at or over the limit is dated on or before the last
/// covered day, else time.
/// <para>Only warranty repairs (<see cref="VisitKind.Repair"/> judged warranty) agreed on or after the
/// coverage start and on or before <c>asOf</c> count; a repair still open at <c>evaluatedAt</c> is
/// counted up to that instant. Art. 20, 22 and 23 look at repairs agreed inside their windows and
/// stay listed once they arose; Art. 21 at repairs agreed inside the 包修期 (Art. 40 days with no
/// exclusions: waiting for parts counts); Art. 24 applies only while <c>asOf</c> and the mileage are
/// inside the 三包有效期, and counts only repairs agreed inside it (Art. 24 exclusions subtracted).</para>
/// </remarks>
public static class WarrantyRules
{
    /// <summary>Name of the 包修期 coverage.</summary>
    public const string WarrantyCoverage = "warranty";

    /// <summary>Name of the 三包有效期 coverage.</summary>
    public const string SanbaoCoverage = "sanbao";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Assesses <paramref name="vehicle"/> on <paramref name="asOf"/> (through the end of that day) at
    /// odometer <paramref name="mileageKm"/>; open repairs are counted up to <paramref name="evaluatedAt"/>.
    /// Before the vehicle is sold the assessment says so: no start, no coverages, no entitlements.
    /// </summary>
    public static WarrantyAssessment Assess(
        VehicleFacts vehicle,
        IReadOnlyList<RepairVisit> archive,
        DateOnly asOf,
        int mileageKm,
        DateTimeOffset evaluatedAt,
        WarrantyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(mileageKm);

        var mileage = Math.Max(mileageKm, OdometerOn(vehicle, asOf));
        if (vehicle.CoverageStart is not { } start)
        {
            return new WarrantyAssessment(
                asOf,
                mileage,
                null,
                "Not yet sold: the warranty periods start on the invoice date, or the delivery date where they differ (Art. 18).",
                [],
                null,
                [],
                SanbaoCounters.Empty);
        }

        var ctx = new Context(vehicle, policy, start, asOf, mileage, evaluatedAt, archive);

        var warranty = ctx.Coverage(WarrantyCoverage, policy.Warranty.Months, policy.Warranty.Km);
        var sanbao = ctx.Coverage(SanbaoCoverage, policy.Sanbao.Months, policy.Sanbao.Km);
        var coverages = new List<CoverageStatus> { warranty, sanbao };
        coverages.AddRange(policy.Components
            .Where(c => c.AppliesTo(vehicle.Model, vehicle.Powertrain))
            .Select(c => ctx.Coverage(c.Name, c.Months, c.Km)));

        var sanbaoRepairs = ctx.Counted.Where(v => ctx.IsInside(v, sanbao)).ToList();
        var counters = Count(sanbaoRepairs, evaluatedAt);

        var entitlements = new List<Entitlement>();
        entitlements.AddRange(Article20(ctx));
        entitlements.AddRange(Article21(ctx, warranty));
        entitlements.AddRange(Article22(ctx));
        entitlements.AddRange(Article23(ctx));
        if (sanbao.State == CoverageState.Active)
        {
            entitlements.AddRange(Article24(ctx, sanbaoRepairs, counters));
        }

        return new WarrantyAssessment(asOf, mileage, start, null, coverages, FirstMaintenance(ctx), entitlements, counters);
    }

    /// <summary>True for the engine, gearbox, traction battery and drive motor (Art. 20, 22, 24(2)).</summary>
    public static bool IsMajorUnit(VehicleSystem system) =>
        system is VehicleSystem.Engine or VehicleSystem.Gearbox or VehicleSystem.TractionBattery or VehicleSystem.DriveMotor;

    /// <summary>True for the systems whose main parts Art. 24(3) counts (everything but electrical and other).</summary>
    public static bool HasArticle24MainParts(VehicleSystem system) =>
        system is not (VehicleSystem.Electrical or VehicleSystem.Other);

    private static SanbaoCounters Count(List<RepairVisit> repairs, DateTimeOffset evaluatedAt)
    {
        var byFault = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byPart = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var visit in repairs)
        {
            if (FaultOf(visit) is { } fault)
            {
                byFault[fault] = byFault.GetValueOrDefault(fault) + 1;
            }

            if (MainPartOf(visit) is { } part)
            {
                byPart[part] = byPart.GetValueOrDefault(part) + 1;
            }
        }

        return new SanbaoCounters(
            repairs.Sum(v => RepairTime.Days(v, evaluatedAt, subtractExclusions: true)),
            byFault,
            repairs.Count(IsUnitReplacement),
            repairs.Count(v => v.SeriousSafety),
            byPart);
    }

    private static IEnumerable<Entitlement> Article20(Context ctx)
    {
        var window = ctx.Policy.EarlyFailureWindow;
        foreach (var visit in ctx.Counted.Where(v => IsMajorUnit(v.System) && (v.UnitReplaced || MainPartOf(v) is not null) && ctx.IsInsideEarlyFailureWindow(v)))
        {
            var unit = SystemName(visit.System);
            yield return new Entitlement(
                Remedy.UnitReplacement,
                "Art. 20",
                Text($"Repair {visit.Id} on day {ctx.Day(visit)} at {Km(visit.MileageKm)} found a main part of the {unit} failing ({Failure(visit)}) within {window.Days} days and {Km(window.Km)} of the start date: the owner is entitled to a free replacement {unit}."),
                [visit.Id]);
        }
    }

    private static IEnumerable<Entitlement> Article21(Context ctx, CoverageStatus warranty)
    {
        var limit = ctx.Policy.LoanerAfterRepairDays;
        foreach (var visit in ctx.Counted.Where(v => ctx.IsInside(v, warranty)))
        {
            var days = RepairTime.Days(visit, ctx.EvaluatedAt, subtractExclusions: false);
            if (days <= limit)
            {
                continue;
            }

            var compensated = days - limit;
            var reason = RepairTime.IsOngoing(visit, ctx.EvaluatedAt)
                ? Text($"Repair {visit.Id} at station {visit.StationCode} has taken {Days(days)} so far and is still open, more than {limit}: the owner is entitled to a loaner car or transport compensation from day {limit + 1}, {Days(compensated)} so far.")
                : Text($"Repair {visit.Id} at station {visit.StationCode} took {Days(days)}, more than {limit}: the owner is entitled to a loaner car or transport compensation for {Days(compensated)}, from day {limit + 1}.");
            yield return new Entitlement(Remedy.LoanerOrCompensation, "Art. 21", reason, [visit.Id]);
        }
    }

    private static IEnumerable<Entitlement> Article22(Context ctx)
    {
        var days = ctx.Policy.EarlyReplacementDays;
        var visits = ctx.Counted
            .Where(v => IsMajorUnit(v.System) && (v.UnitReplaced || MainPartOf(v) is not null) && Boundaries.IsWithinDays(ctx.Start, Boundaries.DateOf(v.AgreedAt), days))
            .ToList();
        if (visits.Count == 0)
        {
            yield break;
        }

        var what = string.Join("; ", visits.Select(v => Text($"repair {v.Id} on day {ctx.Day(v)}: {SystemName(v.System)}, {Failure(v)}")));
        yield return new Entitlement(
            Remedy.ReplaceOrRefund,
            "Art. 22",
            Text($"Within {days} days of the start date the engine, gearbox, traction battery or drive motor needed replacing ({what}): the owner may choose a replacement vehicle or a refund.{ctx.RefundSentence()}"),
            visits.Select(v => v.Id).ToList());
    }

    private static IEnumerable<Entitlement> Article23(Context ctx)
    {
        var window = ctx.Policy.EarlyFailureWindow;
        var visits = ctx.Counted.Where(v => v.SafetyDefect != SafetyDefect.None && ctx.IsInsideEarlyFailureWindow(v)).ToList();
        if (visits.Count == 0)
        {
            yield break;
        }

        var what = string.Join("; ", visits.Select(v => Text($"{DefectName(v.SafetyDefect)}, repair {v.Id} on day {ctx.Day(v)} at {Km(v.MileageKm)}")));
        yield return new Entitlement(
            Remedy.ReplaceOrRefund,
            "Art. 23",
            Text($"Within {window.Days} days and {Km(window.Km)} of the start date the vehicle had a safety defect ({what}): the owner may choose a replacement vehicle or a refund.{ctx.RefundSentence()}"),
            visits.Select(v => v.Id).ToList());
    }

    private static IEnumerable<Entitlement> Article24(Context ctx, List<RepairVisit> repairs, SanbaoCounters counters)
    {
        var thresholds = ctx.Policy.ReplaceOrRefund;
        var refund = ctx.RefundSentence();

        var safety = repairs.Where(v => v.SeriousSafety).ToList();
        if (safety.Count >= thresholds.SeriousSafetyRepairs)
        {
            yield return new Entitlement(
                Remedy.ReplaceOrRefund,
                "Art. 24(1)",
                Text($"Serious safety faults have been repaired {Times(safety.Count)} inside the 三包 validity period (repairs {Ids(safety)}): if the fault is still present or a new serious safety fault appears, the owner may choose a replacement vehicle or a refund.{refund}"),
                IdList(safety));
        }

        var units = repairs.Where(IsUnitReplacement).ToList();
        if (units.Count >= thresholds.UnitReplacements)
        {
            var which = string.Join(", ", units.Select(v => Text($"{v.Id}: {SystemName(v.System)}")));
            yield return new Entitlement(
                Remedy.ReplaceOrRefund,
                "Art. 24(2)",
                Text($"The engine, gearbox, traction battery or drive motor has been replaced {Times(units.Count)} inside the 三包 validity period ({which}): if it still cannot be used normally, the owner may choose a replacement vehicle or a refund.{refund}"),
                IdList(units));
        }

        foreach (var (part, count) in counters.MainPartReplacements.Where(p => p.Value >= thresholds.SameMainPartReplacements))
        {
            var visits = repairs.Where(v => string.Equals(MainPartOf(v), part, StringComparison.OrdinalIgnoreCase)).ToList();
            yield return new Entitlement(
                Remedy.ReplaceOrRefund,
                "Art. 24(3)",
                Text($"Main part '{part}' of the {SystemName(visits[0].System)} has been replaced {Times(count)} inside the 三包 validity period (repairs {Ids(visits)}): the owner may choose a replacement vehicle or a refund.{refund}"),
                IdList(visits));
        }

        if (counters.RepairDays > thresholds.MaxCumulativeRepairDays)
        {
            var perVisit = repairs
                .Select(v => (Visit: v, Days: RepairTime.Days(v, ctx.EvaluatedAt, subtractExclusions: true)))
                .Where(x => x.Days > 0)
                .ToList();
            var which = string.Join(", ", perVisit.Select(x => Text($"{x.Visit.Id}: {Days(x.Days)}")));
            yield return new Entitlement(
                Remedy.ReplaceOrRefund,
                "Art. 24(4)",
                Text($"Warranty repairs inside the 三包 validity period have taken {Days(counters.RepairDays)} in total ({which}), more than {thresholds.MaxCumulativeRepairDays}: the owner may choose a replacement vehicle or a refund.{refund}"),
                perVisit.Select(x => x.Visit.Id).ToList());
        }

        foreach (var (fault, count) in counters.RepairsByFault.Where(f => f.Value > thresholds.MaxSameProblemRepairs))
        {
            var visits = repairs.Where(v => string.Equals(FaultOf(v), fault, StringComparison.OrdinalIgnoreCase)).ToList();
            yield return new Entitlement(
                Remedy.ReplaceOrRefund,
                "Art. 24(4)",
                Text($"The same problem (fault code {fault}) has been repaired {Times(count)} inside the 三包 validity period (repairs {Ids(visits)}), more than {thresholds.MaxSameProblemRepairs}: the owner may choose a replacement vehicle or a refund.{refund}"),
                IdList(visits));
        }
    }

    private static FirstMaintenanceStatus FirstMaintenance(Context ctx)
    {
        var window = ctx.Policy.FirstMaintenance;
        var dueBy = ctx.Start.AddMonths(window.Months);
        var dueAtKm = ctx.BaseKm + window.Km;
        var done = ctx.Archive
            .Where(v => v.Kind == VisitKind.FirstMaintenance)
            .Where(v => Boundaries.DateOf(v.AgreedAt) is var date && date >= ctx.Start && date <= ctx.AsOf && date <= dueBy)
            .Where(v => Boundaries.IsBelowKm(v.MileageKm, dueAtKm))
            .OrderBy(v => v.AgreedAt)
            .FirstOrDefault();
        if (done is not null)
        {
            return new FirstMaintenanceStatus(FirstMaintenanceState.Done, dueBy, dueAtKm, done.Id);
        }

        var missed = ctx.AsOf > dueBy || !Boundaries.IsBelowKm(ctx.MileageKm, dueAtKm);
        return new FirstMaintenanceStatus(missed ? FirstMaintenanceState.Missed : FirstMaintenanceState.Due, dueBy, dueAtKm, null);
    }

    private static bool IsUnitReplacement(RepairVisit visit) => visit.UnitReplaced && IsMajorUnit(visit.System);

    private static string? FaultOf(RepairVisit visit) =>
        string.IsNullOrWhiteSpace(visit.FaultCode) ? null : visit.FaultCode.Trim();

    private static string? MainPartOf(RepairVisit visit) =>
        string.IsNullOrWhiteSpace(visit.MainPartReplaced) || !HasArticle24MainParts(visit.System) ? null : visit.MainPartReplaced.Trim();

    /// <summary>The highest odometer reading dated on or before <paramref name="date"/>; 0 when there is none.</summary>
    private static int OdometerOn(VehicleFacts vehicle, DateOnly date) =>
        vehicle.OdometerReadings.Where(r => Boundaries.DateOf(r.ReadAt) <= date).Select(r => r.Km).DefaultIfEmpty(0).Max();

    private static string Failure(RepairVisit visit) =>
        visit.UnitReplaced ? "the whole unit was replaced" : Text($"main part '{MainPartOf(visit)}' replaced");

    private static string SystemName(VehicleSystem system) => system switch
    {
        VehicleSystem.TractionBattery => "traction battery",
        VehicleSystem.DriveMotor => "drive motor",
        VehicleSystem.EmissionControl => "emission control",
        _ => system.ToString().ToLowerInvariant(),
    };

    private static string DefectName(SafetyDefect defect) => defect switch
    {
        SafetyDefect.SteeringFailure => "steering failure",
        SafetyDefect.BrakeFailure => "brake failure",
        SafetyDefect.BodyCracking => "body cracking",
        SafetyDefect.FuelLeak => "fuel leak",
        SafetyDefect.BatteryFire => "traction-battery fire",
        _ => "no defect",
    };

    private static string Ids(List<RepairVisit> visits) => string.Join(", ", visits.Select(v => v.Id));

    private static List<string> IdList(List<RepairVisit> visits) => visits.Select(v => v.Id).ToList();

    private static string Km(int km) => Text($"{km:N0} km");

    private static string Days(int days) => days == 1 ? "1 day" : Text($"{days} days");

    private static string Times(int count) => count == 1 ? "once" : Text($"{count} times");

    private static string Text(FormattableString text) => text.ToString(Invariant);

    /// <summary>Everything one assessment needs, computed once.</summary>
    private sealed class Context
    {
        public Context(VehicleFacts vehicle, WarrantyPolicy policy, DateOnly start, DateOnly asOf, int mileageKm, DateTimeOffset evaluatedAt, IReadOnlyList<RepairVisit> archive)
        {
            Vehicle = vehicle;
            Policy = policy;
            Start = start;
            AsOf = asOf;
            MileageKm = mileageKm;
            EvaluatedAt = evaluatedAt;
            Archive = archive;
            BaseKm = vehicle.CoverageRestartedOn is { } restarted ? OdometerOn(vehicle, restarted) : 0;
            StartOdometerKm = OdometerOn(vehicle, start);
            Counted = archive
                .Where(v => v.IsWarrantyRepair)
                .Where(v => Boundaries.DateOf(v.AgreedAt) is var date && date >= start && date <= asOf)
                .OrderBy(v => v.AgreedAt)
                .ThenBy(v => v.Id, StringComparer.Ordinal)
                .ToList();
        }

        public VehicleFacts Vehicle { get; }

        public WarrantyPolicy Policy { get; }

        public DateOnly Start { get; }

        public DateOnly AsOf { get; }

        public int MileageKm { get; }

        public DateTimeOffset EvaluatedAt { get; }

        public IReadOnlyList<RepairVisit> Archive { get; }

        /// <summary>Where km limits count from: 0, or the odometer on the Art. 29 restart date.</summary>
        public int BaseKm { get; }

        /// <summary>The odometer on the start date: km driven for Art. 27 count from here.</summary>
        public int StartOdometerKm { get; }

        /// <summary>Warranty repairs agreed from the start date to <see cref="AsOf"/>, in order.</summary>
        public List<RepairVisit> Counted { get; }

        public int Day(RepairVisit visit) => Boundaries.ElapsedDays(Start, Boundaries.DateOf(visit.AgreedAt));

        public bool IsInside(RepairVisit visit, CoverageStatus coverage) =>
            Boundaries.DateOf(visit.AgreedAt) <= coverage.EndsOn && Boundaries.IsBelowKm(visit.MileageKm, coverage.EndsAtKm);

        public bool IsInsideEarlyFailureWindow(RepairVisit visit) =>
            Boundaries.IsWithinDays(Start, Boundaries.DateOf(visit.AgreedAt), Policy.EarlyFailureWindow.Days)
            && Boundaries.IsBelowKm(visit.MileageKm, BaseKm + Policy.EarlyFailureWindow.Km);

        public CoverageStatus Coverage(string name, int months, int km)
        {
            var endsOn = Start.AddMonths(months);
            var endsAtKm = BaseKm + km;
            var timePassed = AsOf > endsOn;
            var kmReached = !Boundaries.IsBelowKm(MileageKm, endsAtKm);
            var state = (timePassed, kmReached) switch
            {
                (false, false) => CoverageState.Active,
                (true, false) => CoverageState.ExpiredByTime,
                (false, true) => CoverageState.ExpiredByMileage,
                _ => MileageReachedOn(endsAtKm) is { } reachedOn && reachedOn <= endsOn
                    ? CoverageState.ExpiredByMileage
                    : CoverageState.ExpiredByTime,
            };

            return state == CoverageState.Active
                ? new CoverageStatus(name, state, endsOn, endsAtKm, Math.Max(0, Boundaries.ElapsedDays(AsOf, endsOn)), Math.Max(0, endsAtKm - MileageKm))
                : new CoverageStatus(name, state, endsOn, endsAtKm, 0, 0);
        }

        public string RefundSentence()
        {
            var driven = Math.Max(0, MileageKm - StartOdometerKm);
            var rate = Policy.UsageCompensationRate;
            var amount = UsageCompensation.Compute(Vehicle.Price, driven, rate);
            return Text($" If the owner chooses a refund, the usage compensation at {Km(driven)} driven is ¥{amount:N2} (price ¥{Vehicle.Price:N2} × {driven:N0} km ÷ 1000 × {rate * 100m:0.###} %).");
        }

        /// <summary>The date of the first recorded reading at or over <paramref name="limitKm"/>, up to <see cref="AsOf"/>.</summary>
        private DateOnly? MileageReachedOn(int limitKm) =>
            Vehicle.OdometerReadings
                .Where(r => r.Km >= limitKm)
                .Select(r => Boundaries.DateOf(r.ReadAt))
                .Where(d => d <= AsOf)
                .Order()
                .Cast<DateOnly?>()
                .FirstOrDefault();
    }
}
