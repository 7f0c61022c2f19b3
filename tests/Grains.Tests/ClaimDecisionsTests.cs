using AfterSales.Grains.Claims;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;

namespace AfterSales.Grains.Tests;

/// <summary>A warranty claim's two commands (ClaimDecisions): filing it as the station adjudicated it, and settling it.</summary>
public sealed class ClaimDecisionsTests
{
    private const string Id = "S1-7-C1";

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static readonly DateOnly Today = new(2026, 12, 1);

    private static ClaimFiling Filing(ClaimState state = ClaimState.Approved, string workOrderId = "S1-7", DateTimeOffset? at = null) =>
        new("S1", workOrderId, "LSVAU218XN2183294", "Wang", new DateOnly(2026, 12, 1), 1_500, state, ["Art. 32: defect within the warranty."], at ?? Now);

    private static ClaimGrainState Filed(ClaimState state) => ClaimDecisions.File(new ClaimGrainState(), Id, Filing(state), Today).Next!;

    [Fact]
    public void AFirstFiling_StoresTheClaimAsAdjudicated_Unsettled()
    {
        var decision = ClaimDecisions.File(new ClaimGrainState(), Id, Filing(), Today);

        Assert.Null(decision.Refusal);
        var claim = decision.Next!.Claim!;
        Assert.Same(claim, decision.Claim);
        Assert.Equal((Id, ClaimState.Approved, "S1-7", "S1", 1_500, Now), (claim.Id, claim.State, claim.WorkOrderId, claim.StationCode, claim.MileageKm, claim.FiledAt));
        Assert.Null(claim.SettledAt);
    }

    [Theory]
    [InlineData(ClaimState.Approved)]
    [InlineData(ClaimState.Rejected)]
    [InlineData(ClaimState.NeedsInformation)]
    public void FilingAgainForTheSameWorkOrder_FilesItAgainAsSent(ClaimState before)
    {
        var retried = ClaimDecisions.File(Filed(before), Id, Filing(ClaimState.Approved, at: Now.AddMinutes(1)), Today);

        Assert.Null(retried.Refusal);
        Assert.Equal((ClaimState.Approved, Now.AddMinutes(1)), (retried.Next!.Claim!.State, retried.Next.Claim.FiledAt));
    }

    [Fact]
    public void FilingForAnotherWorkOrderUnderTheSameId_IsAConflict_AndChangesNothing()
    {
        var decision = ClaimDecisions.File(Filed(ClaimState.Approved), Id, Filing(workOrderId: "S1-8"), Today);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("S1-7", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void FilingASettledClaimAgain_IsAConflict()
    {
        var settled = ClaimDecisions.Settle(Filed(ClaimState.Approved), Id, Now).Next!;

        var decision = ClaimDecisions.File(settled, Id, Filing(at: Now.AddMinutes(5)), Today);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void TheSameFilingDeliveredAgain_AfterItWasDecidedAndSettled_ChangesNothing()
    {
        // The station's outbox may deliver a filing twice (its acknowledgement's write failed): the second is a no-op.
        var settled = ClaimDecisions.Settle(Filed(ClaimState.Approved), Id, Now).Next!;

        var decision = ClaimDecisions.File(settled, Id, Filing(), Today);

        Assert.Null(decision.Refusal);
        Assert.Null(decision.Next);
        Assert.Equal(ClaimState.Settled, decision.Claim!.State);
    }

    [Fact]
    public void SettlingAnApprovedClaim_SettlesItAtTheGivenInstant()
    {
        var decision = ClaimDecisions.Settle(Filed(ClaimState.Approved), Id, Now.AddDays(2));

        Assert.Null(decision.Refusal);
        Assert.Equal((ClaimState.Settled, Now.AddDays(2)), (decision.Next!.Claim!.State, decision.Next.Claim.SettledAt));
        Assert.Same(decision.Next.Claim, decision.Claim);
    }

    [Fact]
    public void SettlingASettledClaimAgain_AnswersIt_AndWritesNothing()
    {
        var settled = ClaimDecisions.Settle(Filed(ClaimState.Approved), Id, Now).Next!;

        var again = ClaimDecisions.Settle(settled, Id, Now.AddDays(1));

        Assert.Null(again.Refusal);
        Assert.Null(again.Next);
        Assert.Equal(Now, again.Claim!.SettledAt);
    }

    [Theory]
    [InlineData(ClaimState.Rejected)]
    [InlineData(ClaimState.NeedsInformation)]
    [InlineData(ClaimState.Submitted)]
    public void SettlingAClaimThatIsNotApproved_IsAConflict(ClaimState state)
    {
        var decision = ClaimDecisions.Settle(Filed(state), Id, Now);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("only an approved claim", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void SettlingAClaimNeverFiled_IsNotFound()
    {
        var decision = ClaimDecisions.Settle(new ClaimGrainState(), Id, Now);

        Assert.Equal(OutcomeStatus.NotFound, decision.Refusal!.Status);
        Assert.Null(decision.Next);
    }

    private static ClaimGrainState Submitted() =>
        ClaimDecisions.File(new ClaimGrainState(), Id, Filing(ClaimState.Submitted) with
        {
            Amount = new ClaimAmount(150m, 800m, 950m), ReviewReasons = ["The appraiser marked the case unclear."], Model = "Q7",
        }, Today).Next!.Written() with { Outbox = [] };

    private static ClaimDecision Decide(ClaimGrainState state, ClaimAction action, string? note = "why", string? key = null) =>
        ClaimDecisions.Decide(state, Id, action, "warranty:li", note, key, Now.AddHours(1), Today.AddDays(1));

    [Fact]
    public void FilingForReview_OwesTheQueueItsEntry_AndNothingElse()
    {
        var filed = ClaimDecisions.File(new ClaimGrainState(), Id, Filing(ClaimState.Submitted), Today).Next!;

        var entry = Assert.IsType<AfterSales.Grains.Common.ReviewQueueUpdate>(Assert.Single(filed.Outbox));
        Assert.Equal(Id, entry.Entry!.ClaimId);
    }

    [Fact]
    public void FilingApprovedByRules_OwesTheSettlementLineAndTheWarrantyCost_ButNoDecisionToTheStation()
    {
        var filed = ClaimDecisions.File(new ClaimGrainState(), Id, Filing(ClaimState.Approved), Today).Next!;

        Assert.Equal(["cost:" + Id, "settlement:" + Id], filed.Outbox.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Today, filed.Claim!.ApprovedOn);
    }

    [Fact]
    public void ApprovingASubmittedClaim_KeepsWhoAndWhen_AndOwesQueueStationSettlementAndCost()
    {
        var decision = Decide(Submitted(), ClaimAction.Approve, note: null);

        Assert.Null(decision.Refusal);
        var claim = decision.Next!.Claim!;
        Assert.Equal(ClaimState.Approved, claim.State);
        var record = Assert.Single(claim.Decisions!);
        Assert.Equal((ClaimAction.Approve, ClaimState.Submitted, ClaimState.Approved, "warranty:li", Now.AddHours(1)), (record.Action, record.From, record.To, record.Actor, record.At));
        Assert.Equal(["cost:" + Id, "decision:" + Id, "queue:1", "settlement:" + Id], decision.Next.Outbox.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Today.AddDays(1), claim.ApprovedOn);
    }

    [Fact]
    public void RejectingOrRequestingInformation_NeedsANote_AndChangesNothingWithout()
    {
        foreach (var action in new[] { ClaimAction.Reject, ClaimAction.RequestInformation })
        {
            var decision = Decide(Submitted(), action, note: " ");

            Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
            Assert.Null(decision.Next);
        }
    }

    [Fact]
    public void AnAnsweredRequest_ReturnsTheClaimToTheQueue_AndOnlyAnAnswerIsAllowedMeanwhile()
    {
        var asked = Decide(Submitted(), ClaimAction.RequestInformation).Next!.Written() with { Outbox = [] };
        Assert.Equal([ClaimAction.Answer], ClaimDecisions.Allowed(asked.Claim!));

        var approveNow = Decide(asked, ClaimAction.Approve);
        Assert.Equal(OutcomeStatus.Conflict, approveNow.Refusal!.Status);
        Assert.Contains("allowed: answer", approveNow.Refusal.Detail, StringComparison.Ordinal);

        var answered = Decide(asked, ClaimAction.Answer, note: "photos attached").Next!;
        Assert.Equal(ClaimState.Submitted, answered.Claim!.State);
        Assert.IsType<AfterSales.Grains.Common.ReviewQueueUpdate>(Assert.Single(answered.Outbox));
    }

    [Theory]
    [InlineData(ClaimState.Approved)]
    [InlineData(ClaimState.Rejected)]
    public void ADecidedClaim_RefusesEveryAction_SayingItIsDecided(ClaimState state)
    {
        var decided = Decide(Submitted(), state == ClaimState.Approved ? ClaimAction.Approve : ClaimAction.Reject).Next!;

        var again = Decide(decided, ClaimAction.Reject);

        Assert.Equal(OutcomeStatus.Conflict, again.Refusal!.Status);
        Assert.Contains("it is decided", again.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuleNeedsInformationClaim_CannotBeAnswered_ItIsAppraisedAgain()
    {
        var decision = Decide(Filed(ClaimState.NeedsInformation), ClaimAction.Answer);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("appraise the work order again", decision.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARetryWithTheSameKey_AnswersTheClaimAsItStands_AndWritesNothing()
    {
        var approved = Decide(Submitted(), ClaimAction.Approve, key: "k1").Next!;

        var retry = Decide(approved, ClaimAction.Approve, key: "k1");
        var other = Decide(approved, ClaimAction.Reject, key: "k1");

        Assert.Null(retry.Refusal);
        Assert.Null(retry.Next);
        Assert.Equal(ClaimState.Approved, retry.Claim!.State);
        Assert.Equal(OutcomeStatus.Conflict, other.Refusal!.Status);
    }

    [Fact]
    public void TheWarrantyCost_IsInFen_ByModelComponentAndSupplier_WithTheRecoveryOfDefectiveParts()
    {
        var claim = Filed(ClaimState.Approved).Claim! with
        {
            Model = "Q7",
            System = AfterSales.Interfaces.Vehicles.VehicleSystem.Brakes,
            Cause = FailureCause.Defect,
            Amount = new ClaimAmount(150.25m, 920.50m, 1_070.75m),
            Pricing = new ClaimPricing(Today, 100m, [], [new("BRK-CAL", 1, 800m, 800m, "Brembo"), new("BRK-PAD", 1, 120.50m, 120.50m, null)]),
        };

        var cost = ClaimDecisions.CostOf(claim);

        Assert.True(cost.Final);
        Assert.Equal(107_075, cost.Counters["total"]);
        Assert.Equal(107_075, cost.Counters["model:Q7:total"]);
        Assert.Equal(1, cost.Counters["component:brakes:claims"]);
        Assert.Equal(80_000, cost.Counters["supplier:Brembo:recovery"]);
        Assert.Equal(80_000, cost.Counters["recovery"]); // a part without a supplier is recovered from no one
    }
}
