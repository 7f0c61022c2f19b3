using System.Collections.Immutable;
using System.Text.Json;
using AfterSales.Domain.Claims;
using AfterSales.Domain.Stations;
using AfterSales.Grains.Common;
using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Reports;
using AfterSales.Interfaces.Stations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace AfterSales.Grains.Quality;

/// <summary>What a month's grade sheet persists (state_name 'gradeSheet', JSON): nothing until the month is closed.</summary>
public sealed record GradeSheetState : IOutboxState<GradeSheetState>
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The frozen sheet; null while the month is open.</summary>
    public FrozenGradeSheet? Sheet { get; init; }

    /// <summary>The Idempotency-Key of the close (a retry with it answers the sheet instead of 409).</summary>
    public string? ClosedKey { get; init; }

    public long Revision { get; init; }

    public ImmutableArray<OutboxMessage> Outbox { get; init; } = [];

    public GradeSheetState WithOutbox(ImmutableArray<OutboxMessage> outbox) => this with { Outbox = outbox };

    public GradeSheetState WithRevision(long revision) => this with { Revision = revision };

    public GradeSheetState Written() => this;
}

/// <summary>
/// A month's graded assessment (服务商分级考核表, seed 000 §5.4.5), one grain per month (<c>yyyy-MM</c>). Closing —
/// only once the month has ended on the business calendar — grades every station from the live roll-ups once,
/// attaches what each grade earns under <see cref="GradePolicy.Consequences"/>, and stores the sheet together with one
/// message per station (its grade and consequence) in one write; the stations record them (idempotent by month) and
/// apply the consecutive-D rule, and their answers (a suspension) are folded into the sheet. From then on the
/// month's report is this sheet, never recomputed.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed partial class GradeSheetGrain(
    [PersistentState("gradeSheet", GrainStorage.Name)] IPersistentState<GradeSheetState> state,
    IOptions<GradePolicy> policy,
    IOptions<VehicleOptions> vehicleOptions,
    [FromKeyedServices(BusinessClock.Key)] TimeProvider time,
    ILogger<GradeSheetGrain> logger) : Grain, IGradeSheetGrain, IOutboxOwner, IIncomingGrainCallFilter
{
    private DurableState<GradeSheetState>? _durable;

    private string Month => this.GetPrimaryKeyString();

    private DurableState<GradeSheetState> Durable => _durable ??= new(state, this, GrainFactory, logger, "Grade sheet", FoldAnswer);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Durable.ResumePending();
        return base.OnActivateAsync(cancellationToken);
    }

    public Task FlushOutboxAsync() => Durable.DeliverAsync();

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => Durable.InvokeCatchingUpAsync(context);

    public Task<FrozenGradeSheet?> GetFrozenAsync() => Task.FromResult(state.State.Sheet);

    public async Task<Outcome<FrozenGradeSheet>> CloseAsync(string actor, string? idempotencyKey)
    {
        if (!BusinessMonth.TryParse(Month, out var month))
        {
            return Refusal.Invalid("month", "month must be yyyy-MM, for example 2026-11.");
        }

        var current = state.State;
        if (current.Sheet is { } frozen)
        {
            return idempotencyKey is not null && idempotencyKey == current.ClosedKey
                ? Outcome<FrozenGradeSheet>.Ok(frozen)
                : Refusal.Conflict(ProblemCodes.IllegalTransition, $"The grades of {Month} were frozen at {frozen.FrozenAt:u} by {frozen.FrozenBy}; a month is closed once.");
        }

        var now = time.GetUtcNow();
        var today = vehicleOptions.Value.Warranty.DateOf(now);
        if (month >= BusinessMonth.Of(today))
        {
            return Refusal.Conflict(ProblemCodes.MonthNotOver,
                $"{Month} is not over yet (today is {today:yyyy-MM-dd} on the business calendar); its grades are frozen once it has ended.");
        }

        var rules = policy.Value;
        var report = await GrainFactory.Grain<IStationGradesGrain>(Month).GetAsync();
        var stations = report.Stations.Select(s => s with { Consequence = View(GradeConsequences.For(s.Grade, rules)) }).ToImmutableArray();
        var sheet = new FrozenGradeSheet(report with { Stations = stations }, now, actor, rules.SuspendAfterConsecutiveD);
        var owed = stations.Select(s => new GradeToStation(s.Code,
            new StationGradeRecord(Month, s.Grade, s.Score, s.Consequence!, rules.SuspendAfterConsecutiveD, now)) { Id = "grade:" + s.Code });
        await Durable.CommitAsync(current.Send(owed) with { Sheet = sheet, ClosedKey = idempotencyKey });
        LogFrozen(logger, Month, stations.Length);
        await Durable.DeliverAsync();
        return Outcome<FrozenGradeSheet>.Ok(state.State.Sheet!);
    }

    private static GradeConsequenceView View(GradeConsequencePolicy c) =>
        new(JsonNamingPolicy.CamelCase.ConvertName(c.Kind.ToString()), c.AmountCny, c.Label);

    /// <summary>A station's answer: a suspension its grade caused shows on the sheet.</summary>
    private static GradeSheetState FoldAnswer(GradeSheetState current, OutboxMessage message, DeliveryAnswer answer)
    {
        if (message is not GradeToStation sent || answer.Reply is not StationGradeRecord { SuspendedFor: { } run } || current.Sheet is not { } sheet)
        {
            return current;
        }

        var stations = sheet.Report.Stations.Select(s => s.Code == sent.StationCode && s.Consequence is { } c
            ? s with { Consequence = c with { SuspendedFor = run } }
            : s).ToImmutableArray();
        return current with { Sheet = sheet with { Report = sheet.Report with { Stations = stations } } };
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Grades of {Month} frozen: {Stations} stations")]
    private static partial void LogFrozen(ILogger logger, string month, int stations);
}
