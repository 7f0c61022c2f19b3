using System.Collections.Immutable;
using AfterSales.Domain.Complaints;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;

namespace AfterSales.Grains.Complaints;

/// <summary>The complaint grain's decisions as pure functions over its state: steps, the card view and the roll-up contributions.</summary>
public static class ComplaintDecisions
{
    public const string CustomerServiceDepartment = "customer-service department";
    public const string System = "system";

    /// <summary>Roll-up counters a complaint contributes besides <see cref="CounterNames"/>.</summary>
    public const string Escalations = "escalations";
    public const string SatisfactionSum = "satisfactionSum";
    public const string SatisfactionCount = "satisfactionCount";
    public const string Reopenings = "reopenings";
    public const string ServiceRequests = "serviceRequests";

    /// <summary>The most corrective actions one card holds.</summary>
    public const int MaxCorrectiveActions = 20;

    /// <summary>
    /// A new card: clocks started at <paramref name="now"/> under <paramref name="policy"/>; a major complaint is escalated
    /// at once. <paramref name="station"/> is null when the card goes to the call centre's queue.
    /// </summary>
    public static ComplaintGrainState Register(
        ComplaintIntake intake, string fingerprint, CardStation? station, StationAttribution attribution, string policyName, SlaPolicy policy,
        string actor, DateTimeOffset now, TimeSpan businessOffset)
    {
        var history = ImmutableArray.Create(new ComplaintHistoryEntry(now, ComplaintAction.Register, actor, null, ComplaintState.Registered,
            DescribeAttribution(station, attribution) + $" SLA policy {policyName}."));
        var major = intake.Severity == ComplaintSeverity.Major;
        if (major)
        {
            history = history.Add(new ComplaintHistoryEntry(now, ComplaintAction.Escalate, System, ComplaintState.Registered, ComplaintState.Registered,
                $"Major complaint: escalated to the {CustomerServiceDepartment} at once."));
        }

        var distance = station?.DistanceKm is { } d ? Math.Round(d, 3) : (double?)null;
        return new ComplaintGrainState
        {
            Intake = intake,
            IntakeFingerprint = fingerprint,
            StationCode = station?.Code ?? "",
            StationName = station?.Name ?? "",
            Province = station?.Province ?? "",
            DistanceKm = distance,
            Attribution = attribution,
            SlaPolicy = policyName,
            RegisteredAt = now,
            Month = now.ToOffset(businessOffset).ToString("yyyy-MM", global::System.Globalization.CultureInfo.InvariantCulture),
            Stage = ComplaintStage.Registered,
            Clocks = SlaRules.StartCard((CardKind)(int)intake.Kind, now, distance, intake.SupplierNeeded, policy),
            Escalated = major,
            History = history,
            Version = 1,
        };
    }

    private static string DescribeAttribution(CardStation? station, StationAttribution attribution) => (station, attribution) switch
    {
        (null, _) => $"No station: in the call centre's queue ({CustomerServiceDepartment}); the clocks run all the same.",
        ({ } s, StationAttribution.Nearest) => $"Assigned to station {s.Code} ({s.Name}), {s.DistanceKm:0.#} km away.",
        ({ } s, StationAttribution.AboutStation) => $"Attributed to station {s.Code} ({s.Name}), the station complained about.",
        ({ } s, StationAttribution.LastServicingStation) => $"Attributed to station {s.Code} ({s.Name}), the vehicle's last servicing station.",
        ({ } s, _) => $"Assigned to station {s.Code} ({s.Name})" + (s.DistanceKm is { } d ? $", {d:0.#} km away." : "."),
    };

    /// <summary>
    /// A card in the call centre's queue taken to <paramref name="station"/>; its clocks keep running from the report.
    /// A card that has a station already, or is closed, is a conflict.
    /// </summary>
    public static (Refusal? Refusal, ComplaintGrainState? Next) Assign(ComplaintGrainState current, string id, CardStation station, string actor, DateTimeOffset now)
    {
        if (!current.IsQueued)
        {
            return (Refusal.Conflict(ProblemCodes.AlreadyAssigned, $"Complaint {id} is with station {current.StationCode} already; only a card in the call centre's queue is assigned."), null);
        }

        if (current.Stage == ComplaintStage.Closed)
        {
            return (Refusal.Conflict(ProblemCodes.IllegalTransition, $"Complaint {id} is closed; a closed card is not assigned."), null);
        }

        var stage = (ComplaintState)(int)current.Stage;
        return (null, current with
        {
            StationCode = station.Code,
            StationName = station.Name,
            Province = station.Province,
            DistanceKm = station.DistanceKm is { } d ? Math.Round(d, 3) : null,
            Attribution = StationAttribution.Assigned,
            Version = current.Version + 1,
            History = current.History.Add(new ComplaintHistoryEntry(now, ComplaintAction.Assign, actor, stage, stage,
                DescribeAttribution(station, StationAttribution.Assigned))),
        });
    }

    /// <summary>Records every clock that ran out by <paramref name="now"/>, and every open corrective action past its due day; the same state when none did.</summary>
    public static ComplaintGrainState CatchUp(ComplaintGrainState current, DateTimeOffset now, TimeSpan businessOffset)
    {
        var clocks = SlaRules.Breach(current.Clocks, now, out var breached);
        var overdue = current.CorrectiveActions.Where(a => IsNewlyOverdue(a, now, businessOffset)).ToList();
        if (breached == 0 && overdue.Count == 0)
        {
            return current;
        }

        var next = current with { Clocks = clocks, Version = current.Version + 1 };
        if (overdue.Count > 0)
        {
            var stage = (ComplaintState)(int)current.Stage;
            next = next with
            {
                CorrectiveActions = [.. current.CorrectiveActions.Select(a => overdue.Contains(a) ? a with { Overdue = true, OverdueAt = now } : a)],
                History = current.History.AddRange(overdue.Select(a => new ComplaintHistoryEntry(now, ComplaintAction.CorrectiveAction, System, stage, stage,
                    $"Corrective action {a.Id} is overdue (due on {a.DueOn:yyyy-MM-dd}, owner {a.Owner})."))),
            };
        }

        return next;
    }

    /// <summary>The last instant of an action's due day in business time: still in time; a tick later it is overdue.</summary>
    public static DateTimeOffset DueDeadline(CorrectiveActionView action, TimeSpan businessOffset) =>
        new DateTimeOffset(action.DueOn.AddDays(1).ToDateTime(TimeOnly.MinValue), businessOffset).AddTicks(-1);

    private static bool IsNewlyOverdue(CorrectiveActionView a, DateTimeOffset now, TimeSpan businessOffset) =>
        a.State == CorrectiveActionState.Open && !a.Overdue && now > DueDeadline(a, businessOffset);

    /// <summary>The next instant the card must be looked at: a running clock's due instant or an open action's due deadline.</summary>
    public static DateTimeOffset? NextDue(ComplaintGrainState s, TimeSpan businessOffset)
    {
        var clock = SlaRules.NextDue(s.Clocks);
        var action = s.CorrectiveActions.Where(a => a.State == CorrectiveActionState.Open && !a.Overdue)
            .Select(a => (DateTimeOffset?)DueDeadline(a, businessOffset)).Min();
        return clock is null ? action : action is null ? clock : (clock < action ? clock : action);
    }

    /// <summary>
    /// Opens a corrective/preventive action on an open card (seed 002 §6.2.3): an owner, a due day not before today
    /// (business time) and a description. The card then closes only once every action is verified or waived.
    /// </summary>
    public static (Refusal? Refusal, ComplaintGrainState? Next, CorrectiveActionView? Action) OpenAction(
        ComplaintGrainState current, string id, OpenCorrectiveAction request, string actor, DateTimeOffset now, TimeSpan businessOffset)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(businessOffset).DateTime);
        if (request.DueOn < today)
        {
            return (Refusal.Invalid("dueOn", $"dueOn must be today ({today:yyyy-MM-dd}) or later."), null, null);
        }

        if (current.Stage == ComplaintStage.Closed)
        {
            return (Refusal.Conflict(ProblemCodes.IllegalTransition, $"Complaint {id} is closed; open a corrective action on an open card."), null, null);
        }

        if (current.CorrectiveActions.Length >= MaxCorrectiveActions)
        {
            return (Refusal.Conflict(ProblemCodes.IllegalTransition, $"Complaint {id} holds {MaxCorrectiveActions} corrective actions, the most one card holds."), null, null);
        }

        var action = new CorrectiveActionView(
            $"{id}-A{current.CorrectiveActions.Length + 1}", id, current.StationCode, request.Owner, request.DueOn, request.Description,
            CorrectiveActionState.Open, now, actor, null, null, null, null, null, false, null);
        var stage = (ComplaintState)(int)current.Stage;
        return (null, current with
        {
            CorrectiveActions = current.CorrectiveActions.Add(action),
            CorrectiveAction = true,
            Version = current.Version + 1,
            History = current.History.Add(new ComplaintHistoryEntry(now, ComplaintAction.CorrectiveAction, actor, stage, stage,
                $"Corrective action {action.Id} opened: {request.Description} (owner {request.Owner}, due on {request.DueOn:yyyy-MM-dd}).")),
        }, action);
    }

    /// <summary>
    /// A step of an action: <c>complete</c> (open → completed), <c>verify</c> (completed → verified) or <c>waive</c> (open
    /// or completed → waived, with the reason as the note). Anything else is a conflict naming the action's state.
    /// </summary>
    public static (Refusal? Refusal, ComplaintGrainState? Next, CorrectiveActionView? Action) ActOnAction(
        ComplaintGrainState current, string actionId, CorrectiveActionStep step, string? note, string actor, DateTimeOffset now)
    {
        var index = current.CorrectiveActions.IndexOf(current.CorrectiveActions.FirstOrDefault(a => a.Id == actionId)!);
        if (index < 0)
        {
            return (Refusal.NotFound(ProblemCodes.NotFound, $"No corrective action {actionId}."), null, null);
        }

        var action = current.CorrectiveActions[index];
        var allowed = (step, action.State) switch
        {
            (CorrectiveActionStep.Complete, CorrectiveActionState.Open) => true,
            (CorrectiveActionStep.Verify, CorrectiveActionState.Completed) => true,
            (CorrectiveActionStep.Waive, CorrectiveActionState.Open or CorrectiveActionState.Completed) => true,
            _ => false,
        };
        if (!allowed)
        {
            return (Refusal.Conflict(ProblemCodes.IllegalTransition,
                $"Corrective action {actionId} is {Wire(action.State)}; '{Wire(step)}' is not allowed now. "
                + "complete: open → completed; verify: completed → verified; waive (with a reason): open or completed → waived."), null, null);
        }

        if (step == CorrectiveActionStep.Waive && string.IsNullOrWhiteSpace(note))
        {
            return (Refusal.Invalid("note", "note (the reason the action is waived) is required."), null, null);
        }

        var next = step switch
        {
            CorrectiveActionStep.Complete => action with { State = CorrectiveActionState.Completed, CompletedAt = now, CompletedBy = actor, Note = note ?? action.Note },
            CorrectiveActionStep.Verify => action with { State = CorrectiveActionState.Verified, ClosedAt = now, ClosedBy = actor, Note = note ?? action.Note },
            _ => action with { State = CorrectiveActionState.Waived, ClosedAt = now, ClosedBy = actor, Note = note },
        };
        var stage = (ComplaintState)(int)current.Stage;
        var verb = step switch { CorrectiveActionStep.Complete => "completed", CorrectiveActionStep.Verify => "verified", _ => "waived" };
        return (null, current with
        {
            CorrectiveActions = current.CorrectiveActions.SetItem(index, next),
            Version = current.Version + 1,
            History = current.History.Add(new ComplaintHistoryEntry(now, ComplaintAction.CorrectiveAction, actor, stage, stage,
                Join($"Corrective action {actionId} {verb}.", note))),
        }, next);
    }

    /// <summary>Actions neither verified nor waived: while any is left, a callback cannot close the card.</summary>
    public static IReadOnlyList<CorrectiveActionView> Unsettled(ComplaintGrainState s) =>
        [.. s.CorrectiveActions.Where(a => a.State is CorrectiveActionState.Open or CorrectiveActionState.Completed)];

    /// <summary>The state after <paramref name="command"/>, or a refusal (400 for bad details, 409 for an illegal step).</summary>
    public static (Refusal? Refusal, ComplaintGrainState? Next) Act(ComplaintGrainState current, string id, ComplaintCommand command, string actor, DateTimeOffset now)
    {
        var step = (ComplaintStep)(int)command.Action;
        if (command.Action == ComplaintAction.Register || !Enum.IsDefined(step))
        {
            return (Refusal.Invalid("action", $"'{command.Action}' is not a step of the tracking card."), null);
        }

        var resolved = command.Resolved ?? true;
        if (ComplaintFlow.Next(current.Stage, step, resolved) is not { } next)
        {
            var allowed = ComplaintFlow.Allowed(current.Stage);
            return (Refusal.Conflict(ProblemCodes.IllegalTransition, $"Complaint {id} is {Wire(current.Stage)}; '{Wire(command.Action)}' is not allowed now. "
                + (allowed.Count == 0 ? "The complaint is closed." : $"Allowed: {string.Join(", ", allowed.Select(a => Wire((ComplaintAction)(int)a)))}.")), null);
        }

        if (Validate(current, command, now) is { } invalid)
        {
            return (invalid, null);
        }

        var clocks = SlaRules.Apply(current.Clocks, step, now);
        if (command.Action == ComplaintAction.Reply && command.AgreedAt is { } agreedAt)
        {
            clocks = SlaRules.Agree(clocks, agreedAt);
        }

        var state = current with
        {
            Stage = next,
            Clocks = clocks,
            Version = current.Version + 1,
            History = current.History.Add(new ComplaintHistoryEntry(now, command.Action, actor, (ComplaintState)(int)current.Stage, (ComplaintState)(int)next,
                Describe(command))),
        };
        return (null, command.Action switch
        {
            ComplaintAction.Escalate => state with { Escalated = true },
            ComplaintAction.Reply => state with { AgreedAt = command.AgreedAt },
            ComplaintAction.Plan => state with { Handling = command.Handling, CorrectiveAction = current.CorrectiveAction || command.Systemic },
            ComplaintAction.Callback => state with
            {
                Satisfaction = command.Satisfaction,
                SatisfactionSum = current.SatisfactionSum + command.Satisfaction!.Value,
                SatisfactionCount = current.SatisfactionCount + 1,
                Reopened = current.Reopened + (resolved ? 0 : 1),
            },
            _ => state,
        });
    }

    private static Refusal? Validate(ComplaintGrainState current, ComplaintCommand command, DateTimeOffset now) => command.Action switch
    {
        ComplaintAction.Escalate when current.Escalated => Refusal.Conflict(ProblemCodes.IllegalTransition, $"The complaint is already escalated to the {CustomerServiceDepartment}."),
        ComplaintAction.Reply when command.AgreedAt is not { } agreed => Refusal.Invalid("agreedAt", "agreedAt (the time agreed with the customer) is required."),
        ComplaintAction.Reply when command.AgreedAt < now => Refusal.Invalid("agreedAt", "agreedAt must not be in the past."),
        ComplaintAction.Plan when command.Handling is null => Refusal.Invalid("handling", "handling is required: station or warrantyDepartment."),
        ComplaintAction.Plan when string.IsNullOrWhiteSpace(command.Note) => Refusal.Invalid("note", "note (the planned action) is required."),
        ComplaintAction.Callback when command.Resolved is null => Refusal.Invalid("resolved", "resolved is required."),
        ComplaintAction.Callback when command.Satisfaction is not (>= 1 and <= 5) => Refusal.Invalid("satisfaction", "satisfaction must be 1–5."),
        ComplaintAction.Callback when command.Resolved == true && Unsettled(current) is { Count: > 0 } open => Refusal.Conflict(ProblemCodes.CorrectiveActionsOpen,
            $"The card closes only when its corrective actions are verified or waived; still open: {string.Join(", ", open.Select(a => $"{a.Id} ({Wire(a.State)})"))}."),
        _ => null,
    };

    private static string? Describe(ComplaintCommand command) => command.Action switch
    {
        ComplaintAction.Reply => Join($"Agreed time {command.AgreedAt:O}.", command.Note),
        ComplaintAction.Plan => Join(
            (command.Handling == ActionHandling.WarrantyDepartment ? "Handed to the warranty department." : "Within the station's authority.")
                + (command.Systemic ? " Systemic cause: corrective/preventive action opened." : ""),
            command.Note),
        ComplaintAction.Callback => Join($"Callback: {(command.Resolved == true ? "resolved" : "not resolved, reopened")}, satisfaction {command.Satisfaction}/5.", command.Note),
        ComplaintAction.Escalate => Join($"Escalated to the {CustomerServiceDepartment}.", command.Note),
        ComplaintAction.Mediate => Join("Negotiation failed: third-party mediation.", command.Note),
        ComplaintAction.Appeal => Join("Mediation failed: the customer is advised to appeal to the authority.", command.Note),
        _ => command.Note,
    };

    private static string Join(string fact, string? note) => string.IsNullOrWhiteSpace(note) ? fact : $"{fact} {note}";

    public static ComplaintView ToView(ComplaintGrainState s, string id)
    {
        var clocks = s.Clocks.Select(c => new SlaClockView((SlaClockName)(int)c.Kind, c.DueAt, (Interfaces.Complaints.SlaClockStatus)(int)c.Status, c.EndedAt))
            .ToImmutableArray();
        var sla = new SlaView(
            DueOf(s.Clocks, SlaClockKind.Respond) ?? s.RegisteredAt,
            DueOf(s.Clocks, SlaClockKind.Arrive),
            DueOf(s.Clocks, SlaClockKind.Reply),
            [.. s.Clocks.Where(c => c.Status == Domain.Complaints.SlaClockStatus.Breached)
                .Select(c => new SlaBreachView((SlaClockName)(int)c.Kind, c.DueAt, c.EndedAt!.Value))],
            clocks)
        {
            Policy = s.SlaPolicy,
            ResolveBy = DueOf(s.Clocks, SlaClockKind.Resolve),
            AgreedBy = s.Clocks.Where(c => c.Kind == SlaClockKind.Agreed).Select(c => (DateTimeOffset?)c.DueAt).LastOrDefault(),
        };
        var kind = s.Intake!.Kind;
        var station = s.StationCode.Length == 0 ? null : s.StationCode;
        return new ComplaintView(id, (ComplaintState)(int)s.Stage, s.Intake!, s.StationCode, s.StationName, s.Province, s.DistanceKm, s.RegisteredAt,
            s.Escalated, s.Handling, s.CorrectiveAction, s.AgreedAt, s.Satisfaction, s.Reopened, sla, s.History, s.Version)
        {
            Revision = s.Revision,
            Kind = kind,
            AssignedStation = kind == ComplaintKind.ServiceRequest ? station : null,
            ResponsibleStation = kind == ComplaintKind.Complaint ? station : null,
            Attribution = s.Attribution,
            CorrectiveActions = s.CorrectiveActions,
        };
    }

    /// <summary>The complaint's whole contribution to its province: open (0|1), complaints (1), SLA breaches, escalations.</summary>
    public static CounterContribution ProvinceContribution(ComplaintGrainState s, string id) => new(Source(id), s.Version,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new KeyValuePair<string, long>[]
        {
            new(CounterNames.OpenComplaints, s.Stage == ComplaintStage.Closed ? 0 : 1),
            new(CounterNames.Complaints, 1),
            new(CounterNames.SlaBreaches, SlaRules.Breaches(s.Clocks)),
            new(Escalations, s.Escalated ? 1 : 0),
        }),
        Final: s.Stage == ComplaintStage.Closed);

    /// <summary>
    /// The contribution to the station's month of intake, read by the monthly grade: a complaint counts as one against
    /// its responsible station (<c>complaints</c>, <c>openComplaints</c>); a service request counts as work dispatched to
    /// it (<c>serviceRequests</c>). Both answer for their SLA breaches and the callback's satisfaction.
    /// </summary>
    public static CounterContribution StationMonthContribution(ComplaintGrainState s, string id) => new(Source(id), s.Version,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new KeyValuePair<string, long>[]
        {
            new(CounterNames.OpenComplaints, s.Stage == ComplaintStage.Closed || s.Intake!.Kind != ComplaintKind.Complaint ? 0 : 1),
            new(CounterNames.Complaints, s.Intake!.Kind == ComplaintKind.Complaint ? 1 : 0),
            new(ServiceRequests, s.Intake!.Kind == ComplaintKind.ServiceRequest ? 1 : 0),
            new(CounterNames.SlaBreaches, SlaRules.Breaches(s.Clocks)),
            new(Escalations, s.Escalated ? 1 : 0),
            new(SatisfactionSum, s.SatisfactionSum),
            new(SatisfactionCount, s.SatisfactionCount),
            new(Reopenings, s.Reopened),
        }),
        Final: s.Stage == ComplaintStage.Closed);

    public static string StationMonthScope(ComplaintGrainState s) =>
        RollupScopes.StationMonth(s.StationCode, int.Parse(s.Month[..4], global::System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(s.Month[5..], global::System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The month of intake's complaints report (<c>complaints:{yyyy-MM}</c>), the same month as <see cref="StationMonthScope"/>.</summary>
    public static string ComplaintsMonthScope(ComplaintGrainState s) =>
        RollupScopes.ComplaintsMonth(int.Parse(s.Month[..4], global::System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(s.Month[5..], global::System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The business date of the intake: the date whose month is <see cref="ComplaintGrainState.Month"/> and whose ISO
    /// week and year the card counts in (<see cref="ReportPeriods"/>).
    /// </summary>
    public static DateOnly IntakeDay(ComplaintGrainState s, TimeSpan businessOffset) => ReportPeriods.DayOf(s.RegisteredAt, businessOffset);

    /// <summary>
    /// The contribution to the monthly complaints report: the complaint, its category and its station (1 each, and
    /// station by category), and 1 per SLA clock breached, overall and at its station. Names are the API's.
    /// </summary>
    public static CounterContribution ComplaintsMonthContribution(ComplaintGrainState s, string id)
    {
        var station = s.StationCode;
        var category = Wire(s.Intake!.Category);
        var counters = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        counters[ComplaintCounters.Complaints] = 1;
        counters[ComplaintCounters.Kind(Wire(s.Intake.Kind))] = 1;
        counters[ComplaintCounters.Category(category)] = 1;
        if (s.IsQueued)
        {
            counters[ComplaintCounters.Queued] = 1;
            counters[ComplaintCounters.QueuedCategory(category)] = 1;
        }
        else
        {
            counters[ComplaintCounters.Station(station)] = 1;
            counters[ComplaintCounters.StationCategory(station, category)] = 1;
        }

        foreach (var clock in s.Clocks.Where(c => c.Status == Domain.Complaints.SlaClockStatus.Breached))
        {
            var name = Wire((SlaClockName)(int)clock.Kind);
            counters[ComplaintCounters.Clock(name)] = counters.GetValueOrDefault(ComplaintCounters.Clock(name)) + 1;
            var where = s.IsQueued ? ComplaintCounters.QueuedClock(name) : ComplaintCounters.StationClock(station, name);
            counters[where] = counters.GetValueOrDefault(where) + 1;
        }

        return new(Source(id), s.Version, counters.ToImmutable(), Final: s.Stage == ComplaintStage.Closed);
    }

    private static string Source(string id) => "complaint:" + id;

    /// <summary>
    /// The scope of the card's province contribution: its station's province, or — while it waits in the call centre's
    /// queue and so has no province — the national totals directly (it shows there, in no province).
    /// </summary>
    public static string ProvinceScope(ComplaintGrainState s) => s.IsQueued ? RollupScopes.National : RollupScopes.Province(s.Province);

    /// <summary>Takes a card that left the queue out of the national totals (a final report of nothing: the source is gone for good).</summary>
    public static CounterContribution QueueRelease(ComplaintGrainState s, string id) =>
        new(Source(id), s.Version, ImmutableSortedDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal), Final: true);

    private static DateTimeOffset? DueOf(ImmutableArray<SlaClock> clocks, SlaClockKind kind) =>
        clocks.Where(c => c.Kind == kind).Select(c => (DateTimeOffset?)c.DueAt).FirstOrDefault();

    private static string Wire<T>(T value)
        where T : struct, Enum => global::System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}

/// <summary>The station a card goes to: a service request's with its distance, a complaint's without one.</summary>
public sealed record CardStation(string Code, string Name, string Province, double? DistanceKm);
