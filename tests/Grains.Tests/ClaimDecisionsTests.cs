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

        var decision = ClaimDecisions.File(settled, Id, Filing(), Today);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Null(decision.Next);
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
}
