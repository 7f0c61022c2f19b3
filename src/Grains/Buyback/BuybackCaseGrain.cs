using AfterSales.Domain.Buyback;
using AfterSales.Domain.Calendar;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Buyback;

/// <summary>
/// One replace/refund case (退换车). Opening asks the working-day calendar for the Art. 28 deadlines and the vehicle for
/// the entitlement (the vehicle holds the case, one at a time); every step is decided by <see cref="BuybackDecisions"/>
/// and written with what it owes the vehicles (<see cref="DurableState{TState}"/>). The clocks run on business time
/// as the complaint's do: a timer from the business clock calls the grain just after the next deadline passes, and
/// while a clock runs a durable reminder brings the case back after a restart, which records a breach missed meanwhile.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class BuybackCaseGrain(
    [PersistentState("buybackCase", GrainStorage.Name)] IPersistentState<BuybackGrainState> state,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<BuybackCaseGrain> logger) : Grain, IBuybackCaseGrain, IRemindable, IOutboxOwner, IIncomingGrainCallFilter
{
    private const string ReminderName = "art28";

    /// <summary>How often the durable reminder looks while a clock runs: deadlines are whole days, so a breach missed during an outage is recorded within this.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(15);

    private DeadlineClock? _clock;
    private DurableState<BuybackGrainState>? _durable;

    // True while OpenAsync runs (the vehicle is held for this case, the case not yet written): GetAsync then says the
    // case is opening, so the vehicle does not hand itself to another case meanwhile. Lost with the activation, as it
    // should be: a case whose opening died with its silo was never written and holds nothing.
    private bool _opening;

    private string Id => this.GetPrimaryKeyString();

    private DurableState<BuybackGrainState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Buyback case", BuybackDecisions.Fold);

    private DateTimeOffset Now => time.GetUtcNow();

    private TimeSpan Offset => vehicleOptions.Value.BusinessUtcOffset;

    private DateOnly Today => vehicleOptions.Value.Warranty.DateOf(Now);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Durable.ResumePending();
        if (state.State.Case is not null)
        {
            try
            {
                // Clocks only: what the case owes is delivered by the retry ResumePending scheduled, after activation.
                // Delivering here could call the very vehicle whose request activated this case (a 30 s deadlock).
                await CatchUpClocksAsync();
            }
            catch (Exception ex)
            {
                // The reminder or the next call tries again; the case itself is readable.
                LogClockCheckFailed(logger, ex, Id);
            }
        }

        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _clock?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<Outcome<BuybackCaseView>> OpenAsync(OpenBuybackCase request, string actor)
    {
        if (state.State.Case is { } existing)
        {
            request = request with { Article = BuybackArticles.Normalize(request.Article) ?? request.Article };
            return state.State.OpenFingerprint == BuybackDecisions.Fingerprint(request)
                ? Outcome<BuybackCaseView>.Created(Versioned(existing))
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Buyback case {Id} is already open for another request: this Idempotency-Key was used for a different case.");
        }

        if (BuybackArticles.Normalize(request.Article) is not { } article)
        {
            DeactivateOnIdle();
            return Refusal.Invalid("article", $"article must be one of {string.Join(", ", BuybackArticles.All)}: the articles that give a replacement or refund.");
        }

        request = request with { Article = article };
        var today = Today;
        var years = await GrainFactory.Grain<IWorkingCalendarGrain>(WorkingCalendarKeys.Mainland).GetYearsAsync(today.Year, today.Year + 1);
        var calendar = new WorkingDayCalendar(years.Select(y => new CalendarYear(y.Year, y.Holidays, y.MakeUpWorkingDays)));
        if (Art28.Deadlines(calendar, today, out var missingYear) is not { } deadlines)
        {
            DeactivateOnIdle();
            return Refusal.Conflict(ProblemCodes.CalendarNotLoaded,
                $"The working-day calendar for {missingYear} is not loaded, so the Art. 28 deadlines cannot be counted; an operator loads it (PUT /api/calendar/{missingYear}). Nothing was opened.");
        }

        _opening = true;
        try
        {
            return await OpenOnVehicleAsync(request, actor, today, deadlines.AnswerBy, deadlines.CompleteBy);
        }
        finally
        {
            _opening = false;
        }
    }

    private async Task<Outcome<BuybackCaseView>> OpenOnVehicleAsync(OpenBuybackCase request, string actor, DateOnly today, DateOnly answerBy, DateOnly completeBy)
    {
        var deadlines = (AnswerBy: answerBy, CompleteBy: completeBy);
        var granted = await GrainFactory.Grain<IVehicleGrain>(request.Vin).OpenBuybackCaseAsync(Id, request.Request, request.Article);
        if (granted.Refusal is { } refusal)
        {
            DeactivateOnIdle();
            return refusal;
        }

        var decision = BuybackDecisions.Open(state.State, Id, request, granted.Value!, actor, Now, today, deadlines.AnswerBy, deadlines.CompleteBy);
        // The reminder first: a case acknowledged without it could miss its deadlines after a crash. One left behind by
        // an opening that was then not written finds no case and unregisters itself.
        try
        {
            await Clock.RegisterReminderAsync();
        }
        catch (Exception ex)
        {
            LogReminderFailed(logger, ex, Id);
            throw new ServiceUnavailableException($"Buyback case {Id}: its Art. 28 reminder could not be registered; nothing was opened; retry.");
        }

        await Durable.CommitAsync(decision.Next!);
        LogOpened(logger, Id, request.Vin, request.Request, decision.Case!.Article, deadlines.AnswerBy, deadlines.CompleteBy);
        await ArmClocksAsync();
        return Outcome<BuybackCaseView>.Created(Versioned(decision.Case));
    }

    public async Task<Outcome<BuybackCaseView>> ActAsync(BuybackCommand command, string actor, string? idempotencyKey)
    {
        if (state.State.Case is not { } current)
        {
            DeactivateOnIdle();
            return BuybackDecisions.NotFound(Id);
        }

        var replay = idempotencyKey is not null && current.Steps.Any(s => s.IdempotencyKey == idempotencyKey);
        if (!replay && Preconditions.Check(this, state.State.Revision, exists: true, $"Buyback case {Id}") is { } stale)
        {
            return stale;
        }

        var caughtUp = BuybackDecisions.CatchUp(state.State, Now, Offset);
        var facts = command.Action == BuybackAction.Complete && current.State == BuybackCaseState.Approved ? await CompletionFactsAsync(current, command) : null;
        var decision = BuybackDecisions.Act(caughtUp, Id, command, actor, idempotencyKey, Now, Today, facts);
        var next = decision.Next ?? caughtUp;
        if (!ReferenceEquals(next, state.State))
        {
            // Deadlines that passed before this request are recorded even when the step itself is refused.
            await Durable.CommitAsync(next);
            await Durable.DeliverAsync();
            await ArmClocksAsync();
        }

        if (decision.Refusal is { } refusal)
        {
            return refusal;
        }

        if (decision.Next is not null)
        {
            LogStep(logger, Id, command.Action, actor);
        }

        // What the step owed may have been folded into the case (a vehicle that refused): answer with the case as it stands.
        return Outcome<BuybackCaseView>.Ok(Versioned(decision.Next is null ? decision.Case! : state.State.Case!));
    }

    public Task<Outcome<BuybackCaseView>> GetAsync() =>
        Task.FromResult(state.State.Case is { } current ? Outcome<BuybackCaseView>.Ok(Versioned(current))
            : _opening ? Outcome<BuybackCaseView>.Refused(Refusal.Conflict(ProblemCodes.NotYetReady, $"Buyback case {Id} is being opened."))
            : Outcome<BuybackCaseView>.Refused(BuybackDecisions.NotFound(Id)));

    /// <summary>The case as stored carries no version of its own: the grain's is its version.</summary>
    private BuybackCaseView Versioned(BuybackCaseView view) => view with { Revision = state.State.Revision };

    public async Task CheckClocksAsync()
    {
        if (state.State.Case is null)
        {
            DeactivateOnIdle();
            return;
        }

        await CatchUpClocksAsync();
        if (Durable.HasPending)
        {
            await Durable.DeliverAsync();
        }
    }

    /// <summary>Records the deadlines that passed (written with the state, not delivered) and re-arms the clocks.</summary>
    private async Task CatchUpClocksAsync()
    {
        var caughtUp = BuybackDecisions.CatchUp(state.State, Now, Offset);
        if (!ReferenceEquals(caughtUp, state.State))
        {
            var before = state.State.Case!.Breaches.Count;
            await Durable.CommitAsync(caughtUp);
            foreach (var breach in caughtUp.Case!.Breaches.Skip(before))
            {
                LogBreach(logger, Id, breach.Clock, breach.DueBy, breach.RecordedAt);
                AfterSalesMetrics.Breach("buyback", breach.Clock.ToString());
            }
        }

        await ArmClocksAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Case is null)
        {
            // Left by an opening whose write failed after the reminder was registered: nothing to watch.
            if (await this.GetReminder(reminderName) is { } leftover)
            {
                await this.UnregisterReminder(leftover);
            }

            DeactivateOnIdle();
            return;
        }

        await CheckClocksAsync();
    }

    /// <summary>The vehicle as it stands, the replacement named, and the usage compensation at the latest reading.</summary>
    private async Task<CompletionFacts> CompletionFactsAsync(BuybackCaseView current, BuybackCommand command)
    {
        var vehicleGrain = GrainFactory.Grain<IVehicleGrain>(current.Vin);
        var vehicle = (await vehicleGrain.GetAsync()).Value
            ?? throw new InvalidOperationException($"Buyback case {Id}: vehicle {current.Vin} could not be read.");
        VehicleView? replacement = null;
        if (current.Request == BuybackRequestKind.Replace && command.ReplacementVin is { } replacementVin && replacementVin != current.Vin)
        {
            replacement = (await GrainFactory.Grain<IVehicleGrain>(replacementVin).GetAsync()).Value;
        }

        // The compensation grows with the km driven: the vehicle's answer now, or (should the entitlement no longer be
        // listed) the one it gave when the case opened.
        var warranty = (await vehicleGrain.GetWarrantyAsync(null, null)).Value;
        var now = warranty?.Entitlements.FirstOrDefault(e => e.Article == current.Article && e.Status == EntitlementStatus.Granted);
        return new CompletionFacts(vehicle, replacement, now is null ? current.Entitlement.UsageCompensation : now.UsageCompensation);
    }

    /// <summary>
    /// Arms the business-time timer for the next deadline (one tick after it passes) and keeps the durable reminder
    /// registered exactly while a clock runs.
    /// </summary>
    private Task ArmClocksAsync() => Clock.ArmAsync(BuybackDecisions.NextDue(state.State.Case, Offset));

    private DeadlineClock Clock => _clock ??= new(this, time, ReminderName, ReminderPeriod, this.AsReference<IBuybackCaseGrain>().CheckClocksAsync,
        ex => LogClockCheckFailed(logger, ex, Id), ex => LogReminderFailed(logger, ex, Id));

    /// <summary>The event a recorded breach is logged with (after it is durable).</summary>
    public const int BreachEventId = 1602;

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Buyback case {Id} opened for {Vin}: {Request} under {Article}; answer by {AnswerBy:yyyy-MM-dd}, complete by {CompleteBy:yyyy-MM-dd}")]
    private static partial void LogOpened(ILogger logger, string id, string vin, BuybackRequestKind request, string article, DateOnly answerBy, DateOnly completeBy);

    [LoggerMessage(EventId = BreachEventId, Level = LogLevel.Warning, Message = "Buyback case {Id}: Art. 28 {Clock} deadline {DueBy:yyyy-MM-dd} passed (recorded {RecordedAt:O})")]
    private static partial void LogBreach(ILogger logger, string id, BuybackClock clock, DateOnly dueBy, DateTimeOffset recordedAt);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Buyback case {Id}: {Action} by {Actor}")]
    private static partial void LogStep(ILogger logger, string id, BuybackAction action, string actor);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Buyback case {Id}: checking the Art. 28 clocks failed; the reminder retries")]
    private static partial void LogClockCheckFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Warning, Message = "Buyback case {Id}: the Art. 28 reminder could not be updated")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string id);
}
