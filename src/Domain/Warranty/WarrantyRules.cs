using System.Globalization;
using AfterSales.Domain.Catalogue;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;

namespace AfterSales.Domain.Warranty;

/// <summary>
/// Warranty coverage, first maintenance, wear parts and the 三包 entitlements of SAMR Order No. 43, as one pure
/// function of the vehicle, its repair archive, the parts catalogue and the date, mileage and instant evaluated.
/// </summary>
/// <remarks>
/// Conventions (see <see cref="Boundaries"/>): instants are dated in the business calendar
/// (<see cref="WarrantyPolicy.BusinessUtcOffset"/>, UTC+08:00); the coverage start is day 0; a month-based coverage
/// is active through <c>start.AddMonths(M)</c>; a km limit L is reached at odometer L (km are odometer readings: the car
/// is delivered at about 0 km; after an Art. 29 restart they count from the reading on the restart date). When both
/// limits have passed, the state names the one that passed first: mileage if the first recorded reading at or over
/// the limit is dated on or before the last covered day, else time.
/// <para>Only warranty repairs (<see cref="VisitKind.Repair"/> whose claim was approved) agreed on or after the coverage
/// start and on or before <c>asOf</c> count; a repair still open at <c>evaluatedAt</c> is counted up to that instant.
/// A cancelled work order's appraisal is a finding only: it shows what failed (Art. 20, 22, 23, a fault persisting
/// under Art. 24) but counts as no repair. Art. 20, 22 and 23 look at findings inside their windows and stay listed
/// once they arose; Art. 21 at repairs agreed inside the 包修期 (Art. 40 days with no exclusions: waiting for parts
/// counts); Art. 24 counts repairs agreed inside the 三包有效期 (Art. 24 exclusions subtracted) and keeps an entitlement
/// that arose inside it after the period ends, while a watch is shown only while the period runs.</para>
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
    /// Wear parts are the ones of the <paramref name="catalogue"/> version in force on the coverage start (the 三包凭证
    /// handed over at the sale). Before the vehicle is sold the assessment says so: no start, no coverages, no entitlements.
    /// </summary>
    public static WarrantyAssessment Assess(
        VehicleFacts vehicle,
        IReadOnlyList<RepairVisit> archive,
        DateOnly asOf,
        int mileageKm,
        DateTimeOffset evaluatedAt,
        WarrantyPolicy policy,
        PartsCatalogue? catalogue = null)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(mileageKm);

        var mileage = Math.Max(mileageKm, OdometerOn(vehicle, asOf, policy));
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
                SanbaoCounters.Empty,
                []);
        }

        var ctx = new Context(vehicle, policy, start, asOf, mileage, evaluatedAt, archive);

        var warranty = ctx.Coverage(WarrantyCoverage, policy.Warranty.Months, policy.Warranty.Km);
        var sanbao = ctx.Coverage(SanbaoCoverage, policy.Sanbao.Months, policy.Sanbao.Km);
        var coverages = new List<CoverageStatus>(2 + policy.Components.Count) { warranty, sanbao };
        for (var i = 0; i < policy.Components.Count; i++)
        {
            var component = policy.Components[i];
            if (component.AppliesTo(vehicle.Model, vehicle.Powertrain))
            {
                coverages.Add(ctx.Coverage(component.Name, component.Months, component.Km));
            }
        }

        var wearParts = catalogue?.VersionOn(start)?.WearPartsFor(vehicle.Model) is { Count: > 0 } terms
            ? terms.Select(t => ctx.Coverage(t.PartNo, t.Months, t.Km)).ToList()
            : [];

        var sanbaoFindings = new List<RepairVisit>(ctx.Counted.Count);
        var sanbaoRepairs = new List<RepairVisit>(ctx.Counted.Count);
        foreach (var visit in ctx.Counted)
        {
            if (ctx.IsInside(visit, sanbao))
            {
                sanbaoFindings.Add(visit);
                if (!visit.Cancelled)
                {
                    sanbaoRepairs.Add(visit);
                }
            }
        }

        var counters = Count(sanbaoRepairs, evaluatedAt);

        // Every article looks only at counted visits; only thresholds of 0 or less (which validation refuses) could
        // make one arise from none. Most vehicles have none counted, and this saves their reads the articles' garbage.
        IReadOnlyList<Entitlement> entitlements = [];
        if (ctx.Counted.Count > 0 || !AllThresholdsPositive(policy.ReplaceOrRefund))
        {
            var found = new List<Entitlement>();
            found.AddRange(Article20(ctx));
            found.AddRange(Article21(ctx, warranty));
            found.AddRange(Article22(ctx));
            found.AddRange(Article23(ctx));
            found.AddRange(Article24(ctx, sanbaoRepairs, sanbaoFindings, counters, sanbao.State == CoverageState.Active));
            entitlements = found;
        }

        return new WarrantyAssessment(asOf, mileage, start, null, coverages, FirstMaintenance(ctx), entitlements, counters, wearParts);
    }

    private static bool AllThresholdsPositive(ReplaceOrRefundThresholds thresholds) =>
        thresholds.SeriousSafetyRepairs > 0 && thresholds.UnitReplacements > 0 && thresholds.SameMainPartReplacements > 0
        && thresholds.MaxCumulativeRepairDays >= 0 && thresholds.WatchRepairDays > 0
        && thresholds.WatchSameProblemRepairs > 0;

    /// <summary>True for the engine, gearbox, traction battery and drive motor (Art. 20, 22, 24(2)).</summary>
    public static bool IsMajorUnit(VehicleSystem system) =>
        system is VehicleSystem.Engine or VehicleSystem.Gearbox or VehicleSystem.TractionBattery or VehicleSystem.DriveMotor;

    /// <summary>True for the systems whose main parts Art. 24(3) counts (everything but electrical and other).</summary>
    public static bool HasArticle24MainParts(VehicleSystem system) =>
        system is not (VehicleSystem.Electrical or VehicleSystem.Other);

    /// <summary>
    /// The main parts a visit counts as replacing. A replacement of the whole engine, gearbox, battery or motor counts
    /// as a unit replacement only: unit and main-part replacements are counted separately, never twice (Art. 24).
    /// </summary>
    public static IReadOnlyList<string> MainPartsOf(RepairVisit visit) =>
        IsUnitReplacement(visit) || !HasArticle24MainParts(visit.System) ? [] : visit.MainPartsReplaced;

    private static SanbaoCounters Count(List<RepairVisit> repairs, DateTimeOffset evaluatedAt)
    {
        if (repairs.Count == 0)
        {
            return SanbaoCounters.Empty;
        }

        var byFault = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byPart = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int repairDays = 0, unitReplacements = 0, seriousSafety = 0;
        foreach (var visit in repairs)
        {
            if (FaultOf(visit) is { } fault)
            {
                byFault[fault] = byFault.GetValueOrDefault(fault) + 1;
            }

            foreach (var part in MainPartsOf(visit))
            {
                byPart[part] = byPart.GetValueOrDefault(part) + 1;
            }

            repairDays += RepairTime.Days(visit, evaluatedAt, subtractExclusions: true);
            unitReplacements += IsUnitReplacement(visit) ? 1 : 0;
            seriousSafety += visit.SeriousSafety ? 1 : 0;
        }

        return new SanbaoCounters(repairDays, byFault, unitReplacements, seriousSafety, byPart);
    }

    private static IEnumerable<Entitlement> Article20(Context ctx)
    {
        var window = ctx.Policy.EarlyFailureWindow;
        foreach (var visit in ctx.Counted.Where(v => IsMajorUnit(v.System) && (v.UnitReplaced || v.MainPartsReplaced.Count > 0) && ctx.IsInsideEarlyFailureWindow(v)))
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
        foreach (var visit in ctx.Counted.Where(v => !v.Cancelled && ctx.IsInside(v, warranty)))
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
            .Where(v => IsMajorUnit(v.System) && (v.UnitReplaced || v.MainPartsReplaced.Count > 0) && Boundaries.IsWithinDays(ctx.Start, ctx.DateOf(v.AgreedAt), days))
            .ToList();
        if (visits.Count == 0)
        {
            yield break;
        }

        var what = string.Join("; ", visits.Select(v => Text($"repair {v.Id} on day {ctx.Day(v)}: {SystemName(v.System)}, {Failure(v)}")));
        yield return new Entitlement(
            Remedy.ReplaceOrRefund,
            "Art. 22",
            Text($"Within {days} days of the start date the engine, gearbox, traction battery or drive motor or a main part of it needed replacing ({what}): the owner may choose a replacement vehicle or a refund, free of charge (no usage compensation)."),
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
            Text($"Within {window.Days} days and {Km(window.Km)} of the start date the vehicle had a safety defect ({what}): the owner may choose a replacement vehicle or a refund, free of charge (no usage compensation)."),
            visits.Select(v => v.Id).ToList());
    }

    /// <summary>
    /// Art. 24 over the repairs (carried out) and findings (every approved appraisal, cancelled ones included) inside
    /// the 三包有效期. (1)–(3): reaching the count is a watch; a later appraisal showing the fault persisting grants it.
    /// (4) is granted on its numbers, with early warnings. A grant stays after the period; a watch only while it runs.
    /// </summary>
    private static IEnumerable<Entitlement> Article24(
        Context ctx, List<RepairVisit> repairs, List<RepairVisit> findings, SanbaoCounters counters, bool sanbaoActive)
    {
        var thresholds = ctx.Policy.ReplaceOrRefund;
        var compensation = ctx.UsageCompensation();
        // Worded only when an entitlement or a watch needs it: most vehicles have neither, and formatting it on every
        // assessment was 2 % of a warm warranty read.
        string? sentence = null;
        string Payable() => sentence ??= ctx.CompensationSentence(compensation);
        Entitlement Entitle(string article, string reason, IEnumerable<RepairVisit> visits, EntitlementStatus status) =>
            new(Remedy.ReplaceOrRefund, article, reason, [.. visits.Select(v => v.Id).Distinct()], status, compensation);

        // (1)–(3): the counted repairs alone are a watch (while the period runs); a later finding of the fault persisting grants.
        Entitlement? WatchOrGrant(string article, List<RepairVisit> counted, RepairVisit? evidence, Func<RepairVisit, string> granted, string watched) =>
            evidence is { } found ? Entitle(article, granted(found) + ": the owner may choose a replacement vehicle or a refund." + Payable(), [.. counted, found], EntitlementStatus.Granted)
            : sanbaoActive ? Entitle(article, watched + ", the owner may choose a replacement vehicle or a refund." + Payable(), counted, EntitlementStatus.Watch)
            : null;

        // (1) serious safety faults repaired twice, then the fault still there or a new serious safety fault.
        // The counters count the same repairs: the lists are built only when a threshold is reached.
        if (counters.SeriousSafetyRepairs >= thresholds.SeriousSafetyRepairs)
        {
            var counted = repairs.Where(v => v.SeriousSafety).Take(thresholds.SeriousSafetyRepairs).ToList();
            var evidence = LaterThan(findings, counted[^1]).FirstOrDefault(v => v.SeriousSafety);
            if (WatchOrGrant("Art. 24(1)", counted, evidence,
                found => Text($"Serious safety faults were repaired {Times(counted.Count)} inside the 三包 validity period (repairs {Ids(counted)}) and ") + (counted.Any(v => SameFault(v, found))
                    ? Text($"appraisal {found.Id} found the fault still not eliminated (fault code {FaultOf(found)})")
                    : Text($"appraisal {found.Id} found a new serious safety fault ({FaultOf(found) ?? "no fault code"})")),
                Text($"Serious safety faults have been repaired {Times(counted.Count)} inside the 三包 validity period (repairs {Ids(counted)}): if an appraisal finds the fault still not eliminated, or a new serious safety fault, within the period")) is { } art1)
            {
                yield return art1;
            }
        }

        // (2) engine, gearbox, battery or motor replaced twice, then still not usable.
        if (counters.UnitReplacements >= thresholds.UnitReplacements)
        {
            var counted = repairs.Where(IsUnitReplacement).Take(thresholds.UnitReplacements).ToList();
            var which = string.Join(", ", counted.Select(v => Text($"{v.Id}: {SystemName(v.System)}")));
            var evidence = LaterThan(findings, counted[^1]).FirstOrDefault(v => counted.Any(u => u.System == v.System));
            if (WatchOrGrant("Art. 24(2)", counted, evidence,
                found => Text($"The engine, gearbox, traction battery or drive motor was replaced {Times(counted.Count)} inside the 三包 validity period ({which}) and appraisal {found.Id} found the {SystemName(found.System)} still not usable"),
                Text($"The engine, gearbox, traction battery or drive motor has been replaced {Times(counted.Count)} inside the 三包 validity period ({which}): if an appraisal finds it still not usable within the period")) is { } art2)
            {
                yield return art2;
            }
        }

        // (3) the same main part replaced twice, then still not usable (the part failing again, or the same fault).
        foreach (var (part, _) in counters.MainPartReplacements.Where(p => p.Value >= thresholds.SameMainPartReplacements))
        {
            var counted = repairs.Where(v => MainPartsOf(v).Contains(part, StringComparer.OrdinalIgnoreCase)).Take(thresholds.SameMainPartReplacements).ToList();
            var system = counted[0].System;
            var evidence = LaterThan(findings, counted[^1]).FirstOrDefault(v =>
                v.System == system && (v.MainPartsReplaced.Contains(part, StringComparer.OrdinalIgnoreCase) || counted.Any(c => SameFault(c, v))));
            if (WatchOrGrant("Art. 24(3)", counted, evidence,
                found => Text($"Main part {part} of the {SystemName(system)} was replaced {Times(counted.Count)} inside the 三包 validity period (repairs {Ids(counted)}) and appraisal {found.Id} found it still not usable"),
                Text($"Main part {part} of the {SystemName(system)} has been replaced {Times(counted.Count)} inside the 三包 validity period (repairs {Ids(counted)}): if an appraisal finds it still not usable within the period")) is { } art3)
            {
                yield return art3;
            }
        }

        // (4) more than 30 repair days, or the same quality problem repaired more than 4 times: granted on the numbers.
        var daysGranted = counters.RepairDays > thresholds.MaxCumulativeRepairDays;
        if (daysGranted || (sanbaoActive && counters.RepairDays >= thresholds.WatchRepairDays))
        {
            var perVisit = repairs
                .Select(v => (Visit: v, Days: RepairTime.Days(v, ctx.EvaluatedAt, subtractExclusions: true)))
                .Where(x => x.Days > 0)
                .ToList();
            var which = string.Join(", ", perVisit.Select(x => Text($"{x.Visit.Id}: {Days(x.Days)}")));
            yield return daysGranted
                ? Entitle("Art. 24(4)", Text($"Warranty repairs inside the 三包 validity period have taken {Days(counters.RepairDays)} in total ({which}), more than {thresholds.MaxCumulativeRepairDays}: the owner may choose a replacement vehicle or a refund.{Payable()}"),
                    perVisit.Select(x => x.Visit), EntitlementStatus.Granted)
                : Entitle("Art. 24(4)", Text($"Warranty repairs inside the 三包 validity period have taken {Days(counters.RepairDays)} in total ({which}); more than {thresholds.MaxCumulativeRepairDays} would entitle the owner to a replacement vehicle or a refund.{Payable()}"),
                    perVisit.Select(x => x.Visit), EntitlementStatus.Watch);
        }

        foreach (var (fault, count) in counters.RepairsByFault.Where(f => f.Value >= thresholds.WatchSameProblemRepairs))
        {
            var granted = count > thresholds.MaxSameProblemRepairs;
            if (!granted && !sanbaoActive)
            {
                continue;
            }

            var visits = repairs.Where(v => string.Equals(FaultOf(v), fault, StringComparison.OrdinalIgnoreCase)).ToList();
            yield return granted
                ? Entitle("Art. 24(4)", Text($"The same problem (fault code {fault}) has been repaired {Times(count)} inside the 三包 validity period (repairs {Ids(visits)}), more than {thresholds.MaxSameProblemRepairs}: the owner may choose a replacement vehicle or a refund.{Payable()}"),
                    visits, EntitlementStatus.Granted)
                : Entitle("Art. 24(4)", Text($"The same problem (fault code {fault}) has been repaired {Times(count)} inside the 三包 validity period (repairs {Ids(visits)}); more than {thresholds.MaxSameProblemRepairs} would entitle the owner to a replacement vehicle or a refund.{Payable()}"),
                    visits, EntitlementStatus.Watch);
        }
    }

    /// <summary>The findings after <paramref name="visit"/> (agreed later; the same instant is ordered by id).</summary>
    private static IEnumerable<RepairVisit> LaterThan(List<RepairVisit> findings, RepairVisit visit) =>
        findings.Where(v => v.Id != visit.Id && (v.AgreedAt > visit.AgreedAt || (v.AgreedAt == visit.AgreedAt && string.CompareOrdinal(v.Id, visit.Id) > 0)));

    private static bool SameFault(RepairVisit a, RepairVisit b) =>
        FaultOf(a) is { } fault && string.Equals(fault, FaultOf(b), StringComparison.OrdinalIgnoreCase);

    private static FirstMaintenanceStatus FirstMaintenance(Context ctx)
    {
        var window = ctx.Policy.FirstMaintenance;
        var dueBy = ctx.Start.AddMonths(window.Months);
        var dueAtKm = ctx.BaseKm + window.Km;
        // The earliest agreed first maintenance inside the window (the first of equals, as a stable order gives).
        RepairVisit? done = null;
        for (var i = 0; i < ctx.Archive.Count; i++)
        {
            var visit = ctx.Archive[i];
            if (visit.Kind == VisitKind.FirstMaintenance
                && ctx.DateOf(visit.AgreedAt) is var date && date >= ctx.Start && date <= ctx.AsOf && date <= dueBy
                && Boundaries.IsBelowKm(visit.MileageKm, dueAtKm)
                && (done is null || visit.AgreedAt < done.AgreedAt))
            {
                done = visit;
            }
        }

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

    /// <summary>The highest odometer reading dated (business calendar) on or before <paramref name="date"/>; 0 when there is none.</summary>
    private static int OdometerOn(VehicleFacts vehicle, DateOnly date, WarrantyPolicy policy)
    {
        var highest = 0;
        var readings = vehicle.OdometerReadings;
        for (var i = 0; i < readings.Count; i++) // by index: a foreach over the interface allocates its enumerator
        {
            var reading = readings[i];
            if (reading.Km > highest && policy.DateOf(reading.ReadAt) <= date)
            {
                highest = reading.Km;
            }
        }

        return highest;
    }

    /// <summary>In the order the visits were agreed, the same instant by id: a stable order that does not depend on the archive's.</summary>
    private static void SortByAgreement(List<RepairVisit> visits)
    {
        for (var i = 1; i < visits.Count; i++)
        {
            if (CompareAgreement(visits[i - 1], visits[i]) > 0)
            {
                // Rare (an archive is kept in the order visits were recorded); a stable sort, as before.
                var sorted = visits.OrderBy(v => v.AgreedAt).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
                visits.Clear();
                visits.AddRange(sorted);
                return;
            }
        }
    }

    private static int CompareAgreement(RepairVisit a, RepairVisit b)
    {
        var byTime = a.AgreedAt.CompareTo(b.AgreedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    private static string Failure(RepairVisit visit) =>
        visit.UnitReplaced
            ? "the whole unit was replaced"
            : visit.MainPartsReplaced.Count == 1
                ? Text($"main part {visit.MainPartsReplaced[0]} replaced")
                : Text($"main parts {string.Join(", ", visit.MainPartsReplaced)} replaced");

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
            BaseKm = vehicle.CoverageRestartedOn is { } restarted ? OdometerOn(vehicle, restarted, policy) : 0;
            StartOdometerKm = OdometerOn(vehicle, start, policy);
            // Loops rather than LINQ here and below: a warranty read runs this for every request, and each iterator,
            // closure and sort buffer was garbage the silo's collector then paid for in pauses (bench/profiling.md).
            Counted = new List<RepairVisit>(archive.Count);
            for (var i = 0; i < archive.Count; i++)
            {
                var visit = archive[i];
                if (visit.IsWarrantyRepair && DateOf(visit.AgreedAt) is var date && date >= start && date <= asOf)
                {
                    Counted.Add(visit);
                }
            }

            SortByAgreement(Counted);
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

        /// <summary>Warranty repairs (and cancelled repairs' findings) agreed from the start date to <see cref="AsOf"/>, in order.</summary>
        public List<RepairVisit> Counted { get; }

        public DateOnly DateOf(DateTimeOffset instant) => Policy.DateOf(instant);

        public int Day(RepairVisit visit) => Boundaries.ElapsedDays(Start, DateOf(visit.AgreedAt));

        public bool IsInside(RepairVisit visit, CoverageStatus coverage) =>
            DateOf(visit.AgreedAt) <= coverage.EndsOn && Boundaries.IsBelowKm(visit.MileageKm, coverage.EndsAtKm);

        public bool IsInsideEarlyFailureWindow(RepairVisit visit) =>
            Boundaries.IsWithinDays(Start, DateOf(visit.AgreedAt), Policy.EarlyFailureWindow.Days)
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

        /// <summary>Km driven since the start date, for Art. 27.</summary>
        public int KmDriven => Math.Max(0, MileageKm - StartOdometerKm);

        /// <summary>Art. 27: what the owner pays for the use had on a replacement or refund under Art. 24.</summary>
        public decimal UsageCompensation() => Warranty.UsageCompensation.Compute(Vehicle.Price, KmDriven, Policy.UsageCompensationRate);

        public string CompensationSentence(decimal amount) =>
            Text($" On a replacement or refund the owner pays a usage compensation of ¥{amount:N2} at {Km(KmDriven)} driven (Art. 27: price ¥{Vehicle.Price:N2} × {KmDriven:N0} km ÷ 1000 × {Policy.UsageCompensationRate * 100m:0.###} %).");

        /// <summary>The date of the first recorded reading at or over <paramref name="limitKm"/>, up to <see cref="AsOf"/>.</summary>
        private DateOnly? MileageReachedOn(int limitKm)
        {
            DateOnly? earliest = null;
            var readings = Vehicle.OdometerReadings;
            for (var i = 0; i < readings.Count; i++)
            {
                if (readings[i].Km >= limitKm && DateOf(readings[i].ReadAt) is var date && date <= AsOf && (earliest is null || date < earliest))
                {
                    earliest = date;
                }
            }

            return earliest;
        }
    }
}
