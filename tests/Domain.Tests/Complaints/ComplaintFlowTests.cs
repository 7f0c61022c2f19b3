using AfterSales.Domain.Complaints;

namespace AfterSales.Domain.Tests.Complaints;

public sealed class ComplaintFlowTests
{
    public static TheoryData<ComplaintStage, ComplaintStep, ComplaintStage?> Table()
    {
        var legal = new Dictionary<(ComplaintStage, ComplaintStep), ComplaintStage>
        {
            [(ComplaintStage.Registered, ComplaintStep.Respond)] = ComplaintStage.Responded,
            [(ComplaintStage.Responded, ComplaintStep.Arrive)] = ComplaintStage.OnSite,
            [(ComplaintStage.Replied, ComplaintStep.Arrive)] = ComplaintStage.OnSite,
            [(ComplaintStage.Reopened, ComplaintStep.Arrive)] = ComplaintStage.OnSite,
            [(ComplaintStage.Responded, ComplaintStep.Reply)] = ComplaintStage.Replied,
            [(ComplaintStage.Reopened, ComplaintStep.Reply)] = ComplaintStage.Replied,
            // Domain §4 (seed 002 §6.2): registered → responded → (on site) → action planned; a complaint about a station has no visit.
            [(ComplaintStage.Responded, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.OnSite, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.Replied, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.Reopened, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.Mediation, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.Appealed, ComplaintStep.Plan)] = ComplaintStage.ActionPlanned,
            [(ComplaintStage.ActionPlanned, ComplaintStep.Resolve)] = ComplaintStage.Resolved,
            [(ComplaintStage.Resolved, ComplaintStep.Callback)] = ComplaintStage.Closed,
            [(ComplaintStage.Responded, ComplaintStep.Mediate)] = ComplaintStage.Mediation,
            [(ComplaintStage.OnSite, ComplaintStep.Mediate)] = ComplaintStage.Mediation,
            [(ComplaintStage.Replied, ComplaintStep.Mediate)] = ComplaintStage.Mediation,
            [(ComplaintStage.ActionPlanned, ComplaintStep.Mediate)] = ComplaintStage.Mediation,
            [(ComplaintStage.Reopened, ComplaintStep.Mediate)] = ComplaintStage.Mediation,
            [(ComplaintStage.Mediation, ComplaintStep.Appeal)] = ComplaintStage.Appealed,
        };
        var data = new TheoryData<ComplaintStage, ComplaintStep, ComplaintStage?>();
        foreach (var stage in Enum.GetValues<ComplaintStage>())
        {
            foreach (var step in Enum.GetValues<ComplaintStep>())
            {
                var expected = step == ComplaintStep.Escalate
                    ? stage == ComplaintStage.Closed ? null : stage
                    : legal.TryGetValue((stage, step), out var next) ? next : (ComplaintStage?)null;
                data.Add(stage, step, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Next_FollowsTheTable_EveryOtherMoveIsIllegal(ComplaintStage current, ComplaintStep step, ComplaintStage? expected) =>
        Assert.Equal(expected, ComplaintFlow.Next(current, step));

    [Fact]
    public void Callback_NotResolved_Reopens() =>
        Assert.Equal(ComplaintStage.Reopened, ComplaintFlow.Next(ComplaintStage.Resolved, ComplaintStep.Callback, resolvedOnCallback: false));

    [Fact]
    public void Closed_OnlyThroughACallback()
    {
        foreach (var stage in Enum.GetValues<ComplaintStage>())
        {
            foreach (var step in Enum.GetValues<ComplaintStep>().Where(s => s != ComplaintStep.Callback))
            {
                Assert.NotEqual(ComplaintStage.Closed, ComplaintFlow.Next(stage, step));
            }
        }
    }

    [Fact]
    public void Closed_AllowsNothing() => Assert.Empty(ComplaintFlow.Allowed(ComplaintStage.Closed));
}
