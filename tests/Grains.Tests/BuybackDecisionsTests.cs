using AfterSales.Domain.Buyback;
using AfterSales.Grains.Buyback;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;
using Vin = AfterSales.Domain.Vehicles.Vin;

namespace AfterSales.Grains.Tests;

/// <summary>
/// A replace/refund case (退换车) as pure decisions (BuybackDecisions): opened on a granted entitlement with the Art. 28
/// deadlines, evaluated by the after-sales department and approved by someone else (seed 001 §5.2.5), completed as a
/// refund (the price less the Art. 27 usage compensation, none under Art. 22/23) or a replacement (delivered to the
/// owner, Art. 29), or rejected; a deadline that passes before its step is recorded as a breach.
/// </summary>
public sealed class BuybackDecisionsTests
{
    private const string Id = "BB-2026-0001";

    private static readonly string OldVin = Vin.WithCheckDigit("LSVAU2180N2183294");

    private static readonly string NewVin = Vin.WithCheckDigit("LFV2A21K0P3000001");

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static readonly DateOnly RequestedOn = new(2026, 3, 2); // a Monday

    private static readonly DateOnly AnswerBy = new(2026, 3, 16); // 10 working days later

    private static readonly DateOnly CompleteBy = new(2026, 3, 30); // 20 working days later

    private static readonly DateTimeOffset OpenedAt = new(2026, 3, 2, 10, 0, 0, China);

    private static readonly DateTimeOffset Now = new(2026, 3, 5, 9, 0, 0, China);

    private static readonly DateOnly Today = new(2026, 3, 5);

    private const string Evaluator = "warranty:li";

    private const string Manager = "manager:zhao";

    private static OpenBuybackCase Request(BuybackRequestKind kind = BuybackRequestKind.Refund, string article = "Art. 24(4)") =>
        new(OldVin, kind, article, "  the owner asks after 35 repair days  ");

    private static BuybackEntitlement Entitlement(string article = "Art. 24(4)") =>
        new(article, "more than 30 repair days", BuybackArticles.IsFree(article) ? null : 1_200m, 200_000m, 9_000);

    private static BuybackDecision OpenDecision(BuybackRequestKind kind = BuybackRequestKind.Refund, string article = "Art. 24(4)") =>
        BuybackDecisions.Open(new BuybackGrainState(), Id, Request(kind, article), Entitlement(article), "callcentre:wu", OpenedAt, RequestedOn, AnswerBy, CompleteBy);

    private static BuybackGrainState Opened(BuybackRequestKind kind = BuybackRequestKind.Refund, string article = "Art. 24(4)") => OpenDecision(kind, article).Next!;

    private static BuybackDecision Act(
        BuybackGrainState state, BuybackAction action, string? note = "checked", string actor = Evaluator, string? key = null, string? replacementVin = null,
        CompletionFacts? facts = null) =>
        BuybackDecisions.Act(state, Id, new BuybackCommand(action, note, replacementVin), actor, key, Now, Today, facts);

    private static BuybackGrainState Evaluated(BuybackRequestKind kind = BuybackRequestKind.Refund, string article = "Art. 24(4)") =>
        Act(Opened(kind, article), BuybackAction.Evaluate).Next!;

    private static BuybackGrainState Approved(BuybackRequestKind kind = BuybackRequestKind.Refund, string article = "Art. 24(4)") =>
        Act(Evaluated(kind, article), BuybackAction.Approve, note: null, actor: Manager).Next!;

    private static BuybackGrainState Rejected() => Act(Opened(), BuybackAction.Reject, note: "not entitled").Next!;

    private static VehicleView Vehicle(string vin, VehicleLifecycle state, OwnerView? owner, string? dealer, int km) =>
        new(vin, "EV7", "B2025-01", new DateOnly(2025, 1, 15), Powertrain.Bev, 200_000m, state, owner, dealer,
            owner is null ? null : new DateOnly(2025, 3, 1), owner is null ? null : new DateOnly(2025, 3, 1), km, null,
            owner is null ? null : new DateOnly(2025, 3, 1), null, null, null, 0);

    private static readonly OwnerView Owner = new("Zhang San", "13800138000", new DateOnly(2025, 3, 1));

    private static CompletionFacts Facts(decimal? compensation = 1_500m, VehicleView? replacement = null, OwnerView? owner = null) =>
        new(Vehicle(OldVin, VehicleLifecycle.InService, owner ?? Owner, "D-SH-001", 15_000) with { OpenBuybackCase = Id }, replacement, compensation);

    private static VehicleView NewVehicle(VehicleLifecycle state = VehicleLifecycle.Produced) =>
        Vehicle(NewVin, state, state == VehicleLifecycle.Produced ? null : new OwnerView("Someone Else", "13900000000", new DateOnly(2026, 1, 1)), null, 8);

    private static BuybackGrainState Completed() => Act(Approved(), BuybackAction.Complete, note: null, actor: Manager, facts: Facts()).Next!;

    // ---- opening ----

    [Fact]
    public void Open_StoresTheCaseOpened_WithItsDeadlinesAndFingerprint_AndOwesNothing()
    {
        var decision = OpenDecision();

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Same(view, decision.Case);
        Assert.Equal(BuybackCaseState.Opened, view.State);
        Assert.Equal([BuybackAction.Evaluate, BuybackAction.Reject], view.AllowedActions);
        Assert.Equal((RequestedOn, AnswerBy, CompleteBy), (view.RequestedOn, view.AnswerBy, view.CompleteBy));
        Assert.Equal((OldVin, BuybackRequestKind.Refund, "Art. 24(4)", OpenedAt, "callcentre:wu"), (view.Vin, view.Request, view.Article, view.OpenedAt, view.OpenedBy));
        Assert.Equal("the owner asks after 35 repair days", view.Note);
        Assert.Null(view.AnsweredOn);
        Assert.Empty(view.Steps);
        Assert.Empty(view.Breaches);
        Assert.Equal(BuybackDecisions.Fingerprint(Request()), decision.Next.OpenFingerprint);
        Assert.NotEqual(BuybackDecisions.Fingerprint(Request(BuybackRequestKind.Replace)), decision.Next.OpenFingerprint);
        Assert.True(decision.Next.Outbox.IsDefaultOrEmpty);
    }

    [Fact]
    public void ActingOnACaseNeverOpened_IsNotFound()
    {
        var decision = Act(new BuybackGrainState(), BuybackAction.Evaluate);

        Assert.Equal(OutcomeStatus.NotFound, decision.Refusal!.Status);
        Assert.Null(decision.Next);
    }

    // ---- allowed steps ----

    [Fact]
    public void AllowedSteps_FollowTheCaseState()
    {
        Assert.Equal([BuybackAction.Evaluate, BuybackAction.Reject], BuybackDecisions.Allowed(BuybackCaseState.Opened));
        Assert.Equal([BuybackAction.Approve, BuybackAction.Reject], BuybackDecisions.Allowed(BuybackCaseState.Evaluated));
        Assert.Equal([BuybackAction.Complete], BuybackDecisions.Allowed(BuybackCaseState.Approved));
        Assert.Empty(BuybackDecisions.Allowed(BuybackCaseState.Rejected));
        Assert.Empty(BuybackDecisions.Allowed(BuybackCaseState.Completed));
    }

    [Fact]
    public void ApprovingAnOpenedCase_IsAConflict_NamingEvaluateAndReject()
    {
        var decision = Act(Opened(), BuybackAction.Approve, actor: Manager);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("cannot approve", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("allowed: evaluate, reject", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void CompletingAnEvaluatedCase_IsAConflict_NamingApproveAndReject()
    {
        var decision = Act(Evaluated(), BuybackAction.Complete, facts: Facts());

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("allowed: approve, reject", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Theory]
    [InlineData(BuybackAction.Evaluate)]
    [InlineData(BuybackAction.Approve)]
    [InlineData(BuybackAction.Reject)]
    public void AnApprovedCase_OnlyCompletes(BuybackAction action)
    {
        var decision = Act(Approved(), action, actor: "manager:qian");

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("allowed: complete", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Theory]
    [InlineData(BuybackAction.Evaluate)]
    [InlineData(BuybackAction.Approve)]
    [InlineData(BuybackAction.Reject)]
    [InlineData(BuybackAction.Complete)]
    public void AClosedCase_AllowsNoFurtherStep(BuybackAction action)
    {
        foreach (var closed in new[] { Rejected(), Completed() })
        {
            var decision = Act(closed, action, actor: "manager:qian", facts: Facts());

            Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
            Assert.Contains("it is closed", decision.Refusal.Detail, StringComparison.Ordinal);
            Assert.Null(decision.Next);
        }
    }

    // ---- notes and who ----

    [Theory]
    [InlineData(BuybackAction.Evaluate, null)]
    [InlineData(BuybackAction.Evaluate, "   ")]
    [InlineData(BuybackAction.Reject, null)]
    [InlineData(BuybackAction.Reject, "")]
    public void EvaluatingOrRejecting_NeedsANote(BuybackAction action, string? note)
    {
        var decision = Act(Opened(), action, note: note);

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.True(decision.Refusal.Errors!.ContainsKey("note"));
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Evaluating_MovesToEvaluated_RecordingTheStep_ButIsNotTheAnswer()
    {
        var decision = Act(Opened(), BuybackAction.Evaluate, note: "  engine replaced twice, still faulty  ", key: "k-eval");

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Equal(BuybackCaseState.Evaluated, view.State);
        Assert.Equal([BuybackAction.Approve, BuybackAction.Reject], view.AllowedActions);
        var step = Assert.Single(view.Steps);
        Assert.Equal(
            (BuybackAction.Evaluate, BuybackCaseState.Opened, BuybackCaseState.Evaluated, Evaluator, Now, "engine replaced twice, still faulty", "k-eval"),
            (step.Action, step.From, step.To, step.By, step.At, step.Note, step.IdempotencyKey));
        Assert.Null(view.AnsweredOn); // Art. 28's answer is the approval or the rejection
    }

    [Fact]
    public void ApprovingByTheEvaluator_IsAConflict()
    {
        var decision = Act(Evaluated(), BuybackAction.Approve, note: null, actor: Evaluator);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("someone else", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void ApprovingBySomeoneElse_Approves_AndAnswersToday()
    {
        var decision = Act(Evaluated(), BuybackAction.Approve, note: null, actor: Manager);

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Equal(BuybackCaseState.Approved, view.State);
        Assert.Equal(Today, view.AnsweredOn);
        Assert.Equal([BuybackAction.Complete], view.AllowedActions);
        Assert.Equal((BuybackAction.Approve, Manager), (view.Steps[^1].Action, view.Steps[^1].By));
        Assert.True(decision.Next.Outbox.IsDefaultOrEmpty);
    }

    [Fact]
    public void AReplacementVinOnAStepOtherThanComplete_IsInvalid()
    {
        var decision = Act(Opened(), BuybackAction.Evaluate, replacementVin: NewVin);

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.True(decision.Refusal.Errors!.ContainsKey("replacementVin"));
    }

    // ---- idempotency ----

    [Fact]
    public void TheSameKeyAndActionAgain_AnswersTheCaseUnchanged()
    {
        var evaluated = Act(Opened(), BuybackAction.Evaluate, key: "k1").Next!;

        var retried = Act(evaluated, BuybackAction.Evaluate, key: "k1");

        Assert.Null(retried.Refusal);
        Assert.Null(retried.Next);
        Assert.Same(evaluated.Case, retried.Case);
    }

    [Fact]
    public void TheSameKeyAndActionAgain_AfterTheCaseMovedOn_IsStillUnchanged_NotAWrongStep()
    {
        var evaluated = Act(Opened(), BuybackAction.Evaluate, key: "k1").Next!;
        var approved = Act(evaluated, BuybackAction.Approve, note: null, actor: Manager, key: "k2").Next!;

        var retried = Act(approved, BuybackAction.Evaluate, key: "k1");

        Assert.Null(retried.Refusal);
        Assert.Null(retried.Next);
        Assert.Equal(BuybackCaseState.Approved, retried.Case!.State);
    }

    [Fact]
    public void TheSameKeyWithAnotherAction_IsAConflict()
    {
        var evaluated = Act(Opened(), BuybackAction.Evaluate, key: "k1").Next!;

        var decision = Act(evaluated, BuybackAction.Reject, note: "no", key: "k1");

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("'k1'", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("evaluate", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    // ---- rejecting ----

    [Theory]
    [InlineData(BuybackCaseState.Opened)]
    [InlineData(BuybackCaseState.Evaluated)]
    public void Rejecting_ClosesTheCase_AndOwesTheVehicleARejectedClosure(BuybackCaseState from)
    {
        var before = from == BuybackCaseState.Opened ? Opened() : Evaluated();

        var decision = Act(before, BuybackAction.Reject, note: "not a quality problem", actor: Manager);

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Equal(BuybackCaseState.Rejected, view.State);
        Assert.Empty(view.AllowedActions);
        Assert.Equal(Today, view.AnsweredOn);
        var close = Assert.IsType<BuybackClosureToVehicle>(Assert.Single(decision.Next.Outbox));
        Assert.Equal("close", close.Id);
        Assert.Equal(OldVin, close.Vin);
        Assert.Equal(new BuybackClosure(Id, BuybackClosureKind.Rejected, Today, null), close.Closure);
    }

    // ---- completing a refund ----

    [Fact]
    public void CompletingAnArt24Refund_PaysThePriceLessTheUsageCompensation_AndOwesARefundedClosure()
    {
        var decision = Act(Approved(), BuybackAction.Complete, note: null, actor: Manager, facts: Facts(compensation: 1_500m));

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Equal(BuybackCaseState.Completed, view.State);
        Assert.Equal(Today, view.CompletedOn);
        Assert.Empty(view.AllowedActions);
        var completion = view.Completion!;
        Assert.Equal((Today, (string?)null, 200_000m, 15_000, (decimal?)1_500m, (decimal?)198_500m),
            (completion.CompletedOn, completion.ReplacementVin, completion.InvoicePrice, completion.OdometerKm, completion.UsageCompensation, completion.RefundAmount));
        Assert.Empty(completion.Problems);
        var close = Assert.IsType<BuybackClosureToVehicle>(Assert.Single(decision.Next.Outbox));
        Assert.Equal("close", close.Id);
        Assert.Equal(new BuybackClosure(Id, BuybackClosureKind.Refunded, Today, null), close.Closure);
    }

    [Theory]
    [InlineData("Art. 22")]
    [InlineData("Art. 23")]
    public void CompletingAnArt22Or23Refund_IsFreeOfCharge_EvenIfACompensationWasComputed(string article)
    {
        // Art. 22/23: 销售者应当免费更换、退货 — Art. 27 usage compensation applies to Art. 24 remedies only.
        var decision = Act(Approved(BuybackRequestKind.Refund, article), BuybackAction.Complete, note: null, actor: Manager, facts: Facts(compensation: 1_500m));

        Assert.Null(decision.Refusal);
        var completion = decision.Next!.Case!.Completion!;
        Assert.Null(completion.UsageCompensation);
        Assert.Equal(200_000m, completion.RefundAmount);
    }

    [Fact]
    public void CompletingARefundWithAReplacementVin_IsInvalid()
    {
        var decision = Act(Approved(), BuybackAction.Complete, note: null, actor: Manager, replacementVin: NewVin, facts: Facts(replacement: NewVehicle()));

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.True(decision.Refusal.Errors!.ContainsKey("replacementVin"));
        Assert.Null(decision.Next);
    }

    // ---- completing a replacement ----

    private static BuybackDecision CompleteReplacement(string? replacementVin, CompletionFacts facts, string article = "Art. 24(4)") =>
        Act(Approved(BuybackRequestKind.Replace, article), BuybackAction.Complete, note: null, actor: Manager, replacementVin: replacementVin, facts: facts);

    [Fact]
    public void CompletingAReplacementWithoutAReplacementVin_IsInvalid()
    {
        var decision = CompleteReplacement(null, Facts());

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.True(decision.Refusal.Errors!.ContainsKey("replacementVin"));
        Assert.Null(decision.Next);
    }

    [Fact]
    public void CompletingAReplacementWithABadVin_IsInvalid_SayingWhy()
    {
        var typo = NewVin[..8] + (NewVin[8] == '1' ? '2' : '1') + NewVin[9..];

        var decision = CompleteReplacement(typo, Facts());

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.Contains("check digit", decision.Refusal.Errors!["replacementVin"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void AVehicleCannotReplaceItself()
    {
        var decision = CompleteReplacement(OldVin, Facts());

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.Contains("cannot replace itself", decision.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnregisteredReplacement_IsInvalid()
    {
        var decision = CompleteReplacement(NewVin, Facts(replacement: null));

        Assert.Equal(OutcomeStatus.Invalid, decision.Refusal!.Status);
        Assert.Contains("not registered", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Theory]
    [InlineData(VehicleLifecycle.Delivered)]
    [InlineData(VehicleLifecycle.InService)]
    [InlineData(VehicleLifecycle.Scrapped)]
    public void AReplacementThatIsNoLongerNew_IsAConflict(VehicleLifecycle state)
    {
        var decision = CompleteReplacement(NewVin, Facts(replacement: NewVehicle(state)));

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains(state.ToString().ToLowerInvariant(), decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void AReplacementForAVehicleWithNoOwnerOnRecord_IsAConflict()
    {
        var facts = new CompletionFacts(Vehicle(OldVin, VehicleLifecycle.InService, null, "D-SH-001", 15_000) with { OpenBuybackCase = Id }, NewVehicle(), 1_500m);

        var decision = CompleteReplacement(NewVin, facts);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("no owner", decision.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CompletingAReplacement_DeliversTheNewVehicleToTheOwner_AndOwesAReplacedClosure()
    {
        var decision = CompleteReplacement(NewVin, Facts(replacement: NewVehicle()));

        Assert.Null(decision.Refusal);
        var view = decision.Next!.Case!;
        Assert.Equal(BuybackCaseState.Completed, view.State);
        var completion = view.Completion!;
        Assert.Equal(NewVin, completion.ReplacementVin);
        Assert.Null(completion.RefundAmount);
        Assert.Equal(1_500m, completion.UsageCompensation); // Art. 27: owed on an Art. 24 replacement too

        Assert.Equal(["deliver", "close"], decision.Next.Outbox.Select(m => m.Id));
        var deliver = Assert.IsType<ReplacementDelivery>(decision.Next.Outbox[0]);
        Assert.Equal(NewVin, deliver.Vin);
        Assert.Equal("buyback:" + Id, deliver.IdempotencyKey);
        Assert.Equal(OldVin, deliver.Delivery.ReplacesVin);
        Assert.Equal(("Zhang San", "13800138000"), (deliver.Delivery.OwnerName, deliver.Delivery.OwnerPhone));
        Assert.Equal((Today, Today), (deliver.Delivery.InvoiceDate, deliver.Delivery.DeliveryDate)); // Art. 29: the periods restart
        Assert.Equal(8, deliver.Delivery.OdometerKm);
        Assert.Equal("D-SH-001", deliver.Delivery.DealerCode);

        var close = Assert.IsType<BuybackClosureToVehicle>(decision.Next.Outbox[1]);
        Assert.Equal(OldVin, close.Vin);
        Assert.Equal(new BuybackClosure(Id, BuybackClosureKind.Replaced, Today, NewVin), close.Closure);
    }

    [Fact]
    public void CompletingAnArt22Replacement_OwesNoUsageCompensation()
    {
        var decision = CompleteReplacement(NewVin, Facts(compensation: 1_500m, replacement: NewVehicle()), article: "Art. 22");

        Assert.Null(decision.Refusal);
        Assert.Null(decision.Next!.Case!.Completion!.UsageCompensation);
    }

    // ---- Art. 28 clocks ----

    private static DateTimeOffset AnswerPassed => Art28.PassedAt(AnswerBy, China); // 2026-03-17 00:00 +08:00

    private static DateTimeOffset CompletePassed => Art28.PassedAt(CompleteBy, China); // 2026-03-31 00:00 +08:00

    [Fact]
    public void CatchUp_BeforeTheAnswerDeadlinePasses_ChangesNothing()
    {
        var opened = Opened();

        // 15:59:59.9999999 UTC on the due date is still the due date in Beijing.
        var justBefore = new DateTimeOffset(2026, 3, 16, 16, 0, 0, TimeSpan.Zero).AddTicks(-1);

        Assert.Same(opened, BuybackDecisions.CatchUp(opened, justBefore, China));
    }

    [Fact]
    public void CatchUp_AtTheStartOfTheDayAfterTheAnswerDeadline_RecordsAnAnswerBreach()
    {
        var opened = Opened();
        var at = new DateTimeOffset(2026, 3, 16, 16, 0, 0, TimeSpan.Zero); // = 2026-03-17 00:00 +08:00
        Assert.Equal(AnswerPassed, at);

        var caughtUp = BuybackDecisions.CatchUp(opened, at, China);

        var breach = Assert.Single(caughtUp.Case!.Breaches);
        Assert.Equal((BuybackClock.Answer, AnswerBy, at), (breach.Clock, breach.DueBy, breach.RecordedAt));
        Assert.Same(caughtUp, BuybackDecisions.CatchUp(caughtUp, at.AddDays(1), China)); // recorded once
    }

    [Fact]
    public void CatchUp_OnAnEvaluatedCase_StillRecordsTheAnswerBreach()
    {
        var caughtUp = BuybackDecisions.CatchUp(Evaluated(), AnswerPassed, China);

        Assert.Equal(BuybackClock.Answer, Assert.Single(caughtUp.Case!.Breaches).Clock);
    }

    [Fact]
    public void CatchUp_OnAnUnansweredCaseLongAfterBothDeadlines_RecordsBoth()
    {
        var caughtUp = BuybackDecisions.CatchUp(Opened(), CompletePassed, China);

        Assert.Equal([BuybackClock.Answer, BuybackClock.Complete], caughtUp.Case!.Breaches.Select(b => b.Clock));
        Assert.Equal([AnswerBy, CompleteBy], caughtUp.Case.Breaches.Select(b => b.DueBy));
    }

    [Fact]
    public void CatchUp_OnceApproved_TheAnswerClockStops_ButTheCompletionClockBreachesAfterCompleteBy()
    {
        var approved = Approved();

        Assert.Same(approved, BuybackDecisions.CatchUp(approved, AnswerPassed, China));
        Assert.Same(approved, BuybackDecisions.CatchUp(approved, CompletePassed.AddTicks(-1), China));

        var caughtUp = BuybackDecisions.CatchUp(approved, CompletePassed, China);
        var breach = Assert.Single(caughtUp.Case!.Breaches);
        Assert.Equal((BuybackClock.Complete, CompleteBy, CompletePassed), (breach.Clock, breach.DueBy, breach.RecordedAt));
    }

    [Fact]
    public void CatchUp_OnAClosedCase_RecordsNothing()
    {
        var completed = Completed();
        var rejected = Rejected();
        var later = CompletePassed.AddDays(30);

        Assert.Same(completed, BuybackDecisions.CatchUp(completed, later, China));
        Assert.Same(rejected, BuybackDecisions.CatchUp(rejected, later, China));
    }

    [Fact]
    public void NextDue_IsTheEarliestRunningDeadlineNotYetBreached()
    {
        var opened = Opened();
        Assert.Equal(AnswerPassed, BuybackDecisions.NextDue(opened.Case, China));

        var answerBreached = BuybackDecisions.CatchUp(opened, AnswerPassed, China);
        Assert.Equal(CompletePassed, BuybackDecisions.NextDue(answerBreached.Case, China));

        Assert.Equal(CompletePassed, BuybackDecisions.NextDue(Approved().Case, China));

        var bothBreached = BuybackDecisions.CatchUp(opened, CompletePassed, China);
        Assert.Null(BuybackDecisions.NextDue(bothBreached.Case, China));
    }

    [Fact]
    public void NextDue_IsNullForClosedCasesAndNoCase()
    {
        Assert.Null(BuybackDecisions.NextDue(Completed().Case, China));
        Assert.Null(BuybackDecisions.NextDue(Rejected().Case, China));
        Assert.Null(BuybackDecisions.NextDue(null, China));
    }

    // ---- what the vehicles answered ----

    [Fact]
    public void Fold_ARefusedReplacementDelivery_IsKeptAsAProblemOnTheCompletion()
    {
        var completed = CompleteReplacement(NewVin, Facts(replacement: NewVehicle())).Next!;
        var deliver = completed.Outbox.Single(m => m.Id == "deliver");

        var folded = BuybackDecisions.Fold(completed, deliver, new DeliveryAnswer(null, Refusal.Conflict(ProblemCodes.IllegalTransition, "Vehicle is already delivered.")));

        var problem = Assert.Single(folded.Case!.Completion!.Problems);
        Assert.Contains("Delivering the replacement was refused", problem, StringComparison.Ordinal);
        Assert.Contains("Vehicle is already delivered.", problem, StringComparison.Ordinal);
        Assert.Equal(BuybackCaseState.Completed, folded.Case.State);
    }

    [Fact]
    public void Fold_AnAcceptedDelivery_ChangesNothing()
    {
        var completed = CompleteReplacement(NewVin, Facts(replacement: NewVehicle())).Next!;

        Assert.Same(completed, BuybackDecisions.Fold(completed, completed.Outbox[0], DeliveryAnswer.Accepted));
    }

    [Theory]
    [InlineData("BB-2026-0002", VehicleLifecycle.InService)] // another case holds the vehicle
    [InlineData(null, VehicleLifecycle.InService)] // no case holds it any more
    [InlineData(Id, VehicleLifecycle.Refunded)] // already refunded (a second completion must not pay again)
    public void Completing_WhenTheVehicleIsNotHeldByThisCaseInService_IsAConflict_AndOwesNothing(string? heldBy, VehicleLifecycle state)
    {
        var facts = Facts() with { Vehicle = Facts().Vehicle with { OpenBuybackCase = heldBy, State = state } };

        var decision = Act(Approved(), BuybackAction.Complete, note: null, actor: Manager, facts: facts);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains("nothing was completed", decision.Refusal.Detail, StringComparison.Ordinal);
        Assert.Null(decision.Next);
    }
}
