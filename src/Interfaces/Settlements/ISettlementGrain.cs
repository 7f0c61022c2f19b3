using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Settlements;

/// <summary>What a settlement line is.</summary>
public enum SettlementLineKind
{
    /// <summary>An approved warranty claim the manufacturer pays the station.</summary>
    Claim = 0,

    /// <summary>A comeback inside the repair-quality guarantee of this station's repair: its cost is deducted here.</summary>
    ChargedBack = 1,

    /// <summary>A comeback this station repaired for another station's failed repair: recovered from that station (shown, not deducted).</summary>
    RecoveredFromOther = 2,
}

/// <summary>
/// One line of a station's settlement statement; <see cref="Id"/> makes it count once. <see cref="Dated"/> is the
/// business date that places it: a claim's repair date, a chargeback's decision date.
/// </summary>
[GenerateSerializer, Immutable, Alias("AfterSales.SettlementLine")]
public sealed record class SettlementLine(
    [property: Id(0)] string Id,
    [property: Id(1)] SettlementLineKind Kind,
    [property: Id(2)] string ClaimId,
    [property: Id(3)] string WorkOrderId,
    [property: Id(4)] string Vin,
    [property: Id(5)] ClaimAmount Amount,
    [property: Id(6)] DateOnly Dated,
    [property: Id(7)] string? OtherStation = null,
    [property: Id(8)] string? Month = null);

/// <summary>A statement's totals (CNY): claims paid, deducted for comebacks, recovered from others, and what is payable.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.SettlementTotals")]
public sealed record class SettlementTotals(
    [property: Id(0)] int Claims,
    [property: Id(1)] ClaimAmount ClaimsAmount,
    [property: Id(2)] int Chargebacks,
    [property: Id(3)] decimal ChargedBack,
    [property: Id(4)] decimal RecoveredFromOthers,
    [property: Id(5)] decimal Payable)
{
    public static readonly SettlementTotals Empty = new(0, ClaimAmount.Zero, 0, 0, 0, 0);

    /// <summary>The totals with <paramref name="line"/> added.</summary>
    public SettlementTotals Add(SettlementLine line) => line.Kind switch
    {
        SettlementLineKind.Claim => this with { Claims = Claims + 1, ClaimsAmount = ClaimsAmount.Plus(line.Amount), Payable = Payable + line.Amount.Total },
        SettlementLineKind.ChargedBack => this with { Chargebacks = Chargebacks + 1, ChargedBack = ChargedBack + line.Amount.Total, Payable = Payable - line.Amount.Total },
        _ => this with { Chargebacks = Chargebacks + 1, RecoveredFromOthers = RecoveredFromOthers + line.Amount.Total },
    };
}

/// <summary>A station's settlement statement (结算单) for one month.</summary>
[GenerateSerializer, Immutable, Alias("AfterSales.SettlementStatement")]
public sealed record class SettlementStatement(
    [property: Id(0)] string StationCode,
    [property: Id(1)] string Month,
    [property: Id(2)] bool Closed,
    [property: Id(3)] DateTimeOffset? ClosedAt,
    [property: Id(4)] string? ClosedBy,
    [property: Id(5)] IReadOnlyList<SettlementLine> Claims,
    [property: Id(6)] IReadOnlyList<SettlementLine> Chargebacks,
    [property: Id(7)] SettlementTotals Totals);

/// <summary>
/// One station's settlement (keyed by station code): approved claims and chargebacks by month. A line goes to the
/// month of its date (a claim's repair month), or, when that month is closed (frozen), to the first open month after it.
/// </summary>
[Alias("AfterSales.ISettlementGrain")]
[Version(1)]
public interface ISettlementGrain : IGrainWithStringKey
{
    /// <summary>Adds the line once (by its id); returns the month it went to.</summary>
    [Alias("Record")]
    Task<string> RecordAsync(SettlementLine line);

    /// <summary>Closes <paramref name="month"/> (and every earlier open month): frozen from now on.</summary>
    [Alias("Close")]
    Task<Outcome<SettlementStatement>> CloseAsync(string month, string actor, string? idempotencyKey);

    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<SettlementStatement>> GetStatementAsync(string month);
}
