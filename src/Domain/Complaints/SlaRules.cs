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
    /// <summary>The clocks a service request's report starts with its station <paramref name="distanceKm"/> away (see <see cref="StartCard"/>).</summary>
    public static ImmutableArray<SlaClock> Start(DateTimeOffset reportedAt, double distanceKm, bool supplierNeeded, SlaPolicy policy) =>
        StartCard(CardKind.ServiceRequest, reportedAt, distanceKm, supplierNeeded, policy);

    /// <summary>
    /// The clocks a report starts. Every card: respond, and resolve where the policy has it. A service request also:
    /// inside the radius (inclusive) with no supplier, on site; otherwise — beyond the radius, with a supplier, or with no
    /// station in reach (<paramref name="distanceKm"/> null: the call centre's queue) — a reply, and on site where the
    /// policy asks it beyond the radius. A complaint about a station or a product has no site visit to clock.
    /// </summary>
    public static ImmutableArray<SlaClock> StartCard(CardKind kind, DateTimeOffset reportedAt, double? distanceKm, bool supplierNeeded, SlaPolicy policy)
    {
        var clocks = ImmutableArray.CreateBuilder<SlaClock>();
        clocks.Add(new SlaClock(SlaClockKind.Respond, reportedAt + policy.RespondWithin));
        if (kind == CardKind.ServiceRequest)
        {
            if (distanceKm is { } d && IsOnSiteCase(d, supplierNeeded, policy))
            {
                Add(clocks, SlaClockKind.Arrive, reportedAt, policy.OnSiteWithin);
            }
            else
            {
                Add(clocks, SlaClockKind.Reply, reportedAt, policy.ReplyWithin);
                Add(clocks, SlaClockKind.Arrive, reportedAt, policy.OnSiteBeyondRadiusWithin);
            }
        }

        Add(clocks, SlaClockKind.Resolve, reportedAt, policy.ResolveWithin);
        return clocks.ToImmutable();
    }

    private static void Add(ImmutableArray<SlaClock>.Builder clocks, SlaClockKind kind, DateTimeOffset from, TimeSpan? within)
    {
        if (within is { } w)
        {
            clocks.Add(new SlaClock(kind, from + w));
        }
    }

    /// <summary>A reply's agreed time starts a clock of its own, due at that time.</summary>
    public static ImmutableArray<SlaClock> Agree(ImmutableArray<SlaClock> clocks, DateTimeOffset agreedAt) =>
        clocks.Add(new SlaClock(SlaClockKind.Agreed, agreedAt));

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
    /// the step satisfies are met (arriving on site also answers the reply clock and keeps the agreed time; resolving meets
    /// the resolve and agreed-time clocks); resolving stops whatever still runs.
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
        (ComplaintStep.Arrive, SlaClockKind.Agreed) => true,
        (ComplaintStep.Resolve, SlaClockKind.Resolve or SlaClockKind.Agreed) => true,
        _ => false,
    };

    /// <summary>The earliest due instant of a running clock, or null when none runs.</summary>
    public static DateTimeOffset? NextDue(ImmutableArray<SlaClock> clocks) =>
        clocks.Where(c => c.IsRunning).Select(c => (DateTimeOffset?)c.DueAt).Min();

    public static int Breaches(ImmutableArray<SlaClock> clocks) => clocks.Count(c => c.Status == SlaClockStatus.Breached);
}
