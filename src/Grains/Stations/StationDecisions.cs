using AfterSales.Domain.Geo;
using AfterSales.Domain.Stations;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Stations;

/// <summary>A command's verdict: the next state (null = nothing to change) or a refusal that changes nothing.</summary>
public readonly record struct StationDecision(StationState? Next, Refusal? Refusal)
{
    public static StationDecision Change(StationState next) => new(next with { Version = next.Version + 1 }, null);

    public static implicit operator StationDecision(Refusal refusal) => new(null, refusal);
}

/// <summary>The station's rules as pure functions of (state, command, now): no Orleans, no I/O.</summary>
public static class StationDecisions
{
    public static StationDecision Register(StationState state, StationRegistration r, int maxBays)
    {
        var errors = new Dictionary<string, string[]>();
        if (!new GeoPoint(r.Latitude, r.Longitude).IsValid)
        {
            errors[r.Latitude is >= -90 and <= 90 ? "longitude" : "latitude"] = ["latitude must be −90..90 and longitude −180..180."];
        }

        if (r.Bays < 1 || r.Bays > maxBays)
        {
            errors["bays"] = [$"bays must be between 1 and {maxBays}."];
        }

        if (r.Appraisers.Count == 0 || r.Appraisers.Any(string.IsNullOrWhiteSpace) || r.Appraisers.Distinct(StringComparer.Ordinal).Count() != r.Appraisers.Count)
        {
            errors["appraisers"] = ["appraisers must name at least one qualified appraiser (鉴定员), each once."];
        }

        if (errors.Count > 0)
        {
            return Refusal.Invalid(errors);
        }

        if (state.Registry == r)
        {
            return new StationDecision(null, null);
        }

        return StationDecision.Change(state with { Registry = r });
    }

    public static StationDecision SetAuthorisation(StationState state, string code, StationAuthorisation target, string? reason)
    {
        if (!state.IsRegistered)
        {
            return NotFound(code);
        }

        var current = state.Authorisation;
        if (current == target)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Station {code} is already {Describe(current)}.");
        }

        if (current == StationAuthorisation.Revoked)
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Station {code} is revoked ({state.AuthorisationReason}); a revoked authorisation cannot be changed, register a new authorisation instead.");
        }

        if (target != StationAuthorisation.Active && string.IsNullOrWhiteSpace(reason))
        {
            return Refusal.Invalid("reason", "reason is required to suspend or revoke a station.");
        }

        return StationDecision.Change(state with
        {
            Authorisation = target,
            AuthorisationReason = target == StationAuthorisation.Active ? null : reason!.Trim(),
        });
    }

    /// <summary>How many months of frozen grades the station document keeps (the rule allows at most 12 consecutive).</summary>
    public const int GradeMonthsKept = 24;

    /// <summary>
    /// Takes a frozen month's grade in (seed 000 §5.4.5): once per month — a month already recorded keeps its first
    /// record. When the month completes a run of <see cref="StationGradeRecord.SuspendAfterConsecutiveD"/> consecutive
    /// D grades (<see cref="GradeConsequences.SuspensionRun"/>; months that already caused a suspension do not count
    /// again), an active station is suspended with the reason naming the months; a station already suspended or revoked
    /// stays as it is, and the record says so. Returns null when the month was recorded already.
    /// </summary>
    public static StationState? RecordGrade(StationState state, StationGradeRecord record, out StationGradeRecord recorded)
    {
        if (state.Grades.TryGetValue(record.Month, out var held))
        {
            recorded = held;
            return null;
        }

        recorded = record with { SuspendedFor = null, SuspensionNote = null };
        var grades = state.Grades.SetItem(record.Month, recorded);
        var used = grades.Values.SelectMany(g => g.SuspendedFor ?? []).ToHashSet(StringComparer.Ordinal);
        var counted = grades.Where(g => !used.Contains(g.Key)).ToDictionary(g => g.Key, g => g.Value.Grade, StringComparer.Ordinal);
        var next = state;
        if (GradeConsequences.SuspensionRun(counted, record.Month, record.SuspendAfterConsecutiveD) is { } run)
        {
            if (state.Authorisation == StationAuthorisation.Active)
            {
                recorded = recorded with { SuspendedFor = run };
                next = next with
                {
                    Authorisation = StationAuthorisation.Suspended,
                    AuthorisationReason = $"Graded D in {run.Count} consecutive months ({string.Join(", ", run)}): suspended by the graded assessment (Policies:Grades:SuspendAfterConsecutiveD = {record.SuspendAfterConsecutiveD}).",
                };
            }
            else
            {
                recorded = recorded with
                {
                    SuspendedFor = run,
                    SuspensionNote = $"Graded D in {string.Join(", ", run)}, but the station was already {Describe(state.Authorisation)}; its authorisation was left as it was.",
                };
            }

            grades = grades.SetItem(record.Month, recorded);
        }

        while (grades.Count > GradeMonthsKept)
        {
            grades = grades.Remove(grades.Keys.First());
        }

        return next with { Grades = grades, Version = state.Version + 1 };
    }

    public const int MaxPeople = 500;

    public const int MaxCertificates = 20;

    /// <summary>
    /// Records one of the station's people with the certificates the after-sales side issued them (seed 001 §5.1.5:
    /// the management department issues the certificate after the assessment), replacing what was recorded for them.
    /// Names are unique at the station: the station's <c>appraisers</c> and an appraisal's <c>appraiser</c> name people.
    /// </summary>
    public static StationDecision SetPerson(StationState state, string code, StationPerson person)
    {
        if (!state.IsRegistered)
        {
            return NotFound(code);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(person.Name))
        {
            errors["name"] = ["name is required."];
        }

        if (person.Certificates.Count > MaxCertificates)
        {
            errors["certificates"] = [$"certificates must hold at most {MaxCertificates} certificates."];
        }

        for (var i = 0; i < person.Certificates.Count; i++)
        {
            var certificate = person.Certificates[i];
            if (string.IsNullOrWhiteSpace(certificate.Number))
            {
                errors[$"certificates[{i}].number"] = ["number is required."];
            }

            if (certificate.ValidUntil < certificate.ValidFrom)
            {
                errors[$"certificates[{i}].validUntil"] = ["validUntil must not be before validFrom."];
            }
        }

        if (person.Certificates.GroupBy(c => (c.Kind, c.Number)).Any(g => g.Count() > 1))
        {
            errors["certificates"] = ["each certificate (kind and number) may be listed once."];
        }

        if (errors.Count > 0)
        {
            return Refusal.Invalid(errors);
        }

        var index = state.People.Select(p => p.PersonId).ToList().IndexOf(person.PersonId);
        if (state.People.FirstOrDefault(p => p.Name == person.Name && p.PersonId != person.PersonId) is { } namesake)
        {
            return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Station {code} already has person {namesake.PersonId} named {person.Name}; names are unique at a station (appraisers are named by name).");
        }

        if (index >= 0 && state.People[index] == person)
        {
            return new StationDecision(null, null);
        }

        if (index < 0 && state.People.Length >= MaxPeople)
        {
            return Refusal.Invalid("personId", $"Station {code} already has {MaxPeople} people, the most it records.");
        }

        return StationDecision.Change(state with { People = index >= 0 ? state.People.SetItem(index, person) : state.People.Add(person) });
    }

    /// <summary>
    /// Whether the person named <paramref name="name"/> is one of the station's people holding a certificate of
    /// <paramref name="kind"/> in force on business date <paramref name="date"/> (seed 001 §5.3.1: repair staff work
    /// only with a certificate, 持证上岗).
    /// </summary>
    public static bool IsCertified(StationState state, string name, CertificateKind kind, DateOnly date) =>
        state.People.Any(p => p.Name == name && p.Certificates.Any(c => c.Qualifies(kind, date)));

    /// <summary>Checks a pre-inspection before the vehicle is asked; the odometer is the vehicle's to judge.</summary>
    public static Refusal? CanOpen(StationState state, string code, OpenWorkOrder command)
    {
        if (!state.IsRegistered)
        {
            return NotFound(code);
        }

        if (state.Authorisation != StationAuthorisation.Active)
        {
            return Refusal.Conflict(ProblemCodes.StationNotActive, $"Station {code} is {Describe(state.Authorisation)} ({state.AuthorisationReason}) and accepts no new work orders.");
        }

        if (!Domain.Vehicles.Vin.TryValidate(command.Vin, out var vinError))
        {
            return Refusal.Invalid("vin", vinError);
        }

        if (command.Kind == VisitKind.Repair && string.IsNullOrWhiteSpace(command.FaultCode))
        {
            return Refusal.Invalid("faultCode", "faultCode is required for a repair.");
        }

        if (command.Kind == VisitKind.Recall && string.IsNullOrWhiteSpace(command.RecallCampaignId))
        {
            return Refusal.Invalid("recallCampaignId", "recallCampaignId is required for a recall work order.");
        }

        return null;
    }

    public static StationDecision Open(StationState state, string code, OpenWorkOrder command, DateTimeOffset now, out WorkOrderView order)
    {
        order = new WorkOrderView(
            $"{code}-{state.WorkOrdersOpened + 1}", code, command.Vin, command.Kind, command.OdometerKm, command.FaultCode, command.System,
            command.WorkGrade, command.Description, command.RecallCampaignId, WorkOrderState.Open, now, null, null, null, null, null, null,
            ArchivedOnVehicle: false, WaitingForPartsHours: 0, WaitingSince: null, RepairItem: command.RepairItem);
        return StationDecision.Change(state with { WorkOrders = state.WorkOrders.Add(order), WorkOrdersOpened = state.WorkOrdersOpened + 1 });
    }

    /// <summary>Finds live work order <paramref name="id"/> of station <paramref name="code"/>, or says why not (see <see cref="IsClosed"/>).</summary>
    public static Refusal? Find(StationState state, string code, string id, out WorkOrderView order)
    {
        order = null!;
        if (!state.IsRegistered)
        {
            return NotFound(code);
        }

        foreach (var live in state.WorkOrders)
        {
            if (live.Id == id)
            {
                order = live;
                return null;
            }
        }

        return Refusal.NotFound(ProblemCodes.NotFound, $"Station {code} has no work order {id}.");
    }

    /// <summary>Whether <paramref name="id"/> names an order this station opened that is no longer live (its row holds it).</summary>
    public static bool IsClosed(StationState state, string code, string id) =>
        state.IsRegistered && Number(code, id) is { } n && n <= state.WorkOrdersOpened && !state.WorkOrders.Any(o => o.Id == id);

    /// <summary>
    /// Whether <paramref name="id"/> has this station's form with a number past the orders <paramref name="state"/>
    /// has opened: either a made-up id or one opened by a write this state does not have yet.
    /// </summary>
    public static bool IsPastOpened(StationState state, string code, string id) =>
        state.IsRegistered && Number(code, id) is { } n && n > state.WorkOrdersOpened;

    /// <summary>The number of a work-order id of station <paramref name="code"/> ("{code}-{n}", n ≥ 1), or null.</summary>
    private static int? Number(string code, string id) =>
        id.Length > code.Length + 1 && id.StartsWith(code, StringComparison.Ordinal) && id[code.Length] == '-'
        && int.TryParse(id.AsSpan(code.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        && n >= 1 ? n : null;

    /// <summary>Settled and cancelled orders are final: they leave the document for their row.</summary>
    public static bool IsFinal(WorkOrderView order) => order.State is WorkOrderState.Settled or WorkOrderState.Cancelled;

    public static StationDecision Move(StationState state, WorkOrderView order, WorkOrderCommand command, DateTimeOffset now, out WorkOrderView moved)
    {
        moved = order;
        var current = (WorkOrderStatus)(int)order.State;
        var action = (WorkOrderAction)(int)command;
        if (WorkOrderFlow.Next(current, action) is not { } next)
        {
            var allowed = WorkOrderFlow.Allowed(current);
            var hint = allowed.Count == 0 ? "it is final" : "allowed: " + string.Join(", ", allowed.Select(a => Describe((WorkOrderCommand)(int)a)));
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Work order {order.Id} is {Describe(order.State)}; it cannot {Describe(command)} ({hint}).");
        }

        // Settling closes the order for good; the repair must be in the vehicle's 三包 history first.
        if (command == WorkOrderCommand.Settle && !order.ArchivedOnVehicle)
        {
            return Refusal.Conflict(ProblemCodes.NotYetReady, $"Work order {order.Id} is completed but its visit has not reached vehicle {order.Vin}'s archive yet; settle it once it has (the station keeps sending it; completing again sends it now).");
        }

        if (command is WorkOrderCommand.Settle or WorkOrderCommand.Cancel && order.ClaimState is ClaimState.Submitted)
        {
            return Refusal.Conflict(ProblemCodes.ClaimUnderReview, $"Work order {order.Id}: claim {order.ClaimId} is with the warranty department for review; {Describe(command)} it once the claim is decided.");
        }

        if (command == WorkOrderCommand.Complete && order.ClaimState is ClaimState.NeedsInformation)
        {
            return Refusal.Conflict(ProblemCodes.ClaimNeedsInformation, $"Work order {order.Id}: claim {order.ClaimId} needs information; appraise again before completing.");
        }

        var waited = order.WaitingSince is { } since ? (now - since).TotalHours : 0;
        moved = order with
        {
            State = (WorkOrderState)(int)next,
            StartedAt = order.StartedAt ?? (next == WorkOrderStatus.InRepair ? now : null),
            WaitingSince = next == WorkOrderStatus.WaitingForParts ? now : null,
            WaitingForPartsHours = order.WaitingForPartsHours + waited,
            CompletedAt = next == WorkOrderStatus.Completed ? now : order.CompletedAt,
            ClosedAt = next is WorkOrderStatus.Settled or WorkOrderStatus.Cancelled ? now : null,
            ClaimState = next == WorkOrderStatus.Settled && order.ClaimState == ClaimState.Approved ? ClaimState.Settled : order.ClaimState,
        };
        return StationDecision.Change(Replace(state, moved));
    }

    /// <summary>
    /// Whether the appraisal may be made on business date <paramref name="today"/>: the appraiser is one the station
    /// names (400 otherwise) and holds an appraiser certificate in force today (seed 001 §5.3.1; 409 otherwise).
    /// </summary>
    public static Refusal? CanAppraise(StationState state, WorkOrderView order, Appraisal appraisal, DateOnly today)
    {
        if (!state.Registry!.Appraisers.Contains(appraisal.Appraiser, StringComparer.Ordinal))
        {
            return Refusal.Invalid("appraiser", $"{appraisal.Appraiser} is not a qualified appraiser of station {order.StationCode} ({string.Join(", ", state.Registry.Appraisers)}).");
        }

        if (!IsCertified(state, appraisal.Appraiser, CertificateKind.Appraiser, today))
        {
            var person = state.People.FirstOrDefault(p => p.Name == appraisal.Appraiser);
            var held = person is null ? "is not recorded among the station's people"
                : person.Certificates.Count == 0 ? $"(person {person.PersonId}) holds no certificate"
                : $"(person {person.PersonId}) holds {string.Join(", ", person.Certificates.Select(c => $"{Describe(c.Kind)} certificate {c.Number} valid {c.ValidFrom:yyyy-MM-dd}..{c.ValidUntil:yyyy-MM-dd}"))}";
            return Refusal.Conflict(ProblemCodes.AppraiserNotCertified,
                $"{appraisal.Appraiser} {held}: no appraiser certificate valid on {today:yyyy-MM-dd}; nothing was recorded. The after-sales side issues certificates (PUT /api/stations/{order.StationCode}/people/{{personId}}).");
        }

        if (order.Kind != VisitKind.Repair)
        {
            return Refusal.Conflict(ProblemCodes.OperationNotApplicable, $"Work order {order.Id} is a {order.Kind.ToString().ToLowerInvariant()} order; only repairs are appraised for warranty.");
        }

        if (!WorkOrderFlow.HoldsBay((WorkOrderStatus)(int)order.State))
        {
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Work order {order.Id} is {Describe(order.State)}; appraisal happens before completion.");
        }

        if (order.ClaimState is ClaimState.Submitted)
        {
            return Refusal.Conflict(ProblemCodes.ClaimUnderReview, $"Work order {order.Id}: claim {order.ClaimId} is with the warranty department for review; answer its requests on the claim (POST /api/claims/{order.ClaimId}/answer) instead of appraising again.");
        }

        if (order.ClaimState is ClaimState.Approved or ClaimState.Rejected)
        {
            return Refusal.Conflict(ProblemCodes.AlreadyExists, $"Work order {order.Id} already has claim {order.ClaimId} ({Describe(order.ClaimState.Value)}).");
        }

        return null;
    }

    public static string NextClaimId(WorkOrderView order)
    {
        var n = order.ClaimId is { } previous && int.TryParse(previous.AsSpan(previous.LastIndexOf('C') + 1), System.Globalization.CultureInfo.InvariantCulture, out var last) ? last + 1 : 1;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{order.Id}-C{n}");
    }

    /// <summary>The state with <paramref name="order"/> as it now stands: in place while live, out to its row once final.</summary>
    public static StationState Replace(StationState state, WorkOrderView order)
    {
        var index = -1;
        for (var i = 0; i < state.WorkOrders.Length && index < 0; i++)
        {
            index = state.WorkOrders[i].Id == order.Id ? i : -1;
        }

        if (index < 0)
        {
            return state;
        }

        if (!IsFinal(order))
        {
            return state with { WorkOrders = state.WorkOrders.SetItem(index, order) };
        }

        var closed = new TypedRow<WorkOrderView>(StationState.ClosedWorkOrderKind, order.Id, order);
        return state with
        {
            WorkOrders = state.WorkOrders.RemoveAt(index),
            NewRowsWorkOrders = state.NewRowsWorkOrders is { } pending ? pending.Add(closed) : [closed],
        };
    }

    /// <summary>True when the work order's claim was approved: its appraisal's findings are facts the vehicle counts.</summary>
    public static bool HasApprovedClaim(WorkOrderView order) =>
        order.Kind == VisitKind.Repair && order.Appraisal is not null && order.ClaimState is ClaimState.Approved or ClaimState.Settled;

    /// <summary>
    /// The visit the vehicle's repair archive receives for <paramref name="order"/>: running (no completion) once its
    /// claim is approved, then completed, or cancelled (the appraisal's findings stand, no repair was done). Warranty,
    /// serious safety, safety defect, unit and main-part replacement come only from an approved claim; main parts are
    /// the ones the catalogue named at the appraisal.
    /// </summary>
    public static CompletedVisit ToVisit(WorkOrderView order)
    {
        var appraisal = order.Appraisal;
        var warranty = HasApprovedClaim(order);
        var parts = appraisal?.Parts ?? [];
        var cancelled = order.State == WorkOrderState.Cancelled;
        return new CompletedVisit(
            order.Id,
            order.StationCode,
            order.Kind,
            order.OpenedAt,
            cancelled ? order.ClosedAt : order.CompletedAt,
            order.OdometerKm,
            order.FaultCode ?? "",
            order.System,
            order.WorkGrade,
            warranty,
            warranty && parts.Any(p => p.UnitReplaced),
            warranty ? order.MainParts ?? [] : [],
            warranty && appraisal!.SeriousSafety,
            warranty ? appraisal!.SafetyDefect : SafetyDefect.None,
            appraisal?.ExcludedHours ?? 0,
            order.Description,
            [.. parts.Select(p => new PartUsed(p.PartNo, p.Quantity))],
            appraisal?.Appraiser,
            order.RecallCampaignId,
            order.RepairItem,
            cancelled);
    }

    public static StationLoadView Load(StationState state)
    {
        var bays = state.Registry?.Bays ?? 0;
        var open = 0;
        var waiting = 0;
        DateTimeOffset? oldest = null;
        foreach (var order in state.WorkOrders)
        {
            if (!WorkOrderFlow.HoldsBay((WorkOrderStatus)(int)order.State))
            {
                continue;
            }

            open++;
            waiting += order.State == WorkOrderState.WaitingForParts ? 1 : 0;
            oldest = oldest is null || order.OpenedAt < oldest ? order.OpenedAt : oldest;
        }

        return new StationLoadView(open, bays, bays == 0 ? 0 : Math.Round((double)open / bays, 4), waiting, oldest, Math.Max(0, bays - open));
    }

    public static StationView ToView(StationState state, string code)
    {
        var r = state.Registry!;
        return new StationView(code, r.Name, r.Province, r.City, r.Latitude, r.Longitude, r.Bays, r.Appraisers, state.Authorisation,
            state.AuthorisationReason, Load(state), state.WorkOrdersOpened) { Revision = state.Revision };
    }

    public static StationSummary ToSummary(StationState state, string code)
    {
        var r = state.Registry!;
        var load = Load(state);
        return new StationSummary(code, r.Name, r.Province, r.City, r.Latitude, r.Longitude, r.Bays, load.OpenWorkOrders, load.WaitingForParts,
            state.Authorisation, state.Version);
    }

    public static string Describe(StationAuthorisation authorisation) => authorisation switch
    {
        StationAuthorisation.Active => "active",
        StationAuthorisation.Suspended => "suspended",
        _ => "revoked",
    };

    public static string Describe(CertificateKind kind) => kind == CertificateKind.Appraiser ? "appraiser" : "technician";

    public static string Describe(WorkOrderState state) => state switch
    {
        WorkOrderState.Open => "open",
        WorkOrderState.InRepair => "in repair",
        WorkOrderState.WaitingForParts => "waiting for parts",
        WorkOrderState.Completed => "completed",
        WorkOrderState.Settled => "settled",
        _ => "cancelled",
    };

    public static string Describe(WorkOrderCommand command) => command switch
    {
        WorkOrderCommand.Start => "start",
        WorkOrderCommand.WaitForParts => "wait-for-parts",
        WorkOrderCommand.Complete => "complete",
        WorkOrderCommand.Settle => "settle",
        _ => "cancel",
    };

    public static string Describe(ClaimState state) => state switch
    {
        ClaimState.NeedsInformation => "needs information",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static Refusal NotFound(string code) => Refusal.NotFound(ProblemCodes.StationNotRegistered, $"No station {code} is registered.");
}
