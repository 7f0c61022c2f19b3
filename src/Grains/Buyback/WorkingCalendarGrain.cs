using System.Collections.Immutable;
using AfterSales.Domain.Calendar;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Buyback;

/// <summary>What the calendar persists (state_name 'workingCalendar'): each loaded year. A few dozen dates a year.</summary>
public sealed record WorkingCalendarState
{
    public int SchemaVersion { get; init; } = 1;

    public ImmutableSortedDictionary<int, WorkingCalendarYear> Years { get; init; } = ImmutableSortedDictionary<int, WorkingCalendarYear>.Empty;
}

/// <summary>
/// The mainland working-day calendar as data (one grain): an operator loads each year as the State Council publishes
/// it — public holidays and make-up working days. Replacing a year changes the deadlines of cases opened afterwards;
/// an open case keeps the deadlines it was opened with (the owner was told them).
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class WorkingCalendarGrain(
    [PersistentState("workingCalendar", GrainStorage.Name)] IPersistentState<WorkingCalendarState> state,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<WorkingCalendarGrain> logger) : Grain, IWorkingCalendarGrain
{
    public async Task<Outcome<WorkingCalendarYear>> PutYearAsync(int year, IReadOnlyList<DateOnly> holidays, IReadOnlyList<DateOnly> makeUpWorkingDays, string actor)
    {
        var data = new CalendarYear(year, holidays, makeUpWorkingDays);
        var problems = data.Problems();
        if (problems.Count > 0)
        {
            return Refusal.Invalid(new Dictionary<string, string[]> { ["days"] = [.. problems] });
        }

        var sortedHolidays = holidays.Distinct().Order().ToImmutableArray();
        var sortedMakeUp = makeUpWorkingDays.Distinct().Order().ToImmutableArray();
        if (state.State.Years.TryGetValue(year, out var loaded)
            && loaded.Holidays.SequenceEqual(sortedHolidays) && loaded.MakeUpWorkingDays.SequenceEqual(sortedMakeUp))
        {
            return Outcome<WorkingCalendarYear>.Ok(loaded);
        }

        var entry = new WorkingCalendarYear(year, sortedHolidays, sortedMakeUp, time.GetUtcNow(), actor);
        await state.WriteOrRestoreAsync(state.State with { Years = state.State.Years.SetItem(year, entry) }, this, logger, "Working-day calendar");
        return Outcome<WorkingCalendarYear>.Ok(entry);
    }

    public Task<Outcome<WorkingCalendarYear>> GetYearAsync(int year) =>
        Task.FromResult(state.State.Years.TryGetValue(year, out var loaded)
            ? Outcome<WorkingCalendarYear>.Ok(loaded)
            : Outcome<WorkingCalendarYear>.Refused(Refusal.NotFound(ProblemCodes.NotFound, $"The working-day calendar for {year} is not loaded (PUT /api/calendar/{year}).")));

    public Task<IReadOnlyList<WorkingCalendarYear>> GetYearsAsync(int fromYear, int toYear) =>
        Task.FromResult<IReadOnlyList<WorkingCalendarYear>>([.. state.State.Years.Where(y => y.Key >= fromYear && y.Key <= toYear).Select(y => y.Value)]);
}
