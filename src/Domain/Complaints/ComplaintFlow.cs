namespace AfterSales.Domain.Complaints;

/// <summary>
/// The moves of the tracking card: registered → responded → (on site, or replied with an agreed time) → action planned
/// → resolved → callback → closed, or reopened when the callback finds it unresolved. Disputes go to third-party
/// mediation and then to an appeal to the authority; either ends in a planned action again. Escalation does not move
/// the card. Everything else is illegal.
/// </summary>
public static class ComplaintFlow
{
    private static readonly ComplaintStage[] Open =
        [ComplaintStage.Registered, ComplaintStage.Responded, ComplaintStage.OnSite, ComplaintStage.Replied, ComplaintStage.ActionPlanned,
            ComplaintStage.Resolved, ComplaintStage.Reopened, ComplaintStage.Mediation, ComplaintStage.Appealed];

    /// <summary>The stage <paramref name="step"/> leads to from <paramref name="from"/>, or null when the move is illegal.</summary>
    /// <param name="resolvedOnCallback">For <see cref="ComplaintStep.Callback"/>: whether the customer confirmed the resolution.</param>
    public static ComplaintStage? Next(ComplaintStage from, ComplaintStep step, bool resolvedOnCallback = true) => (step, from) switch
    {
        (ComplaintStep.Respond, ComplaintStage.Registered) => ComplaintStage.Responded,
        (ComplaintStep.Arrive, ComplaintStage.Responded or ComplaintStage.Replied or ComplaintStage.Reopened) => ComplaintStage.OnSite,
        (ComplaintStep.Reply, ComplaintStage.Responded or ComplaintStage.Reopened) => ComplaintStage.Replied,
        (ComplaintStep.Plan, ComplaintStage.Responded or ComplaintStage.OnSite or ComplaintStage.Replied or ComplaintStage.Reopened or ComplaintStage.Mediation or ComplaintStage.Appealed)
            => ComplaintStage.ActionPlanned,
        (ComplaintStep.Resolve, ComplaintStage.ActionPlanned) => ComplaintStage.Resolved,
        (ComplaintStep.Callback, ComplaintStage.Resolved) => resolvedOnCallback ? ComplaintStage.Closed : ComplaintStage.Reopened,
        (ComplaintStep.Mediate, ComplaintStage.Responded or ComplaintStage.OnSite or ComplaintStage.Replied or ComplaintStage.ActionPlanned or ComplaintStage.Reopened)
            => ComplaintStage.Mediation,
        (ComplaintStep.Appeal, ComplaintStage.Mediation) => ComplaintStage.Appealed,
        (ComplaintStep.Escalate, _) when IsOpen(from) => from,
        _ => null,
    };

    public static bool IsOpen(ComplaintStage stage) => Array.IndexOf(Open, stage) >= 0;

    /// <summary>The steps allowed from <paramref name="stage"/>, for error messages.</summary>
    public static IReadOnlyList<ComplaintStep> Allowed(ComplaintStage stage) =>
        [.. Enum.GetValues<ComplaintStep>().Where(s => Next(stage, s) is not null)];
}
