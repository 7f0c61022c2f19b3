using System.Collections.Immutable;
using AfterSales.Grains.Common;
using AfterSales.Grains.Network;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Surveys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Surveys;

/// <summary>What a survey persists (state_name 'survey', JSON).</summary>
public sealed record SurveyGrainState : IOutboxState<SurveyGrainState>
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Null until the station opened it.</summary>
    public SurveyView? Survey { get; init; }

    /// <summary>The Idempotency-Key of the request that recorded the outcome and its fingerprint (a survey is recorded once).</summary>
    public string? RecordedKey { get; init; }

    public string? RecordedFingerprint { get; init; }

    public long Revision { get; init; }

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public SurveyGrainState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public SurveyGrainState WithRevision(long revision) => this with { Revision = revision };

    public SurveyGrainState Written() => this;
}

/// <summary>
/// One completed work order's customer satisfaction survey (seed 000 §5.6). Opened by the station's outbox once the
/// order is archived; answered (score 1–5, comment) or closed unanswered by the call centre, once. Each change
/// reports the survey's whole contribution to its station-month roll-up (source <c>survey:{id}</c>: version 1 due,
/// version 2 final once recorded) and enters or leaves the call centre's queue, both through the outbox.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class SurveyGrain(
    [PersistentState("survey", GrainStorage.Name)] IPersistentState<SurveyGrainState> state,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    IOptions<VehicleOptions> vehicleOptions,
    ILogger<SurveyGrain> logger) : Grain, ISurveyGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    public const int MaxCommentLength = 2000;

    private DurableState<SurveyGrainState>? _durable;

    private string Id => this.GetPrimaryKeyString();

    private DurableState<SurveyGrainState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Survey");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Durable.ResumePending();
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public async Task<SurveyView> OpenAsync(SurveyDue due)
    {
        if (state.State.Survey is { } held)
        {
            return held;
        }

        var survey = new SurveyView(Id, due.WorkOrderId, due.StationCode, due.Vin, due.Kind, due.CompletedAt, due.Month, time.GetUtcNow(),
            SurveyState.Due, null, null, null, null);
        await Durable.CommitAsync(state.State.Send([
            .. Contributions(survey, 1),
            new SurveyQueueUpdate(Id, survey) { Id = "queue:due" }]) with { Survey = survey });
        await Durable.DeliverAsync();
        return survey;
    }

    public Task<Outcome<SurveyView>> AnswerAsync(SurveyResponse response, string actor, string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (response.Score is < 1 or > 5)
        {
            errors["score"] = ["score must be 1 (very dissatisfied) to 5 (very satisfied)."];
        }

        if (response.Comment is { Length: > MaxCommentLength })
        {
            errors["comment"] = [$"comment must be at most {MaxCommentLength} characters."];
        }

        return errors.Count > 0
            ? Task.FromResult<Outcome<SurveyView>>(Refusal.Invalid(errors))
            : RecordAsync(RequestFingerprint.Of(nameof(AnswerAsync), response), idempotencyKey, actor,
                s => s with { State = SurveyState.Answered, Score = response.Score, Comment = string.IsNullOrWhiteSpace(response.Comment) ? null : response.Comment.Trim() });
    }

    public Task<Outcome<SurveyView>> NoAnswerAsync(string actor, string? idempotencyKey) =>
        RecordAsync(RequestFingerprint.Of(nameof(NoAnswerAsync), Id), idempotencyKey, actor, s => s with { State = SurveyState.NoAnswer });

    public Task<Outcome<SurveyView>> GetAsync() =>
        Task.FromResult(state.State.Survey is { } survey ? Outcome<SurveyView>.Ok(survey) : NotFound());

    private async Task<Outcome<SurveyView>> RecordAsync(string fingerprint, string? key, string actor, Func<SurveyView, SurveyView> record)
    {
        var current = state.State;
        if (current.Survey is not { } survey)
        {
            return NotFound();
        }

        if (key is not null && key == current.RecordedKey)
        {
            return fingerprint == current.RecordedFingerprint
                ? Outcome<SurveyView>.Ok(survey)
                : Refusal.Conflict(ProblemCodes.IdempotencyKeyReused, $"Idempotency-Key '{key}' was already used for a different request to survey {Id}.");
        }

        if (survey.State != SurveyState.Due)
        {
            return Refusal.Conflict(ProblemCodes.SurveyRecorded,
                $"Survey {Id} is already {(survey.State == SurveyState.Answered ? "answered" : "closed unanswered")} ({survey.RecordedAt:u} by {survey.RecordedBy}); a survey is recorded once.");
        }

        var recorded = record(survey) with { RecordedAt = time.GetUtcNow(), RecordedBy = actor };
        await Durable.CommitAsync(current.Send([
            .. Contributions(recorded, 2),
            new SurveyQueueUpdate(Id, null) { Id = "queue:recorded" }]) with { Survey = recorded, RecordedKey = key, RecordedFingerprint = fingerprint });
        await Durable.DeliverAsync();
        return Outcome<SurveyView>.Ok(recorded);
    }

    /// <summary>
    /// The survey's whole contribution to its station-month (final once recorded), and the same to the service summaries
    /// of the completion's business date (its month and ISO week).
    /// </summary>
    private IEnumerable<OutboxMessage> Contributions(SurveyView survey, long version)
    {
        var counters = new Dictionary<string, long> { [StationMonthCounters.SurveysDue] = 1 };
        if (survey.State == SurveyState.Answered)
        {
            counters[StationMonthCounters.SurveysAnswered] = 1;
            counters[StationMonthCounters.SurveyScoreSum] = survey.Score ?? 0;
        }
        else if (survey.State == SurveyState.NoAnswer)
        {
            counters[StationMonthCounters.SurveysNoAnswer] = 1;
        }

        var month = Domain.Claims.BusinessMonth.TryParse(survey.Month, out var m) ? m : default;
        var contribution = new CounterContribution("survey:" + survey.Id, version, counters.ToImmutableSortedDictionary(StringComparer.Ordinal), Final: version > 1);
        return [
            new RollupReport(RollupScopes.StationMonth(survey.StationCode, month.Year, month.Month), contribution) { Id = "rollup:" + version },
            .. SummaryReports.Service(survey.StationCode, ReportPeriods.DayOf(survey.CompletedAt, vehicleOptions.Value.BusinessUtcOffset), contribution, "rollup:" + version),
        ];
    }

    private Refusal NotFound() => Refusal.NotFound(ProblemCodes.SurveyNotFound, $"No survey {Id}: surveys are due once a completed work order is archived on its vehicle.");
}
