using AfterSales.Domain.Parts;
using AfterSales.Grains.Common;
using AfterSales.Grains.Parts;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Grains.Tests;

/// <summary>
/// Urgent orders (急件订单, seed 000 §5.3.5; issue 21 item 5): what placing one owes the depots — for a transfer the
/// reservation at the source as a transfer to the home depot and the home depot's reservation with the quantity on
/// order, each keyed by the order id — and the legs its view shows.
/// </summary>
public sealed class UrgentOrderDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly PlaceUrgentOrder Command = new("S1", "P-1", 3, "S1-7");

    private static SourcingDecision Decision(SourcingRoute route) => route switch
    {
        SourcingRoute.Transfer => new(route, new SourcingCandidate("D-SRC", 900, 5), new SourcingCandidate("D-HOME", 12, 0)),
        SourcingRoute.NearestDepot => new(route, new SourcingCandidate("D-SRC", 40, 5), new SourcingCandidate("D-HOME", 12, 0)),
        _ => new(route, null, new SourcingCandidate("D-HOME", 12, 0)),
    };

    [Theory]
    // route → messages owed "id>depot:toDepot:transferFrom:key" (empty parts are none)
    [InlineData(SourcingRoute.NearestDepot, "reserve>D-SRC:::urgent:U1")]
    [InlineData(SourcingRoute.Transfer, "reserve>D-SRC:D-HOME::urgent:U1|home>D-HOME::D-SRC:urgent:U1:home")]
    [InlineData(SourcingRoute.Procurement, "reserve>D-HOME:::urgent:U1|procure")]
    public void Place_OwesTheReservationsOfItsRoute_KeyedByTheOrderId(SourcingRoute route, string expected)
    {
        var (order, owed) = UrgentOrderDecisions.Place("U1", Command, "Hubei", Decision(route), "2026-06", Now);

        var described = string.Join('|', owed.Select(m => m switch
        {
            UrgentReservation r => $"{m.Id}>{r.DepotCode}:{r.Reservation.ToDepot}:{r.Reservation.TransferFrom}:{r.IdempotencyKey}",
            _ => m.Id,
        }));
        Assert.Equal(expected, described);
        Assert.Equal("sourcing", order.State);
    }

    [Fact]
    public void ATransfer_IsSourcedOnceBothDepotsAnswered_AndRefusedIfEitherRefuses()
    {
        var (order, _) = UrgentOrderDecisions.Place("U1", Command, "Hubei", Decision(SourcingRoute.Transfer), "2026-06", Now);

        var source = UrgentOrderDecisions.Reserved(order, Reservation("D-SRC-R1", "D-SRC", "allocated"), null);
        Assert.Equal("sourcing", source.State);
        var both = UrgentOrderDecisions.HomeReserved(source, Reservation("D-HOME-R1", "D-HOME", "queued"), null);
        Assert.Equal(("sourced", "D-SRC-R1", "D-HOME-R1"), (both.State, both.ReservationId, both.HomeReservationId));

        var refused = UrgentOrderDecisions.HomeReserved(source, null, Refusal.Conflict(ProblemCodes.WorkOrderClosed, "closed"));
        Assert.Equal("refused", refused.State);
        Assert.Equal("refused", UrgentOrderDecisions.Reserved(refused, Reservation("D-SRC-R1", "D-SRC", "allocated"), null).State);
    }

    [Theory]
    // source reservation state (- none), shipped transfer's shipment state, home reservation state (+a: arrived) → transfer leg, delivery leg
    [InlineData("-", null, "-", "reserving", "reserving")]
    [InlineData("queued", null, "queued", "queued", "awaitingTransfer")]
    [InlineData("allocated", null, "queued", "reserved", "awaitingTransfer")]
    [InlineData("shipped", "inTransit", "queued", "shipped", "awaitingTransfer")]
    [InlineData("shipped", "received", "queued", "received", "awaitingTransfer")] // received, but a warranty repair took it first
    [InlineData("shipped", "received", "allocated", "received", "allocated")]
    [InlineData("shipped", "received", "shipped", "received", "shipped")]
    [InlineData("shipped", "received", "shipped+a", "received", "arrived")]
    [InlineData("released", null, "released", "released", "released")]
    public void TheLegsOfATransfer_FollowItsReservationsAndShipment(string source, string? shipment, string home, string transferLeg, string deliveryLeg)
    {
        var (order, _) = UrgentOrderDecisions.Place("U1", Command, "Hubei", Decision(SourcingRoute.Transfer), "2026-06", Now);
        var first = source == "-" ? null : Reservation("D-SRC-R1", "D-SRC", source) with { ShipmentId = shipment is null ? null : "D-SRC-S1", ToDepot = "D-HOME" };
        var second = home == "-" ? null : Reservation("D-HOME-R1", "D-HOME", home.Replace("+a", "", StringComparison.Ordinal)) with { Arrived = home.EndsWith("+a", StringComparison.Ordinal) };
        if (first is not null)
        {
            order = UrgentOrderDecisions.HomeReserved(UrgentOrderDecisions.Reserved(order, first, null), second, null);
        }

        var transfer = shipment is null ? null
            : ShipmentDecisions.View(new ShipmentNotice("D-SRC-S1", "D-SRC", "Source", "S1", Now, []) { ToDepot = "D-HOME" }, null, shipment == "received" ? Now : null);

        var legs = UrgentOrderDecisions.Legs(order, first, second, transfer);

        Assert.Equal(
            [("transfer", "D-SRC", "D-HOME", transferLeg), ("delivery", "D-HOME", "S1", deliveryLeg)],
            legs.Select(l => (l.Kind, l.FromDepot, l.To, l.State)));
    }

    [Theory]
    [InlineData(SourcingRoute.NearestDepot, "allocated", "allocated")]
    [InlineData(SourcingRoute.NearestDepot, "queued", "queued")]
    [InlineData(SourcingRoute.Procurement, "queued", "backOrdered")]
    [InlineData(SourcingRoute.Procurement, "allocated", "allocated")]
    public void AnyOtherRoute_HasOneDeliveryLeg(SourcingRoute route, string reservation, string leg)
    {
        var (order, _) = UrgentOrderDecisions.Place("U1", Command, "Hubei", Decision(route), "2026-06", Now);
        var depot = order.ReservationDepot!;
        var made = Reservation(depot + "-R1", depot, reservation);

        var legs = UrgentOrderDecisions.Legs(UrgentOrderDecisions.Reserved(order, made, null), made, null, null);

        Assert.Equal([("delivery", depot, "S1", leg)], legs.Select(l => (l.Kind, l.FromDepot, l.To, l.State)));
    }

    [Theory]
    // depots "code:province:lat:lon;…" → the nearest for a station at (30, 114) in Hubei
    [InlineData("A:Hubei:30.5:114;B:Hubei:30.1:114", "B")] // the nearer in the province
    [InlineData("A:Hubei:31:114;B:Henan:30.01:114", "A")] // the province's own depot before a nearer one across the border
    [InlineData("B:Henan:32:114;C:Anhui:30.5:114", "C")] // none in the province: the nearest of all
    [InlineData("B:Hubei:30.1:114;A:Hubei:30.1:114", "A")] // equally near: by code
    [InlineData("", null)] // no depot registered
    public void TheDirectorysNearestDepot_IsTheProvincesNearest_ElseTheNearestOfAll(string depots, string? expected)
    {
        var all = depots.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(d => d.Split(':'))
            .Select(p => new DepotLocation(p[0], "Depot " + p[0], p[1],
                double.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture), 1));

        Assert.Equal(expected, DepotDirectoryDecisions.Nearest(all, 30, 114, "Hubei")?.Code);
    }

    private static ReservationView Reservation(string id, string depot, string state) =>
        new(id, depot, "P-1", 3, "S1", "S1-7", false, true, state, state == "shipped" ? 3 : 0, false);
}
