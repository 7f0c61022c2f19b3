using AfterSales.Domain.Complaints;
using AfterSales.Grains.Complaints;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Corrective/preventive actions (seed 002 §6.2.3, §6.4: tracked until verified closed) as pure decisions on the card:
/// the due day's boundary in business time, the action's moves, and the card closing only once every action is settled.
/// </summary>
public sealed class CorrectiveActionDecisionsTests
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero); // 10:00 on 1 June in business time

    private static ComplaintGrainState Card()
    {
        var intake = new ComplaintIntake("Li Lei", "13800000000", null, ComplaintCategory.Service, ComplaintSeverity.General, 30, 120, "Rude desk",
            ComplaintChannel.CallCentre, false, ComplaintKind.Complaint, "S1");
        return ComplaintDecisions.Register(intake, "F", new CardStation("S1", "One", "P", null), StationAttribution.AboutStation, "network", new SlaPolicy(), "callCentre:a", Now, Offset);
    }

    private static (ComplaintGrainState Card, CorrectiveActionView Action) Opened(DateOnly dueOn)
    {
        var (refusal, next, action) = ComplaintDecisions.OpenAction(Card(), "C1", new OpenCorrectiveAction("Manager", dueOn, "Re-train"), "station:S1", Now, Offset);
        Assert.Null(refusal);
        return (next!, action!);
    }

    [Theory]
    [InlineData(-1, false)] // yesterday: refused
    [InlineData(0, true)]   // today (business date) is the earliest due day
    [InlineData(30, true)]
    public void Open_DueDayNotBeforeTodayInBusinessTime(int days, bool accepted)
    {
        var (refusal, next, action) = ComplaintDecisions.OpenAction(Card(), "C1", new OpenCorrectiveAction("Manager", new DateOnly(2026, 6, 1).AddDays(days), "Re-train"),
            "station:S1", Now, Offset);
        Assert.Equal(accepted, refusal is null);
        if (accepted)
        {
            Assert.Equal("C1-A1", action!.Id);
            Assert.Equal("S1", action.StationCode);
            Assert.True(next!.CorrectiveAction);
        }
        else
        {
            Assert.Equal("dueOn", refusal!.Errors!.Keys.Single());
        }
    }

    [Theory]
    [InlineData("2026-06-03T15:59:59.9999999+00:00", false)] // 23:59:59.9999999 on the due day, +08:00
    [InlineData("2026-06-03T16:00:00+00:00", true)]          // 00:00 the next day
    public void Overdue_OnlyAfterTheWholeDueDay(string at, bool overdue)
    {
        var (card, _) = Opened(new DateOnly(2026, 6, 3));
        var caughtUp = ComplaintDecisions.CatchUp(card, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), Offset);
        Assert.Equal(overdue, caughtUp.CorrectiveActions[0].Overdue);
        Assert.Equal(new DateTimeOffset(2026, 6, 3, 15, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), ComplaintDecisions.DueDeadline(card.CorrectiveActions[0], Offset));
    }

    [Theory]
    [InlineData(CorrectiveActionState.Open, CorrectiveActionStep.Complete, CorrectiveActionState.Completed)]
    [InlineData(CorrectiveActionState.Open, CorrectiveActionStep.Verify, null)]
    [InlineData(CorrectiveActionState.Open, CorrectiveActionStep.Waive, CorrectiveActionState.Waived)]
    [InlineData(CorrectiveActionState.Completed, CorrectiveActionStep.Complete, null)]
    [InlineData(CorrectiveActionState.Completed, CorrectiveActionStep.Verify, CorrectiveActionState.Verified)]
    [InlineData(CorrectiveActionState.Completed, CorrectiveActionStep.Waive, CorrectiveActionState.Waived)]
    [InlineData(CorrectiveActionState.Verified, CorrectiveActionStep.Waive, null)]
    [InlineData(CorrectiveActionState.Waived, CorrectiveActionStep.Verify, null)]
    public void ActionMoves(CorrectiveActionState from, CorrectiveActionStep step, CorrectiveActionState? to)
    {
        var (card, action) = Opened(new DateOnly(2026, 6, 3));
        card = card with { CorrectiveActions = [action with { State = from }] };
        var (refusal, next, moved) = ComplaintDecisions.ActOnAction(card, action.Id, step, "reason", "callCentre:a", Now);
        if (to is null)
        {
            Assert.Equal(ProblemCodes.IllegalTransition, refusal!.Code);
            Assert.Null(next);
        }
        else
        {
            Assert.Null(refusal);
            Assert.Equal(to, moved!.State);
        }
    }

    [Fact]
    public void Waive_NeedsAReason()
    {
        var (card, action) = Opened(new DateOnly(2026, 6, 3));
        var (refusal, _, _) = ComplaintDecisions.ActOnAction(card, action.Id, CorrectiveActionStep.Waive, " ", "callCentre:a", Now);
        Assert.Equal("note", refusal!.Errors!.Keys.Single());
    }

    [Theory]
    [InlineData(CorrectiveActionState.Open, false)]
    [InlineData(CorrectiveActionState.Completed, false)]
    [InlineData(CorrectiveActionState.Verified, true)]
    [InlineData(CorrectiveActionState.Waived, true)]
    public void Callback_ClosesTheCardOnlyWhenEveryActionIsVerifiedOrWaived(CorrectiveActionState state, bool closes)
    {
        var (card, action) = Opened(new DateOnly(2026, 6, 3));
        card = card with { Stage = ComplaintStage.Resolved, CorrectiveActions = [action with { State = state }] };
        var (refusal, next) = ComplaintDecisions.Act(card, "C1", new ComplaintCommand(ComplaintAction.Callback, Resolved: true, Satisfaction: 4), "callCentre:a", Now);
        Assert.Equal(closes, refusal is null);
        Assert.Equal(closes ? ComplaintStage.Closed : null, next?.Stage);
        if (!closes)
        {
            Assert.Equal(ProblemCodes.CorrectiveActionsOpen, refusal!.Code);
        }

        // A callback that finds the complaint unresolved reopens it whatever the actions' state.
        Assert.Null(ComplaintDecisions.Act(card, "C1", new ComplaintCommand(ComplaintAction.Callback, Resolved: false, Satisfaction: 2), "callCentre:a", Now).Refusal);
    }
}
