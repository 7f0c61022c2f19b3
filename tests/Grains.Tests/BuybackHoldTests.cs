using AfterSales.Grains.Vehicles;
using AfterSales.Interfaces.Buyback;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Grains.Tests;

/// <summary>
/// The vehicle's side of a replace/refund case, as pure functions: a live case blocks ending the vehicle's life by
/// other means; a hold left by a case that was never written does not; a closure applies once.
/// </summary>
public sealed class BuybackHoldTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Today = new(2026, 12, 1);
    private const string CaseId = "BB00000000000000000001";

    private static VehicleState Held(string? caseId = CaseId) => new()
    {
        Identity = new VehicleIdentity("LSVAU218XN2183294", "Q5", "B1", new DateOnly(2026, 1, 5), Powertrain.Ice, 200_000m),
        Lifecycle = VehicleLifecycle.InService,
        Owner = new OwnerView("Li", "13800000000", new DateOnly(2026, 2, 1)),
        DeliveryDate = new DateOnly(2026, 2, 1),
        OdometerKm = 10_000,
        OpenBuybackCase = caseId,
    };

    private static readonly EndVehicleLife Scrap = new(VehicleLifecycle.Scrapped, Today, null, null, "written off");

    [Fact]
    public void EndingTheLifeOfAVehicleALiveCaseHolds_IsAConflictNamingTheCase()
    {
        var decision = VehicleDecisions.EndLife(Held(), Scrap, Now, Today, new VehicleOptions(), heldCaseOpen: true);

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Contains(CaseId, decision.Refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AHoldByACaseThatWasNeverWritten_DoesNotBlock_AndGoesWithTheVehiclesEnd()
    {
        var decision = VehicleDecisions.EndLife(Held(), Scrap, Now, Today, new VehicleOptions(), heldCaseOpen: false);

        Assert.Null(decision.Refusal);
        Assert.Equal((VehicleLifecycle.Scrapped, (string?)null), (decision.Next!.Lifecycle, decision.Next.OpenBuybackCase));
    }

    [Fact]
    public void ARefundClosure_EndsTheVehicleOnce_AndAgainChangesNothing()
    {
        var closure = new BuybackClosure(CaseId, BuybackClosureKind.Refunded, Today, null);

        var first = VehicleDecisions.CloseBuybackCase(Held(), closure);
        var again = VehicleDecisions.CloseBuybackCase(first.Next!, closure);

        Assert.Equal((VehicleLifecycle.Refunded, (DateOnly?)Today, (string?)null), (first.Next!.Lifecycle, first.Next.EndedOn, first.Next.OpenBuybackCase));
        Assert.Null(again.Refusal);
        Assert.Null(again.Next);
    }

    [Fact]
    public void AClosureOfACaseTheVehicleDoesNotHold_IsAConflict()
    {
        var decision = VehicleDecisions.CloseBuybackCase(Held("BB00000000000000000002"), new BuybackClosure(CaseId, BuybackClosureKind.Replaced, Today, "LSVAU2181N2183295"));

        Assert.Equal(OutcomeStatus.Conflict, decision.Refusal!.Status);
        Assert.Null(decision.Next);
    }
}
