using AfterSales.Grains.Stations;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Tests;

/// <summary>A station moving its work orders (StationDecisions.Move) against the flow table, state by command.</summary>
public sealed class WorkOrderMoveTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// The legal moves, written out here rather than read from WorkOrderFlow so that a change to the flow has to be
    /// made twice, on purpose. Every (state, command) not listed must be refused.
    /// </summary>
    private static readonly Dictionary<(WorkOrderState, WorkOrderCommand), WorkOrderState> Legal = new()
    {
        [(WorkOrderState.Open, WorkOrderCommand.Start)] = WorkOrderState.InRepair,
        [(WorkOrderState.Open, WorkOrderCommand.Cancel)] = WorkOrderState.Cancelled,
        [(WorkOrderState.InRepair, WorkOrderCommand.WaitForParts)] = WorkOrderState.WaitingForParts,
        [(WorkOrderState.InRepair, WorkOrderCommand.Complete)] = WorkOrderState.Completed,
        [(WorkOrderState.InRepair, WorkOrderCommand.Cancel)] = WorkOrderState.Cancelled,
        [(WorkOrderState.WaitingForParts, WorkOrderCommand.Start)] = WorkOrderState.InRepair,
        [(WorkOrderState.WaitingForParts, WorkOrderCommand.Cancel)] = WorkOrderState.Cancelled,
        [(WorkOrderState.Completed, WorkOrderCommand.Settle)] = WorkOrderState.Settled,
    };

    public static TheoryData<WorkOrderState, WorkOrderCommand> EveryStateAndCommand()
    {
        var data = new TheoryData<WorkOrderState, WorkOrderCommand>();
        foreach (var state in Enum.GetValues<WorkOrderState>())
        {
            foreach (var command in Enum.GetValues<WorkOrderCommand>())
            {
                data.Add(state, command);
            }
        }

        return data;
    }

    private static StationState Station(WorkOrderView order) => new()
    {
        Registry = new StationRegistration("Harbin 1", "Heilongjiang", "Harbin", 45.7, 126.6, 4, ["Wang"]),
        WorkOrders = [order],
        WorkOrdersOpened = 1,
    };

    // Archived, so that settling a completed order is held back only by the flow.
    private static WorkOrderView Order(WorkOrderState state, ClaimState? claim = null) => new(
        "S1-1", "S1", "LSVAU218XN2183294", VisitKind.Repair, 1_000, "P0301", VehicleSystem.Engine, WorkGrade.Minor, null, null,
        state, Now.AddHours(-3), state == WorkOrderState.Open ? null : Now.AddHours(-2),
        state is WorkOrderState.Completed or WorkOrderState.Settled ? Now.AddHours(-1) : null,
        state is WorkOrderState.Settled or WorkOrderState.Cancelled ? Now.AddMinutes(-30) : null,
        null, claim is null ? null : "S1-1-C1", claim, ArchivedOnVehicle: true, 0,
        state == WorkOrderState.WaitingForParts ? Now.AddHours(-1) : null);

    [Theory]
    [MemberData(nameof(EveryStateAndCommand))]
    public void AWorkOrder_MovesOnlyAlongTheFlow_AndAnIllegalMoveIsAConflictThatChangesNothing(WorkOrderState from, WorkOrderCommand command)
    {
        var order = Order(from);
        var decision = StationDecisions.Move(Station(order), order, command, Now, out var moved);

        if (Legal.TryGetValue((from, command), out var to))
        {
            Assert.Null(decision.Refusal);
            Assert.Equal(to, moved.State);
            Assert.NotNull(decision.Next);
        }
        else
        {
            Assert.Equal(OutcomeStatus.Conflict, decision.Refusal?.Status);
            Assert.Null(decision.Next);
            Assert.Same(order, moved);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(ClaimState.Submitted, false)]
    [InlineData(ClaimState.Approved, false)]
    [InlineData(ClaimState.NeedsInformation, true)]
    public void Completing_IsRefusedWhileTheClaimNeedsInformation(ClaimState? claim, bool refused)
    {
        var order = Order(WorkOrderState.InRepair, claim);
        var decision = StationDecisions.Move(Station(order), order, WorkOrderCommand.Complete, Now, out var moved);

        if (refused)
        {
            Assert.Equal(OutcomeStatus.Conflict, decision.Refusal?.Status);
            Assert.Contains("needs information", decision.Refusal!.Detail, StringComparison.Ordinal);
            Assert.Equal(WorkOrderState.InRepair, moved.State);
        }
        else
        {
            Assert.Null(decision.Refusal);
            Assert.Equal(WorkOrderState.Completed, moved.State);
            Assert.Equal(Now, moved.CompletedAt);
        }
    }

    [Fact]
    public void ResumingAfterParts_AddsTheHoursSpentWaiting()
    {
        var order = Order(WorkOrderState.WaitingForParts) with { WaitingSince = Now.AddHours(-5), WaitingForPartsHours = 2 };
        StationDecisions.Move(Station(order), order, WorkOrderCommand.Start, Now, out var moved);

        Assert.Equal(7, moved.WaitingForPartsHours, 6);
        Assert.Null(moved.WaitingSince);
    }
}
