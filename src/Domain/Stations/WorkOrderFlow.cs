namespace AfterSales.Domain.Stations;

/// <summary>
/// Where a work order is (seed 002 §6.1.1.2). The pre-inspection sheet (预检单) is the request that opens it; the
/// work order (工单) is then open until the car enters a bay.
/// </summary>
public enum WorkOrderStatus
{
    /// <summary>Pre-inspection done, work order opened; the car holds a bay.</summary>
    Open,

    /// <summary>Being repaired.</summary>
    InRepair,

    /// <summary>Repair stopped until parts arrive (an urgent parts order is out).</summary>
    WaitingForParts,

    /// <summary>Finished and accepted by the owner and the appraiser together (seed 000 §5.3.5); the bay is free.</summary>
    Completed,

    /// <summary>Settled (结算单). Final.</summary>
    Settled,

    /// <summary>Cancelled before completion. Final.</summary>
    Cancelled,
}

/// <summary>What a station does to a work order.</summary>
public enum WorkOrderAction
{
    /// <summary>Start (or, after waiting for parts, resume) the repair.</summary>
    Start,

    /// <summary>Stop the repair until parts arrive.</summary>
    WaitForParts,

    /// <summary>Finish the repair; the owner and the appraiser accept it.</summary>
    Complete,

    /// <summary>Settle the bill.</summary>
    Settle,

    /// <summary>Cancel before completion.</summary>
    Cancel,
}

/// <summary>The legal moves of a work order, as a table.</summary>
public static class WorkOrderFlow
{
    /// <summary>The status after <paramref name="action"/>, or null when the move is illegal from <paramref name="current"/>.</summary>
    public static WorkOrderStatus? Next(WorkOrderStatus current, WorkOrderAction action) => (current, action) switch
    {
        (WorkOrderStatus.Open, WorkOrderAction.Start) => WorkOrderStatus.InRepair,
        (WorkOrderStatus.WaitingForParts, WorkOrderAction.Start) => WorkOrderStatus.InRepair,
        (WorkOrderStatus.InRepair, WorkOrderAction.WaitForParts) => WorkOrderStatus.WaitingForParts,
        (WorkOrderStatus.InRepair, WorkOrderAction.Complete) => WorkOrderStatus.Completed,
        (WorkOrderStatus.Completed, WorkOrderAction.Settle) => WorkOrderStatus.Settled,
        (WorkOrderStatus.Open or WorkOrderStatus.InRepair or WorkOrderStatus.WaitingForParts, WorkOrderAction.Cancel) => WorkOrderStatus.Cancelled,
        _ => null,
    };

    /// <summary>True while the work order holds a bay: open, in repair or waiting for parts.</summary>
    public static bool HoldsBay(WorkOrderStatus status) =>
        status is WorkOrderStatus.Open or WorkOrderStatus.InRepair or WorkOrderStatus.WaitingForParts;

    /// <summary>The actions legal from <paramref name="current"/>, for error messages.</summary>
    public static IReadOnlyList<WorkOrderAction> Allowed(WorkOrderStatus current) =>
        [.. Enum.GetValues<WorkOrderAction>().Where(a => Next(current, a) is not null)];
}
