using System.Collections.Immutable;
using System.Text.Json;
using AfterSales.Domain.Buyback;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Buyback;

/// <summary>What a case grain persists (state_name 'buybackCase'): the case, null until opened, and what it owes its vehicles.</summary>
public sealed record BuybackGrainState : IOutboxState<BuybackGrainState>
{
    public int SchemaVersion { get; init; } = 1;

    public BuybackCaseView? Case { get; init; }

    /// <summary>The request the case was opened with, so opening it again (a retry) is told from a different request.</summary>
    public string? OpenFingerprint { get; init; }

    /// <summary>The entity's version (its ETag), one on with every change callers see (<see cref="AfterSales.Grains.Common.IOutboxState{TState}.Revision"/>).</summary>
    public long Revision { get; init; }

    public BuybackGrainState WithRevision(long revision) => this with { Revision = revision };

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public BuybackGrainState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public BuybackGrainState Written() => this;
}

/// <summary>A case step's verdict: the state to write (null: nothing) and the case to answer with, or a refusal that changes nothing.</summary>
public readonly record struct BuybackDecision(BuybackGrainState? Next, BuybackCaseView? Case, Refusal? Refusal)
{
    public static BuybackDecision Unchanged(BuybackCaseView view) => new(null, view, null);

    public static implicit operator BuybackDecision(Refusal refusal) => new(null, null, refusal);
}

/// <summary>What completing a case needs to know of its vehicles, asked by the grain before it decides.</summary>
/// <param name="Vehicle">The vehicle the case is about, as it stands.</param>
/// <param name="Replacement">The replacement vehicle named (a replacement), or null (not named, or not registered).</param>
/// <param name="UsageCompensation">The Art. 27 usage compensation at the vehicle's latest reading (null: the remedy is free).</param>
public sealed record CompletionFacts(VehicleView Vehicle, VehicleView? Replacement, decimal? UsageCompensation);

/// <summary>
/// The replace/refund case's rules as pure functions: the steps of seed 001 §5.2.5 (the after-sales department
/// evaluates, management approves, then the replacement or refund is carried out), the Art. 28 clocks on dates of the
/// working-day calendar, and what the end owes the vehicles: the old one's life ends (or it is freed by a rejection),
/// the replacement is delivered to the owner with its periods restarting (Art. 29).
/// </summary>
public static class BuybackDecisions
{
    /// <summary>Outbox message ids: a case owes each at most once.</summary>
    public const string CloseMessage = "close";
    public const string DeliverMessage = "deliver";

    public static string Fingerprint(OpenBuybackCase request) => JsonSerializer.Serialize(request);

    /// <summary>A new case on the entitlement the vehicle granted, with its deadlines.</summary>
    public static BuybackDecision Open(
        BuybackGrainState state, string id, OpenBuybackCase request, BuybackEntitlement entitlement, string actor,
        DateTimeOffset now, DateOnly requestedOn, DateOnly answerBy, DateOnly completeBy)
    {
        var view = WithAllowed(new BuybackCaseView(id, request.Vin, request.Request, entitlement.Article, entitlement, BuybackCaseState.Opened,
            requestedOn, now, actor, Trimmed(request.Note), answerBy, completeBy, null, null, [], [], null, []));
        return new BuybackDecision(state with { Case = view, OpenFingerprint = Fingerprint(request) }, view, null);
    }

    /// <summary>The steps a case in its state allows.</summary>
    public static IReadOnlyList<BuybackAction> Allowed(BuybackCaseState state) => state switch
    {
        BuybackCaseState.Opened => [BuybackAction.Evaluate, BuybackAction.Reject],
        BuybackCaseState.Evaluated => [BuybackAction.Approve, BuybackAction.Reject],
        BuybackCaseState.Approved => [BuybackAction.Complete],
        _ => [],
    };

    /// <summary>
    /// A step by <paramref name="actor"/>. The wrong state is a 409 naming the allowed steps; a retry with the key of
    /// a step already taken answers with the case as it stands. <paramref name="facts"/> is needed only to complete.
    /// </summary>
    public static BuybackDecision Act(
        BuybackGrainState state, string id, BuybackCommand command, string actor, string? idempotencyKey, DateTimeOffset now, DateOnly today,
        CompletionFacts? facts)
    {
        if (state.Case is not { } current)
        {
            return NotFound(id);
        }

        if (idempotencyKey is not null && current.Steps.FirstOrDefault(s => s.IdempotencyKey == idempotencyKey) is { } earlier)
        {
            return earlier.Action == command.Action
                ? BuybackDecision.Unchanged(current)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{idempotencyKey}' was already used to {Describe(earlier.Action)} case {id}.");
        }

        var allowed = Allowed(current.State);
        if (!allowed.Contains(command.Action))
        {
            var hint = allowed.Count == 0 ? "it is closed" : "allowed: " + string.Join(", ", allowed.Select(Describe));
            return Refusal.Conflict(ProblemCodes.IllegalTransition, $"Buyback case {id} is {Describe(current.State)}; it cannot {Describe(command.Action)} ({hint}).");
        }

        if (command.Action is BuybackAction.Evaluate or BuybackAction.Reject && string.IsNullOrWhiteSpace(command.Note))
        {
            return Refusal.Invalid("note", command.Action == BuybackAction.Evaluate
                ? "note is required to evaluate: the engineers' assessment of the vehicle."
                : "note is required to reject: the reason the owner is told.");
        }

        if (command.Action != BuybackAction.Complete && command.ReplacementVin is not null)
        {
            return Refusal.Invalid("replacementVin", "replacementVin goes with complete only.");
        }

        if (command.Action == BuybackAction.Approve
            && current.Steps.LastOrDefault(s => s.Action == BuybackAction.Evaluate) is { } evaluation && evaluation.By == actor)
        {
            return Refusal.Conflict(ProblemCodes.SecondApproverRequired, $"Buyback case {id} was evaluated by {actor}; the approval must come from someone else (seed 001 §5.2.5: evaluated by the after-sales department, approved by management).");
        }

        var next = state;
        var to = command.Action switch
        {
            BuybackAction.Evaluate => BuybackCaseState.Evaluated,
            BuybackAction.Approve => BuybackCaseState.Approved,
            BuybackAction.Reject => BuybackCaseState.Rejected,
            _ => BuybackCaseState.Completed,
        };
        var decided = current with
        {
            State = to,
            Steps = [.. current.Steps, new BuybackStep(command.Action, current.State, to, actor, now, Trimmed(command.Note), idempotencyKey)],
            AnsweredOn = command.Action is BuybackAction.Approve or BuybackAction.Reject ? today : current.AnsweredOn,
        };
        if (command.Action == BuybackAction.Reject)
        {
            next = next.Send(new BuybackClosureToVehicle(current.Vin, new BuybackClosure(id, BuybackClosureKind.Rejected, today, null)) { Id = CloseMessage });
        }
        else if (command.Action == BuybackAction.Complete)
        {
            if (Complete(current, id, command, today, facts!) is not ({ } completion, { } owed))
            {
                return CompletionRefusal(current, command, facts!)!;
            }

            decided = decided with { CompletedOn = today, Completion = completion };
            next = next.Send(owed);
        }

        decided = WithAllowed(decided);
        return new BuybackDecision(next with { Case = decided }, decided, null);
    }

    /// <summary>Why the completion cannot be carried out; null when it can.</summary>
    public static Refusal? CompletionRefusal(BuybackCaseView current, BuybackCommand command, CompletionFacts facts)
    {
        // The vehicle must still be held by this case and in service: whatever happened meanwhile, a vehicle is
        // refunded or replaced once.
        if (facts.Vehicle.OpenBuybackCase != current.Id || facts.Vehicle.State is not (VehicleLifecycle.Delivered or VehicleLifecycle.InService))
        {
            return Refusal.Conflict(ProblemCodes.BuybackCompletionBlocked, $"Vehicle {current.Vin} is not held by buyback case {current.Id} in service (it is {facts.Vehicle.State.ToString().ToLowerInvariant()}{(facts.Vehicle.OpenBuybackCase is { } other && other != current.Id ? $", held by case {other}" : "")}); nothing was completed.");
        }

        if (current.Request == BuybackRequestKind.Refund)
        {
            return command.ReplacementVin is null ? null : Refusal.Invalid("replacementVin", "The owner asked for a refund: complete it without a replacementVin.");
        }

        if (command.ReplacementVin is not { } vin)
        {
            return Refusal.Invalid("replacementVin", "replacementVin is required to complete a replacement: the new vehicle delivered to the owner.");
        }

        if (!Domain.Vehicles.Vin.TryValidate(vin, out var vinError))
        {
            return Refusal.Invalid("replacementVin", vinError);
        }

        if (vin == current.Vin)
        {
            return Refusal.Invalid("replacementVin", "A vehicle cannot replace itself.");
        }

        if (facts.Replacement is not { } replacement)
        {
            return Refusal.Invalid("replacementVin", $"Vehicle {vin} is not registered: register the replacement vehicle first.");
        }

        if (replacement.State != VehicleLifecycle.Produced)
        {
            return Refusal.Conflict(ProblemCodes.BuybackCompletionBlocked, $"Vehicle {vin} cannot be the replacement: it is already {replacement.State.ToString().ToLowerInvariant()}; a replacement is a new vehicle not yet delivered.");
        }

        if (facts.Vehicle.Owner is null)
        {
            return Refusal.Conflict(ProblemCodes.BuybackCompletionBlocked, $"Vehicle {current.Vin} has no owner on record to deliver the replacement to.");
        }

        return null;
    }

    /// <summary>The completion record and what it owes; null when <see cref="CompletionRefusal"/> refuses.</summary>
    private static (BuybackCompletion, OutboxMessage[])? Complete(BuybackCaseView current, string id, BuybackCommand command, DateOnly today, CompletionFacts facts)
    {
        if (CompletionRefusal(current, command, facts) is not null)
        {
            return null;
        }

        var vehicle = facts.Vehicle;
        // Art. 27: usage compensation only under Art. 24; Art. 22 and 23 remedies are free.
        var compensation = BuybackArticles.IsFree(current.Article) ? null : facts.UsageCompensation;
        if (current.Request == BuybackRequestKind.Refund)
        {
            var refund = Refunds.Amount(vehicle.Price, compensation);
            return (new BuybackCompletion(today, null, vehicle.Price, vehicle.OdometerKm, compensation, refund, []),
                [new BuybackClosureToVehicle(current.Vin, new BuybackClosure(id, BuybackClosureKind.Refunded, today, null)) { Id = CloseMessage }]);
        }

        var replacement = facts.Replacement!;
        var owner = vehicle.Owner!;
        var delivery = new DeliverVehicle(owner.Name, owner.Phone, vehicle.DealerCode ?? "", today, today, replacement.OdometerKm, current.Vin);
        return (new BuybackCompletion(today, replacement.Vin, vehicle.Price, vehicle.OdometerKm, compensation, null, []),
        [
            new ReplacementDelivery(replacement.Vin, delivery, "buyback:" + id) { Id = DeliverMessage },
            new BuybackClosureToVehicle(current.Vin, new BuybackClosure(id, BuybackClosureKind.Replaced, today, replacement.Vin)) { Id = CloseMessage },
        ]);
    }

    /// <summary>A vehicle that refused what the completion owed it (say, the replacement was delivered elsewhere meanwhile): kept on the case for the department to act on.</summary>
    public static BuybackGrainState Fold(BuybackGrainState state, OutboxMessage message, DeliveryAnswer answer)
    {
        if (answer.Refusal is not { } refusal || state.Case is not { Completion: { } completion } current)
        {
            return state;
        }

        var problem = $"{(message.Id == DeliverMessage ? "Delivering the replacement" : "Closing the vehicle")} was refused: {refusal.Detail}";
        return state with { Case = current with { Completion = completion with { Problems = [.. completion.Problems, problem] } } };
    }

    /// <summary>
    /// Records every deadline that has passed by <paramref name="now"/> while its step is still owed: the answer
    /// (approve or reject) by <see cref="BuybackCaseView.AnswerBy"/>, the completion by <see cref="BuybackCaseView.CompleteBy"/>.
    /// The same state when nothing new passed.
    /// </summary>
    public static BuybackGrainState CatchUp(BuybackGrainState state, DateTimeOffset now, TimeSpan businessUtcOffset)
    {
        if (state.Case is not { } current)
        {
            return state;
        }

        var breaches = current.Breaches.ToList();
        foreach (var (clock, dueBy) in Running(current))
        {
            if (now >= Art28.PassedAt(dueBy, businessUtcOffset) && breaches.All(b => b.Clock != clock))
            {
                breaches.Add(new BuybackBreach(clock, dueBy, now));
            }
        }

        return breaches.Count == current.Breaches.Count ? state : state with { Case = current with { Breaches = breaches } };
    }

    /// <summary>The instant the next running clock passes (not yet breached), or null when none can.</summary>
    public static DateTimeOffset? NextDue(BuybackCaseView? current, TimeSpan businessUtcOffset) =>
        current is null
            ? null
            : Running(current).Where(c => current.Breaches.All(b => b.Clock != c.Clock)).Select(c => (DateTimeOffset?)Art28.PassedAt(c.DueBy, businessUtcOffset)).Min();

    /// <summary>The clocks whose step is still owed.</summary>
    private static IEnumerable<(BuybackClock Clock, DateOnly DueBy)> Running(BuybackCaseView current)
    {
        if (current.State is BuybackCaseState.Opened or BuybackCaseState.Evaluated)
        {
            yield return (BuybackClock.Answer, current.AnswerBy);
        }

        if (current.State is BuybackCaseState.Opened or BuybackCaseState.Evaluated or BuybackCaseState.Approved)
        {
            yield return (BuybackClock.Complete, current.CompleteBy);
        }
    }

    public static Refusal NotFound(string id) => Refusal.NotFound(ProblemCodes.NotFound, $"No buyback case {id}.");

    private static BuybackCaseView WithAllowed(BuybackCaseView view) => view with { AllowedActions = Allowed(view.State) };

    private static string? Trimmed(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    public static string Describe(BuybackAction action) => JsonNamingPolicy.CamelCase.ConvertName(action.ToString());

    public static string Describe(BuybackCaseState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());
}
