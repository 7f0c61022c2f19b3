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

    /// <summary>A new card: clocks started at <paramref name="now"/>; a major complaint is escalated at once.</summary>
    public static ComplaintGrainState Register(
        ComplaintIntake intake, string fingerprint, NearbyStation station, string actor, DateTimeOffset now, TimeSpan businessOffset, SlaPolicy policy)
    {
        var history = ImmutableArray.Create(new ComplaintHistoryEntry(now, ComplaintAction.Register, actor, null, ComplaintState.Registered,
            $"Assigned to station {station.Code} ({station.Name}), {station.DistanceKm:0.#} km away."));
        var major = intake.Severity == ComplaintSeverity.Major;
        if (major)
        {
            history = history.Add(new ComplaintHistoryEntry(now, ComplaintAction.Escalate, System, ComplaintState.Registered, ComplaintState.Registered,
                $"Major complaint: escalated to the {CustomerServiceDepartment} at once."));
        }

        return new ComplaintGrainState
        {
            Intake = intake,
            IntakeFingerprint = fingerprint,
            StationCode = station.Code,
            StationName = station.Name,
            Province = station.Province,
            DistanceKm = Math.Round(station.DistanceKm, 3),
            RegisteredAt = now,
            Month = now.ToOffset(businessOffset).ToString("yyyy-MM", global::System.Globalization.CultureInfo.InvariantCulture),
            Stage = ComplaintStage.Registered,
            Clocks = SlaRules.Start(now, station.DistanceKm, intake.SupplierNeeded, policy),
            Escalated = major,
            History = history,
            Version = 1,
        };
    }

    /// <summary>Records every clock that ran out by <paramref name="now"/>; the same state when none did.</summary>
    public static ComplaintGrainState CatchUp(ComplaintGrainState current, DateTimeOffset now)
    {
        var clocks = SlaRules.Breach(current.Clocks, now, out var breached);
        return breached == 0 ? current : current with { Clocks = clocks, Version = current.Version + 1 };
    }

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

        var state = current with
        {
            Stage = next,
            Clocks = SlaRules.Apply(current.Clocks, step, now),
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
            clocks);
        return new ComplaintView(id, (ComplaintState)(int)s.Stage, s.Intake!, s.StationCode, s.StationName, s.Province, s.DistanceKm, s.RegisteredAt,
            s.Escalated, s.Handling, s.CorrectiveAction, s.AgreedAt, s.Satisfaction, s.Reopened, sla, s.History, s.Version) { Revision = s.Revision };
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

    /// <summary>The contribution to the assigned station's month of intake, read by the monthly grade.</summary>
    public static CounterContribution StationMonthContribution(ComplaintGrainState s, string id) => new(Source(id), s.Version,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new KeyValuePair<string, long>[]
        {
            new(CounterNames.OpenComplaints, s.Stage == ComplaintStage.Closed ? 0 : 1),
            new(CounterNames.Complaints, 1),
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
    /// The contribution to the monthly complaints report: the complaint, its category and its station (1 each, and
    /// station by category), and 1 per SLA clock breached, overall and at its station. Names are the API's.
    /// </summary>
    public static CounterContribution ComplaintsMonthContribution(ComplaintGrainState s, string id)
    {
        var station = s.StationCode;
        var category = Wire(s.Intake!.Category);
        var counters = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        counters[ComplaintCounters.Complaints] = 1;
        counters[ComplaintCounters.Category(category)] = 1;
        counters[ComplaintCounters.Station(station)] = 1;
        counters[ComplaintCounters.StationCategory(station, category)] = 1;
        foreach (var clock in s.Clocks.Where(c => c.Status == Domain.Complaints.SlaClockStatus.Breached))
        {
            var name = Wire((SlaClockName)(int)clock.Kind);
            counters[ComplaintCounters.Clock(name)] = counters.GetValueOrDefault(ComplaintCounters.Clock(name)) + 1;
            counters[ComplaintCounters.StationClock(station, name)] = counters.GetValueOrDefault(ComplaintCounters.StationClock(station, name)) + 1;
        }

        return new(Source(id), s.Version, counters.ToImmutable(), Final: s.Stage == ComplaintStage.Closed);
    }

    private static string Source(string id) => "complaint:" + id;

    private static DateTimeOffset? DueOf(ImmutableArray<SlaClock> clocks, SlaClockKind kind) =>
        clocks.Where(c => c.Kind == kind).Select(c => (DateTimeOffset?)c.DueAt).FirstOrDefault();

    private static string Wire<T>(T value)
        where T : struct, Enum => global::System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
