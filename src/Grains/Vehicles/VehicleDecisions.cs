using System.Collections.Immutable;
using AfterSales.Domain.Buyback;
using AfterSales.Domain.Catalogue;
using AfterSales.Domain.Repairs;
using AfterSales.Domain.Vehicles;
using AfterSales.Domain.Warranty;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Vehicles;

/// <summary>A command's verdict: the next state (null = nothing to change) or a refusal that changes nothing.</summary>
public readonly record struct Decision(VehicleState? Next, Refusal? Refusal)
{
    public static Decision Change(VehicleState next) => new(next, null);

    public static Decision Unchanged { get; } = new(null, null);

    public static implicit operator Decision(Refusal refusal) => new(null, refusal);
}

/// <summary>
/// The vehicle's lifecycle rules as pure functions of (state, command, today): no Orleans, no I/O, so the
/// single-command path and the bulk import apply exactly the same checks.
/// </summary>
public static class VehicleDecisions
{
    public static Decision Register(VehicleState state, RegisterVehicle command, string grainKey, DateOnly today)
    {
        if (!Vin.TryValidate(command.Vin, out var vinError))
        {
            return Refusal.Invalid("vin", vinError);
        }

        if (!string.Equals(command.Vin, grainKey, StringComparison.Ordinal))
        {
            return Refusal.Invalid("vin", $"vin {command.Vin} does not match the vehicle addressed ({grainKey}).");
        }

        if (state.IsRegistered)
        {
            return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Vehicle {grainKey} is already registered (state: {Describe(state.Lifecycle)}).");
        }

        if (command.ProductionDate > today)
        {
            return Refusal.Invalid("productionDate", $"productionDate {command.ProductionDate:yyyy-MM-dd} is in the future.");
        }

        if (!Enum.IsDefined(command.Powertrain))
        {
            return Refusal.Invalid("powertrain", "powertrain must be ice, hev or bev.");
        }

        if (command.Price <= 0)
        {
            return Refusal.Invalid("price", "price must be positive.");
        }

        return Decision.Change(state with
        {
            Identity = new VehicleIdentity(command.Vin, command.Model, command.Batch, command.ProductionDate, command.Powertrain, command.Price),
            Lifecycle = VehicleLifecycle.Produced,
        });
    }

    public static Decision Deliver(VehicleState state, DeliverVehicle command, DateOnly today, DateTimeOffset now, TimeSpan businessUtcOffset)
    {
        if (Unregistered(state) is { } missing)
        {
            return missing;
        }

        if (state.Lifecycle != VehicleLifecycle.Produced)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Vehicle {state.Identity!.Vin} is {Describe(state.Lifecycle)}; only a produced vehicle can be delivered.");
        }

        var production = state.Identity!.ProductionDate;
        if (command.InvoiceDate < production)
        {
            return Refusal.Invalid("invoiceDate", $"invoiceDate {command.InvoiceDate:yyyy-MM-dd} is before the production date {production:yyyy-MM-dd}.");
        }

        if (command.DeliveryDate < production)
        {
            return Refusal.Invalid("deliveryDate", $"deliveryDate {command.DeliveryDate:yyyy-MM-dd} is before the production date {production:yyyy-MM-dd}.");
        }

        if (command.DeliveryDate > today || command.InvoiceDate > today)
        {
            return Refusal.Invalid(command.DeliveryDate > today ? "deliveryDate" : "invoiceDate", "Delivery can only be recorded once it has happened (date is in the future).");
        }

        if (command.OdometerKm < state.OdometerKm)
        {
            return Refusal.Conflict(ProblemCodes.OdometerRegression, $"odometerKm {command.OdometerKm} km is below the recorded {state.OdometerKm} km; readings never go backwards.");
        }

        if (command.ReplacesVin is { } replaced && (!Vin.TryValidate(replaced, out var replacedError) || replaced == state.Identity.Vin))
        {
            return Refusal.Invalid("replacesVin", replaced == state.Identity.Vin ? "A vehicle cannot replace itself." : replacedError!);
        }

        var readAt = new DateTimeOffset(command.DeliveryDate.ToDateTime(TimeOnly.MinValue), businessUtcOffset);
        return Decision.Change(state with
        {
            Lifecycle = VehicleLifecycle.Delivered,
            Owner = new OwnerView(command.OwnerName, command.OwnerPhone, command.DeliveryDate),
            DealerCode = command.DealerCode,
            InvoiceDate = command.InvoiceDate,
            DeliveryDate = command.DeliveryDate,
            ReplacesVin = command.ReplacesVin,
            // Art. 29: a replacement vehicle's warranty and 三包 periods run from the replacement (its delivery).
            CoverageRestartedOn = command.ReplacesVin is null ? null : command.DeliveryDate,
            OdometerKm = command.OdometerKm,
            OdometerReadAt = readAt < now ? readAt : now,
            OdometerLog = [new OdometerEntry(readAt < now ? readAt : now, command.OdometerKm)],
        });
    }

    public static Decision RecordOdometer(VehicleState state, RecordOdometer command, DateTimeOffset now, VehicleOptions options)
    {
        if (InService(state, "record an odometer reading for") is { } refused)
        {
            return refused;
        }

        if (command.ReadAt > now.AddMinutes(5))
        {
            return Refusal.Invalid("readAt", "readAt is in the future.");
        }

        if (command.ReadingKm < state.OdometerKm)
        {
            return Refusal.Conflict(ProblemCodes.OdometerRegression, $"Odometer reading {command.ReadingKm} km is below the recorded {state.OdometerKm} km (read {state.OdometerReadAt:yyyy-MM-dd}); readings never go backwards.");
        }

        if (state.OdometerReadAt is { } lastRead && command.ReadAt < lastRead && command.ReadingKm > state.OdometerKm)
        {
            return Refusal.Conflict(ProblemCodes.OdometerRegression, $"A reading taken at {command.ReadAt:O} cannot exceed the later reading of {state.OdometerKm} km at {lastRead:O}.");
        }

        if (command.ReadingKm == state.OdometerKm)
        {
            return Decision.Unchanged;
        }

        if (Implausible(state, command.ReadAt, command.ReadingKm, options) is { } implausible)
        {
            return implausible;
        }

        return Decision.Change(WithReading(state, command.ReadAt, command.ReadingKm, options) with { Lifecycle = VehicleLifecycle.InService });
    }

    /// <summary>
    /// An operator lowers a wrong reading: the odometer becomes <see cref="CorrectOdometer.ReadingKm"/>, the kept
    /// readings above it are dropped (they were wrong), and the correction is kept with its reason. Visits keep the
    /// mileage their stations recorded.
    /// </summary>
    public static Decision CorrectOdometer(VehicleState state, CorrectOdometer command, DateTimeOffset now)
    {
        if (InService(state, "correct the odometer of") is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return Refusal.Invalid("reason", "reason is required: say why the recorded reading was wrong.");
        }

        if (command.ReadingKm < 0 || command.ReadingKm >= state.OdometerKm)
        {
            return Refusal.Invalid("readingKm", $"readingKm {command.ReadingKm} km must be below the current reading of {state.OdometerKm} km: a correction only lowers a wrong reading.");
        }

        var kept = state.OdometerLog.Where(r => r.Km <= command.ReadingKm && r.ReadAt <= now).Append(new OdometerEntry(now, command.ReadingKm));
        return Decision.Change(state with
        {
            OdometerKm = command.ReadingKm,
            OdometerReadAt = now,
            OdometerLog = [.. kept.OrderBy(r => r.ReadAt)],
            OdometerCorrections = state.OdometerCorrections.Add(
                new OdometerCorrectionView(now, state.OdometerKm, command.ReadingKm, command.Reason.Trim(), command.CorrectedBy)),
        });
    }

    public static Decision TransferOwnership(VehicleState state, TransferOwnership command, DateOnly today)
    {
        if (InService(state, "transfer") is { } refused)
        {
            return refused;
        }

        var current = state.Owner!;
        if (command.TransferDate < current.Since)
        {
            return Refusal.Invalid("transferDate", $"transferDate {command.TransferDate:yyyy-MM-dd} is before the current owner's start {current.Since:yyyy-MM-dd}.");
        }

        if (command.TransferDate > today)
        {
            return Refusal.Invalid("transferDate", "transferDate is in the future.");
        }

        // Art. 30: entitlements stay with the VIN, so nothing but the owner changes.
        return Decision.Change(state with
        {
            Owner = new OwnerView(command.OwnerName, command.OwnerPhone, command.TransferDate),
            PreviousOwners = state.PreviousOwners.Add(current),
        });
    }

    /// <summary>What an erased previous owner's name and phone become: the fact of the ownership and its date stay.</summary>
    public const string Erased = "(erased)";

    /// <summary>
    /// Removes every previous owner's name and phone (PIPL Art. 47: data no longer needed), keeping when each ownership
    /// began and the whole repair history, and keeps the erasure (when, by whom, why). Nothing left to erase changes nothing.
    /// </summary>
    public static Decision ErasePreviousOwners(VehicleState state, ErasePreviousOwners command, DateTimeOffset now)
    {
        if (Unregistered(state) is { } missing)
        {
            return missing;
        }

        var toErase = state.PreviousOwners.Count(o => o.Name != Erased || o.Phone != Erased);
        if (toErase == 0)
        {
            return Decision.Unchanged;
        }

        return Decision.Change(state with
        {
            PreviousOwners = [.. state.PreviousOwners.Select(o => o with { Name = Erased, Phone = Erased })],
            Erasures = state.Erasures.Add(new PersonalDataErasureView(now, command.ErasedBy, command.Reason, toErase)),
        });
    }

    public static Decision EndLife(VehicleState state, EndVehicleLife command, DateTimeOffset now, DateOnly today, VehicleOptions options, bool heldCaseOpen = true)
    {
        if (InService(state, $"mark as {Describe(command.Outcome)}") is { } refused)
        {
            return refused;
        }

        if (state.OpenBuybackCase is { } open && heldCaseOpen)
        {
            return Refusal.Conflict(ProblemCodes.BuybackCaseOpen, $"Vehicle {state.Identity!.Vin} has buyback case {open} open: the case ends its life when it is completed, or frees it when rejected.");
        }

        if (command.Outcome is not (VehicleLifecycle.Replaced or VehicleLifecycle.Refunded or VehicleLifecycle.Scrapped))
        {
            return Refusal.Invalid("state", "state must be replaced, refunded or scrapped.");
        }

        if (command.EffectiveDate < state.DeliveryDate || command.EffectiveDate > today)
        {
            return Refusal.Invalid("effectiveDate", $"effectiveDate must be between the delivery date {state.DeliveryDate:yyyy-MM-dd} and today.");
        }

        if (command.ReplacementVin is { } replacement && (!Vin.TryValidate(replacement, out var error) || replacement == state.Identity!.Vin))
        {
            return Refusal.Invalid("replacementVin", replacement == state.Identity!.Vin ? "A vehicle cannot replace itself." : error!);
        }

        var next = state;
        if (command.OdometerKm is { } km)
        {
            if (km < state.OdometerKm)
            {
                return Refusal.Conflict(ProblemCodes.OdometerRegression, $"odometerKm {km} km is below the recorded {state.OdometerKm} km; readings never go backwards.");
            }

            if (Implausible(state, now, km, options) is { } implausible)
            {
                return implausible;
            }

            next = WithReading(next, now, km, options);
        }

        return Decision.Change(next with
        {
            Lifecycle = command.Outcome,
            EndedOn = command.EffectiveDate,
            ReplacedByVin = command.Outcome == VehicleLifecycle.Replaced ? command.ReplacementVin : null,
            OpenBuybackCase = null, // a hold by a case that was never written (heldCaseOpen false) goes with it
        });
    }

    /// <summary>
    /// A replace/refund case asks to open on this vehicle: it must be delivered and in service, have no other case
    /// open (<paramref name="otherCaseOpen"/>: whether the case it holds is still open), and a granted entitlement of the
    /// article (<see cref="BuybackEligibility"/>); the 409 lists every missing condition. The case id is held on the
    /// vehicle, so asking again for the same case (a retry) answers the same.
    /// </summary>
    public static Decision OpenBuybackCase(
        VehicleState state, string caseId, BuybackRequestKind request, string article, WarrantyAssessment assessment, WarrantyPolicy policy,
        bool otherCaseOpen, out BuybackEntitlement? granted)
    {
        granted = null;
        if (Unregistered(state) is { } missing)
        {
            return missing;
        }

        var vin = state.Identity!.Vin;
        if (state.OpenBuybackCase is { } held && held != caseId && otherCaseOpen)
        {
            return Refusal.Conflict(ProblemCodes.BuybackCaseOpen, $"Vehicle {vin} already has buyback case {held} open; one case at a time.");
        }

        var lifecycle = state.Lifecycle switch
        {
            VehicleLifecycle.Delivered or VehicleLifecycle.InService => null,
            VehicleLifecycle.Produced => "produced, not delivered",
            var ended => $"{Describe(ended)} on {state.EndedOn:yyyy-MM-dd}",
        };
        var conditions = BuybackEligibility.Missing(article, (BuybackRemedy)(int)request, lifecycle, assessment, policy, out var entitlement);
        if (conditions.Count > 0)
        {
            return Refusal.Conflict(ProblemCodes.BuybackConditionsNotMet,
                $"No {article} entitlement to a {(request == BuybackRequestKind.Replace ? "replacement" : "refund")} for vehicle {vin}; missing: {string.Join("; ", conditions)}.",
                new Dictionary<string, string[]> { ["missingConditions"] = [.. conditions] });
        }

        granted = new BuybackEntitlement(article, entitlement!.Reason, entitlement.UsageCompensation, state.Identity.Price, state.OdometerKm);
        return state.OpenBuybackCase == caseId ? Decision.Unchanged : Decision.Change(state with { OpenBuybackCase = caseId });
    }

    /// <summary>
    /// A case closes on its vehicle: a rejection frees it for another case; a replacement or refund ends its life on
    /// the completion date. Idempotent by case id: a closure already applied changes nothing.
    /// </summary>
    public static Decision CloseBuybackCase(VehicleState state, BuybackClosure closure)
    {
        if (Unregistered(state) is { } missing)
        {
            return missing;
        }

        var outcome = closure.Kind switch
        {
            BuybackClosureKind.Replaced => VehicleLifecycle.Replaced,
            BuybackClosureKind.Refunded => VehicleLifecycle.Refunded,
            _ => (VehicleLifecycle?)null,
        };
        if (state.OpenBuybackCase != closure.CaseId)
        {
            // Already applied (a redelivery), or a case this vehicle never held.
            var applied = outcome is null || (state.Lifecycle == outcome && state.EndedOn == closure.EffectiveDate && state.ReplacedByVin == closure.ReplacementVin);
            return applied ? Decision.Unchanged : Refusal.Conflict(ProblemCodes.IllegalTransition, $"Buyback case {closure.CaseId} is not open on vehicle {state.Identity!.Vin}.");
        }

        return outcome is not { } ended
            ? Decision.Change(state with { OpenBuybackCase = null })
            : Decision.Change(state with
            {
                OpenBuybackCase = null,
                Lifecycle = ended,
                EndedOn = closure.EffectiveDate,
                ReplacedByVin = closure.ReplacementVin,
            });
    }

    /// <summary>
    /// Appends a visit, or moves one still running to its later state. A visit id is its own idempotency key: the
    /// same visit again changes nothing. A running visit (appended when its claim was approved) may come again from its
    /// station completed or cancelled; a completed visit is final, so an older running state arriving late changes
    /// nothing, and other details are a conflict. An imported visit's main parts must be main parts of its system in
    /// the catalogue version in force on its date.
    /// </summary>
    public static Decision AppendVisit(
        VehicleState state, CompletedVisit visit, DateTimeOffset now, VehicleOptions options, PartsCatalogue catalogue, out VisitEntry? entry)
    {
        entry = null;
        if (InService(state, "record a visit for") is { } refused)
        {
            return refused;
        }

        var index = IndexOfVisit(state.Visits, visit.VisitId);
        if (index >= 0)
        {
            var existing = state.Visits[index];
            if (SameVisit(existing.Visit, visit))
            {
                entry = existing;
                return Decision.Unchanged;
            }

            var runningOrCancelled = existing.CompletedAt is null || existing.Cancelled;
            if (runningOrCancelled && existing.StationCode == visit.StationCode && visit.CompletedAt is not null)
            {
                return Revise(state, index, visit, now, options, out entry);
            }

            // A claim the warranty department approved after the work was done: the same visit, now a warranty repair
            // with the appraisal's findings (only a station's approved claim makes a visit warranty, never a flag).
            if (existing is { Warranty: false, CompletedAt: not null } done && visit.Warranty && done.StationCode == visit.StationCode
                && done.CompletedAt == visit.CompletedAt && done.Cancelled == visit.Cancelled && done.AgreedAt == visit.AgreedAt)
            {
                return Revise(state, index, visit, now, options, out entry);
            }

            if (existing.CompletedAt is not null && visit.CompletedAt is null && existing.StationCode == visit.StationCode)
            {
                entry = existing;
                return Decision.Unchanged;
            }

            return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Visit {visit.VisitId} is already in the archive with different details.");
        }

        if (visit.Source == VisitSource.Imported && ImportedMainPartsRefused(visit, catalogue, options) is { } notMainParts)
        {
            return notMainParts;
        }

        if (visit.CompletedAt is { } completed && completed < visit.AgreedAt)
        {
            return Refusal.Invalid("completedAt", "completedAt is before agreedAt.");
        }

        if (visit.AgreedAt > now.AddMinutes(5) || visit.CompletedAt > now.AddMinutes(5))
        {
            return Refusal.Invalid("agreedAt", "A visit cannot be recorded before it happens (date in the future).");
        }

        var delivered = new DateTimeOffset(state.DeliveryDate!.Value.ToDateTime(TimeOnly.MinValue), options.BusinessUtcOffset);
        if (visit.AgreedAt < delivered)
        {
            return Refusal.Invalid("agreedAt", $"agreedAt is before the delivery date {state.DeliveryDate:yyyy-MM-dd}.");
        }

        var next = state;
        if (state.OdometerReadAt is { } lastRead && visit.AgreedAt >= lastRead)
        {
            if (visit.MileageKm < state.OdometerKm)
            {
                return Refusal.Conflict(ProblemCodes.OdometerRegression, $"mileageKm {visit.MileageKm} km is below the recorded {state.OdometerKm} km (read {lastRead:yyyy-MM-dd}); readings never go backwards.");
            }

            if (Implausible(state, visit.AgreedAt, visit.MileageKm, options) is { } implausible)
            {
                return implausible;
            }

            next = WithReading(next, visit.AgreedAt, visit.MileageKm, options);
        }

        entry = Entry(state.Visits, visit, now, options);
        return Decision.Change(next with { Visits = next.Visits.Add(entry), Lifecycle = VehicleLifecycle.InService });
    }

    /// <summary>A running visit's later state (completed or cancelled) replaces it where it stands in the archive.</summary>
    private static Decision Revise(VehicleState state, int index, CompletedVisit visit, DateTimeOffset now, VehicleOptions options, out VisitEntry? entry)
    {
        if (visit.CompletedAt is { } completed && (completed < visit.AgreedAt || completed > now.AddMinutes(5)))
        {
            entry = null;
            return Refusal.Invalid("completedAt", "completedAt must be between agreedAt and now.");
        }

        entry = Entry(state.Visits.RemoveAt(index), visit, now, options);
        return Decision.Change(state with { Visits = state.Visits.SetItem(index, entry) });
    }

    private static VisitEntry Entry(ImmutableArray<VisitEntry> others, CompletedVisit visit, DateTimeOffset now, VehicleOptions options)
    {
        var days = visit.CompletedAt is { } done && !visit.Cancelled ? RepairTime.Days(visit.AgreedAt, done, TimeSpan.Zero) : 0;
        var entry = new VisitEntry(visit, days, null, now);
        // The rules read the visit as they read every archive entry: through the entry's one mapping.
        var comeback = Comebacks.Find(others.ToArchive(), entry.ToRepairVisit(), options.Warranty)?.ToView();
        return comeback is null ? entry : new VisitEntry(visit, days, comeback, now);
    }

    private static Refusal? ImportedMainPartsRefused(CompletedVisit visit, PartsCatalogue catalogue, VehicleOptions options)
    {
        if (visit.MainPartsReplaced.Count == 0)
        {
            return null;
        }

        var date = options.Warranty.DateOf(visit.AgreedAt);
        var system = (Domain.Repairs.VehicleSystem)(int)visit.System;
        var version = catalogue.VersionOn(date);
        var unknown = visit.MainPartsReplaced.Where(p => version is null || !version.IsMainPart(system, p)).ToList();
        return unknown.Count == 0
            ? null
            : Refusal.Invalid("mainPartsReplaced", version is null
                ? $"No parts catalogue is in force on {date:yyyy-MM-dd}, so no part is a main part; load the catalogue (PUT /api/catalogue/versions/{{effectiveFrom}}) first."
                : $"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is not a main part" : "are not main parts")} of the {Domain.Catalogue.CatalogueVersion.SystemKey(system)} in the catalogue in force on {date:yyyy-MM-dd}.");
    }

    /// <summary>
    /// A reading more than <see cref="VehicleOptions.MaxKmPerDay"/> a day ahead of the last one (counting at least one
    /// day) is refused: no reading can be taken back but by an operator's correction.
    /// </summary>
    private static Refusal? Implausible(VehicleState state, DateTimeOffset readAt, int km, VehicleOptions options)
    {
        if (state.OdometerReadAt is not { } last || km <= state.OdometerKm)
        {
            return null;
        }

        var days = Math.Max(1, (long)Math.Ceiling((readAt - last).TotalDays));
        var allowed = days * options.MaxKmPerDay;
        return km - state.OdometerKm <= allowed
            ? null
            : Refusal.Conflict(ProblemCodes.OdometerImplausible, $"Odometer reading {km} km is {km - state.OdometerKm} km ahead of the reading of {state.OdometerKm} km taken {last:yyyy-MM-dd HH:mm}Z; more than {options.MaxKmPerDay} km a day ({allowed} km over {days} day(s)) is not plausible. Check the reading.");
    }

    /// <summary>A whole vehicle in one decision: registration, then delivery, past visits and the latest reading.</summary>
    public static Decision Import(VehicleState state, VehicleImport import, string grainKey, DateOnly today, DateTimeOffset now, VehicleOptions options, PartsCatalogue catalogue)
    {
        var decision = Register(state, import.Registration, grainKey, today);
        if (decision.Refusal is not null)
        {
            return decision;
        }

        var next = decision.Next!;
        if (import.Delivery is { } delivery)
        {
            if (Apply(ref next, Deliver(next, delivery, today, now, options.BusinessUtcOffset)) is { } refusal)
            {
                return refusal;
            }
        }

        foreach (var visit in import.Visits.OrderBy(v => v.AgreedAt))
        {
            if (Apply(ref next, AppendVisit(next, visit, now, options, catalogue, out _)) is { } refusal)
            {
                return refusal with { Detail = $"visit {visit.VisitId}: {refusal.Detail}" };
            }
        }

        if (import.Odometer is { } reading)
        {
            if (Apply(ref next, RecordOdometer(next, reading, now, options)) is { } refusal)
            {
                return refusal;
            }
        }

        return Decision.Change(next);
    }

    /// <summary>
    /// Adds a reading and thins the log: the latest few readings stay, and so does the first reading at or past
    /// each mileage limit of the policy — all the rules need to tell which limit was reached when.
    /// </summary>
    public static VehicleState WithReading(VehicleState state, DateTimeOffset readAt, int km, VehicleOptions options)
    {
        var log = state.OdometerLog.Add(new OdometerEntry(readAt, km)).Sort((a, b) => a.ReadAt.CompareTo(b.ReadAt));
        var limits = MileageLimits(options);
        var keep = new bool[log.Length];
        for (var i = Math.Max(0, log.Length - options.RecentReadingsKept); i < log.Length; i++)
        {
            keep[i] = true;
        }

        foreach (var limit in limits)
        {
            var first = log.AsSpan().IndexOfFirst(limit);
            if (first >= 0)
            {
                keep[first] = true;
            }
        }

        var latest = log[^1];
        return state with
        {
            OdometerLog = [.. log.Where((_, i) => keep[i])],
            OdometerKm = Math.Max(state.OdometerKm, km),
            OdometerReadAt = latest.ReadAt,
        };
    }

    public static string Describe(VehicleLifecycle lifecycle) => lifecycle switch
    {
        VehicleLifecycle.Produced => "produced (not delivered)",
        VehicleLifecycle.Delivered => "delivered",
        VehicleLifecycle.InService => "in service",
        VehicleLifecycle.Replaced => "replaced",
        VehicleLifecycle.Refunded => "refunded",
        VehicleLifecycle.Scrapped => "scrapped",
        _ => lifecycle.ToString(),
    };

    private static Refusal? Apply(ref VehicleState state, Decision decision)
    {
        if (decision.Refusal is not null)
        {
            return decision.Refusal;
        }

        state = decision.Next ?? state;
        return null;
    }

    private static Refusal? Unregistered(VehicleState state) =>
        state.IsRegistered ? null : Refusal.NotFound(ProblemCodes.VehicleNotRegistered, "No vehicle with this VIN is registered.");

    private static Refusal? InService(VehicleState state, string action)
    {
        if (Unregistered(state) is { } missing)
        {
            return missing;
        }

        return state.Lifecycle is VehicleLifecycle.Delivered or VehicleLifecycle.InService
            ? null
            : Refusal.Conflict(ProblemCodes.IllegalTransition, $"Cannot {action} vehicle {state.Identity!.Vin}: it is {Describe(state.Lifecycle)}.");
    }

    private static int IndexOfVisit(ImmutableArray<VisitEntry> visits, string visitId)
    {
        for (var i = 0; i < visits.Length; i++)
        {
            if (visits[i].VisitId == visitId)
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOfFirst(this ReadOnlySpan<OdometerEntry> log, int limit)
    {
        for (var i = 0; i < log.Length; i++)
        {
            if (log[i].Km >= limit)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool SameVisit(CompletedVisit a, CompletedVisit b) =>
        a with { PartsUsed = [], MainPartsReplaced = [] } == b with { PartsUsed = [], MainPartsReplaced = [] }
        && a.PartsUsed.SequenceEqual(b.PartsUsed)
        && a.MainPartsReplaced.SequenceEqual(b.MainPartsReplaced, StringComparer.Ordinal);

    private static IEnumerable<int> MileageLimits(VehicleOptions options)
    {
        var policy = options.Warranty;
        yield return policy.Warranty.Km;
        yield return policy.Sanbao.Km;
        yield return policy.FirstMaintenance.Km;
        yield return policy.EarlyFailureWindow.Km;
        foreach (var component in policy.Components)
        {
            yield return component.Km;
        }
    }
}
