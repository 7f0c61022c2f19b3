using System.Collections.Immutable;

namespace AfterSales.Domain.Complaints;

/// <summary>One clock of a complaint: when it is due and how it ended (<see cref="EndedAt"/>: met, breached or stopped).</summary>
public sealed record SlaClock(SlaClockKind Kind, DateTimeOffset DueAt, SlaClockStatus Status = SlaClockStatus.Running, DateTimeOffset? EndedAt = null)
{
    public bool IsRunning => Status == SlaClockStatus.Running;
}

/// <summary>
/// The service-level clocks as pure functions. A step taken at or before the due instant meets its clock; a clock
/// still running after its due instant is breached (29:59 and 30:00 are in time, 30:00 plus a tick is a breach).
/// </summary>
public static class SlaRules
{
    /// <summary>The clocks a report starts: respond, and on site inside the radius (inclusive) or reply beyond it / with a supplier.</summary>
    public static ImmutableArray<SlaClock> Start(DateTimeOffset reportedAt, double distanceKm, bool supplierNeeded, SlaPolicy policy)
    {
        var respond = new SlaClock(SlaClockKind.Respond, reportedAt + policy.RespondWithin);
        return IsOnSiteCase(distanceKm, supplierNeeded, policy)
            ? [respond, new SlaClock(SlaClockKind.Arrive, reportedAt + policy.OnSiteWithin)]
            : [respond, new SlaClock(SlaClockKind.Reply, reportedAt + policy.ReplyWithin)];
    }

    /// <summary>Inside the service radius (distance ≤ radius) and no supplier needed: the station must come on site.</summary>
    public static bool IsOnSiteCase(double distanceKm, bool supplierNeeded, SlaPolicy policy) => !supplierNeeded && distanceKm <= policy.ServiceRadiusKm;

    public static bool IsOverdue(SlaClock clock, DateTimeOffset now) => clock.IsRunning && now > clock.DueAt;

    /// <summary>Marks every running clock whose due instant has passed as breached at <paramref name="now"/>.</summary>
    public static ImmutableArray<SlaClock> Breach(ImmutableArray<SlaClock> clocks, DateTimeOffset now, out int breached)
    {
        var count = 0;
        var next = clocks.Select(c =>
        {
            if (!IsOverdue(c, now))
            {
                return c;
            }

            count++;
            return c with { Status = SlaClockStatus.Breached, EndedAt = now };
        }).ToImmutableArray();
        breached = count;
        return count == 0 ? clocks : next;
    }

    /// <summary>
    /// The clocks after <paramref name="step"/> at <paramref name="at"/>: overdue clocks are breached first, then the clocks
    /// the step satisfies are met (arriving on site also answers the reply clock); resolving stops whatever still runs.
    /// </summary>
    public static ImmutableArray<SlaClock> Apply(ImmutableArray<SlaClock> clocks, ComplaintStep step, DateTimeOffset at)
    {
        var current = Breach(clocks, at, out _);
        return [.. current.Select(c => !c.IsRunning ? c
            : Satisfies(step, c.Kind) ? c with { Status = SlaClockStatus.Met, EndedAt = at }
            : step == ComplaintStep.Resolve ? c with { Status = SlaClockStatus.Stopped, EndedAt = at }
            : c)];
    }

    public static bool Satisfies(ComplaintStep step, SlaClockKind kind) => (step, kind) switch
    {
        (ComplaintStep.Respond, SlaClockKind.Respond) => true,
        (ComplaintStep.Arrive, SlaClockKind.Arrive or SlaClockKind.Reply) => true,
        (ComplaintStep.Reply, SlaClockKind.Reply) => true,
        _ => false,
    };

    /// <summary>The earliest due instant of a running clock, or null when none runs.</summary>
    public static DateTimeOffset? NextDue(ImmutableArray<SlaClock> clocks) =>
        clocks.Where(c => c.IsRunning).Select(c => (DateTimeOffset?)c.DueAt).Min();

    public static int Breaches(ImmutableArray<SlaClock> clocks) => clocks.Count(c => c.Status == SlaClockStatus.Breached);
}
