using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Buyback;

/// <summary>
/// One replace/refund case (退换车), keyed by its id: opened on an owner's request with the entitlement behind it and
/// the Art. 28 deadlines, evaluated by the warranty department, approved by someone else (management), completed as a
/// replacement or a refund. The clocks record a breach when a deadline passes.
/// </summary>
[Alias("AfterSales.IBuybackCaseGrain")]
[Version(1)]
public interface IBuybackCaseGrain : IGrainWithStringKey
{
    /// <summary>Opens the case; opening it again with the same request (a retry) answers as the first time.</summary>
    [Alias("Open")]
    Task<Outcome<BuybackCaseView>> OpenAsync(OpenBuybackCase request, string actor);

    /// <summary>Evaluate, approve, reject or complete; the wrong state is a conflict naming the allowed actions.</summary>
    [Alias("Act")]
    Task<Outcome<BuybackCaseView>> ActAsync(BuybackCommand command, string actor, string? idempotencyKey);

    /// <summary>The case. Interleaves: it only reads, and the vehicle may ask while the case waits on the vehicle.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave, Idempotent]
    Task<Outcome<BuybackCaseView>> GetAsync();

    /// <summary>Records any deadline that has passed (the business-time timer and the durable reminder call it).</summary>
    [Alias("CheckClocks")]
    Task CheckClocksAsync();
}

/// <summary>The working-day calendar (one grain, <see cref="WorkingCalendarKeys.Mainland"/>), one entry per loaded year.</summary>
[Alias("AfterSales.IWorkingCalendarGrain")]
[Version(1)]
public interface IWorkingCalendarGrain : IGrainWithStringKey
{
    /// <summary>Loads (or replaces) a year; the problems with it are a 400 naming the dates.</summary>
    [Alias("PutYear")]
    Task<Outcome<WorkingCalendarYear>> PutYearAsync(int year, IReadOnlyList<DateOnly> holidays, IReadOnlyList<DateOnly> makeUpWorkingDays, string actor);

    [Alias("GetYear"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<WorkingCalendarYear>> GetYearAsync(int year);

    /// <summary>The loaded years from <paramref name="fromYear"/> to <paramref name="toYear"/> (missing ones left out).</summary>
    [Alias("GetYears"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<WorkingCalendarYear>> GetYearsAsync(int fromYear, int toYear);
}

public static class WorkingCalendarKeys
{
    public const string Mainland = "cn";
}
