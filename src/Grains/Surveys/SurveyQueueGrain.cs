using System.Collections.Immutable;
using System.Globalization;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Surveys;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Surveys;

/// <summary>What the survey queue persists (state_name 'surveyQueue'): the surveys due, keyed in queue order.</summary>
public sealed record SurveyQueueState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Surveys due by <see cref="SurveyQueueGrain.OrderKey"/> (due since, then id).</summary>
    public ImmutableSortedDictionary<string, SurveyView> Due { get; init; } = ImmutableSortedDictionary.Create<string, SurveyView>(StringComparer.Ordinal);
}

/// <summary>
/// The call centre's list of surveys due, oldest first. It holds only what is due (the calls not yet made), so it
/// stays the size of the backlog; each survey adds and removes itself through its outbox, idempotent by survey id.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class SurveyQueueGrain(
    [PersistentState("surveyQueue", GrainStorage.Name)] IPersistentState<SurveyQueueState> state,
    ILogger<SurveyQueueGrain> logger) : Grain, ISurveyQueueGrain
{
    public async Task EnqueueAsync(SurveyView survey)
    {
        if (state.State.Due.ContainsKey(OrderKey(survey)))
        {
            return;
        }

        await state.WriteOrRestoreAsync(state.State with { Due = state.State.Due.SetItem(OrderKey(survey), survey) }, this, logger, "Survey queue");
    }

    public async Task RemoveAsync(string surveyId)
    {
        foreach (var (key, survey) in state.State.Due)
        {
            if (survey.Id == surveyId)
            {
                await state.WriteOrRestoreAsync(state.State with { Due = state.State.Due.Remove(key) }, this, logger, "Survey queue");
                return;
            }
        }
    }

    public Task<Outcome<SurveyQueuePage>> ListAsync(int limit, string? cursor)
    {
        string? after = null;
        if (cursor is not null && (after = PageCursor.Decode(cursor)) is null)
        {
            return Task.FromResult(Outcome<SurveyQueuePage>.Refused(Refusal.Invalid("cursor", "cursor is not one this list returned; start again without it.")));
        }

        var items = state.State.Due
            .SkipWhile(e => after is not null && string.CompareOrdinal(e.Key, after) <= 0)
            .Take(limit + 1)
            .ToList();
        var next = items.Count > limit ? PageCursor.Encode(items[limit - 1].Key) : null;
        return Task.FromResult(Outcome<SurveyQueuePage>.Ok(new SurveyQueuePage([.. items.Take(limit).Select(e => e.Value)], next, state.State.Due.Count)));
    }

    /// <summary>Queue order: due since (UTC ticks, fixed width so text order is time order), then the survey id.</summary>
    public static string OrderKey(SurveyView survey) =>
        string.Create(CultureInfo.InvariantCulture, $"{survey.DueSince.UtcTicks:D19}|{survey.Id}");
}
