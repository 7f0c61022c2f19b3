using AfterSales.Domain.Stations;

namespace AfterSales.Domain.Tests.Stations;

public sealed class WorkOrderFlowTests
{
    public static TheoryData<WorkOrderStatus, WorkOrderAction, WorkOrderStatus?> Table()
    {
        var legal = new Dictionary<(WorkOrderStatus, WorkOrderAction), WorkOrderStatus>
        {
            [(WorkOrderStatus.Open, WorkOrderAction.Start)] = WorkOrderStatus.InRepair,
            [(WorkOrderStatus.Open, WorkOrderAction.Cancel)] = WorkOrderStatus.Cancelled,
            [(WorkOrderStatus.InRepair, WorkOrderAction.WaitForParts)] = WorkOrderStatus.WaitingForParts,
            [(WorkOrderStatus.InRepair, WorkOrderAction.Complete)] = WorkOrderStatus.Completed,
            [(WorkOrderStatus.InRepair, WorkOrderAction.Cancel)] = WorkOrderStatus.Cancelled,
            [(WorkOrderStatus.WaitingForParts, WorkOrderAction.Start)] = WorkOrderStatus.InRepair,
            [(WorkOrderStatus.WaitingForParts, WorkOrderAction.Cancel)] = WorkOrderStatus.Cancelled,
            [(WorkOrderStatus.Completed, WorkOrderAction.Settle)] = WorkOrderStatus.Settled,
        };
        var data = new TheoryData<WorkOrderStatus, WorkOrderAction, WorkOrderStatus?>();
        foreach (var status in Enum.GetValues<WorkOrderStatus>())
        {
            foreach (var action in Enum.GetValues<WorkOrderAction>())
            {
                data.Add(status, action, legal.TryGetValue((status, action), out var next) ? next : null);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Next_FollowsTheTable_EveryOtherMoveIsIllegal(WorkOrderStatus current, WorkOrderAction action, WorkOrderStatus? expected) =>
        Assert.Equal(expected, WorkOrderFlow.Next(current, action));

    [Theory]
    [InlineData(WorkOrderStatus.Open, true)]
    [InlineData(WorkOrderStatus.InRepair, true)]
    [InlineData(WorkOrderStatus.WaitingForParts, true)]
    [InlineData(WorkOrderStatus.Completed, false)]
    [InlineData(WorkOrderStatus.Settled, false)]
    [InlineData(WorkOrderStatus.Cancelled, false)]
    public void HoldsBay_UntilCompletedOrCancelled(WorkOrderStatus status, bool holds) =>
        Assert.Equal(holds, WorkOrderFlow.HoldsBay(status));

    [Fact]
    public void Allowed_IsEmpty_ForFinalStates()
    {
        Assert.Empty(WorkOrderFlow.Allowed(WorkOrderStatus.Settled));
        Assert.Empty(WorkOrderFlow.Allowed(WorkOrderStatus.Cancelled));
        Assert.Equal([WorkOrderAction.Settle], WorkOrderFlow.Allowed(WorkOrderStatus.Completed));
    }
}
