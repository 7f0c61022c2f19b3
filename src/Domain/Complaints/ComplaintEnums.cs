namespace AfterSales.Domain.Complaints;

/// <summary>Where a tracking card stands (seed 002 §6.2–6.3, seed 000 §5.3.6–5.3.7).</summary>
public enum ComplaintStage
{
    Registered = 0,
    Responded = 1,
    OnSite = 2,
    Replied = 3,
    ActionPlanned = 4,
    Resolved = 5,
    Reopened = 6,
    Mediation = 7,
    Appealed = 8,
    Closed = 9,
}

/// <summary>The steps a tracking card records.</summary>
public enum ComplaintStep
{
    Respond = 0,
    Arrive = 1,
    Reply = 2,
    Plan = 3,
    Resolve = 4,
    Escalate = 5,
    Callback = 6,
    Mediate = 7,
    Appeal = 8,
}

/// <summary>The service-level clocks of a complaint (seed 003 §服务文化 4).</summary>
public enum SlaClockKind
{
    /// <summary>First response to the customer.</summary>
    Respond = 0,

    /// <summary>On site, inside the service radius.</summary>
    Arrive = 1,

    /// <summary>A reply with an agreed time, beyond the radius or when a supplier must help.</summary>
    Reply = 2,

    /// <summary>Solved (resolved) within the policy's time of the report (seed 004: 24 h).</summary>
    Resolve = 3,

    /// <summary>The time agreed with the customer in a reply: met by arriving on site or resolving by then.</summary>
    Agreed = 4,
}

/// <summary>
/// The two kinds of call a tracking card records: a service request (a breakdown, a fault on the road) is dispatched
/// to the nearest suitable station, whose clocks run; a complaint about a station or a product is attributed to the
/// station responsible for it and counts in that station's grade.
/// </summary>
public enum CardKind
{
    ServiceRequest = 0,
    Complaint = 1,
}

/// <summary>Running until met, breached, or stopped because the complaint was resolved without that step.</summary>
public enum SlaClockStatus
{
    Running = 0,
    Met = 1,
    Breached = 2,
    Stopped = 3,
}
