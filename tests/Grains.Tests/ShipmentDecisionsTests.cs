using AfterSales.Grains.Common;
using AfterSales.Grains.Parts;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Grains.Tests;

/// <summary>Shipment notices (seed 000 §5.5.2) and receipt inspection at the station (seed 001 §5.4.3).</summary>
public sealed class ShipmentDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);

    private static ShipmentNotice Notice(string id = "D1-S1", int quantity = 3) =>
        new(id, "D1", "Depot 1", "S1", Now, [new ShipmentLine("D1-R1", "P-1", quantity, true, "S1-7")]);

    [Fact]
    public void AnInspection_IsRecordedOnce_TheSecondIsAConflict()
    {
        var (inspection, refusal) = ShipmentDecisions.Inspect(Notice(), null, [new InspectionLine("P-1", 2, 1, " cracked ")], "station:S1", Now);
        Assert.Null(refusal);
        Assert.Equal("cracked", inspection!.Lines[0].Reason);

        var (_, again) = ShipmentDecisions.Inspect(Notice(), inspection, [new InspectionLine("P-1", 3, 0, null)], "station:S1", Now);
        Assert.Equal(OutcomeStatus.Conflict, again!.Status);
        Assert.Equal(ProblemCodes.IllegalTransition, again.Code);
    }

    [Fact]
    public void AnInspectionThatDoesNotAddUp_IsInvalid_NamingTheLine()
    {
        var (inspection, refusal) = ShipmentDecisions.Inspect(Notice(), null, [new InspectionLine("P-1", 2, 0, null)], "station:S1", Now);
        Assert.Null(inspection);
        Assert.Equal(OutcomeStatus.Invalid, refusal!.Status);
        Assert.Contains("lines[0]", refusal.Errors!.Keys);
    }

    [Theory]
    // accepted, rejected → arrival confirmed, units reserved again
    [InlineData(3, 0, true, 0)]
    [InlineData(2, 1, true, 1)]
    [InlineData(0, 3, false, 3)]
    public void AnInspection_OwesTheStation_TheArrivalOfAcceptedParts_AndAReservationOfRejectedOnes(int accepted, int rejected, bool arrival, int again)
    {
        var notice = Notice();
        var (inspection, _) = ShipmentDecisions.Inspect(notice, null, [new InspectionLine("P-1", accepted, rejected, rejected > 0 ? "bent" : null)], "station:S1", Now);

        var owed = ShipmentDecisions.Owed(notice, inspection!);

        var station = Assert.IsType<ShipmentToStation>(owed.Single(m => m.Id == "station"));
        Assert.Equal(("S1", "inspected"), (station.StationCode, station.Shipment.State));
        Assert.Equal(arrival, owed.OfType<ArrivalToDepot>().Any(a => a is { DepotCode: "D1", ReservationId: "D1-R1" }));
        var rejectedAgain = owed.OfType<RejectedToDepot>().SingleOrDefault();
        Assert.Equal(again, rejectedAgain?.Reservation.Quantity ?? 0);
        if (rejectedAgain is not null)
        {
            Assert.Equal(("S1", "S1-7", "inspection:D1-S1:D1-R1"), (rejectedAgain.Reservation.StationCode, rejectedAgain.Reservation.WorkOrderId, rejectedAgain.IdempotencyKey));
        }

        Assert.Equal(owed.Count, owed.Select(m => m.Id).Distinct().Count());
    }

    /// <summary>
    /// Randomized: shipments reach the station from their outboxes in any order and any number of times (in transit,
    /// inspected, again in transit after the inspection); the station's stock is the sum of the inspections, each
    /// counted once, and its list shows each shipment as it was last inspected.
    /// </summary>
    [Fact]
    public void TheStationsStock_CountsEveryInspectionOnce_HoweverItsCopiesArrive()
    {
        var random = new Random(21);
        for (var round = 0; round < 50; round++)
        {
            var state = new StationPartsState();
            var listed = new Dictionary<string, ShipmentView>(StringComparer.Ordinal);
            var expected = new Dictionary<string, (int Accepted, int Rejected)>(StringComparer.Ordinal);
            var deliveries = new List<ShipmentView>();
            var inspected = 0;
            for (var s = 0; s < random.Next(1, 8); s++)
            {
                var part = "P-" + random.Next(3);
                var quantity = random.Next(1, 6);
                var notice = new ShipmentNotice($"D1-S{s + 1}", "D1", "Depot 1", "S1", Now.AddMinutes(random.Next(3)), [new ShipmentLine($"D1-R{s}", part, quantity, false, "S1-1")]);
                deliveries.AddRange(Enumerable.Repeat(ShipmentDecisions.View(notice, null), random.Next(1, 3)));
                if (random.Next(3) > 0)
                {
                    var accepted = random.Next(quantity + 1);
                    var (inspection, _) = ShipmentDecisions.Inspect(notice, null, [new InspectionLine(part, accepted, quantity - accepted, "r")], "station:S1", Now);
                    deliveries.AddRange(Enumerable.Repeat(ShipmentDecisions.View(notice, inspection), random.Next(1, 4)));
                    var held = expected.GetValueOrDefault(part);
                    expected[part] = (held.Accepted + accepted, held.Rejected + quantity - accepted);
                    inspected++;
                }
            }

            foreach (var shipment in deliveries.OrderBy(_ => random.Next()))
            {
                var position = StationShipments.Position(shipment.ShippedAt, shipment.Id);
                if (StationPartsDecisions.Record(state, listed.GetValueOrDefault(position), shipment, position) is { } next)
                {
                    foreach (var row in next.NewRows!)
                    {
                        listed[row.Key] = row.Body;
                    }

                    state = next.Written();
                }
            }

            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value.Accepted, e.Value.Rejected)),
                state.Stock.Select(s => (s.Key, s.Value.Accepted, s.Value.Rejected)));
            Assert.Equal(inspected, state.ShipmentsInspected);
            Assert.Equal(inspected, listed.Values.Count(v => v.State == ShipmentDecisions.Inspected));
        }
    }

    [Theory]
    [InlineData("0639188640000000000|D1-S1", true)]
    [InlineData("0639188640000000000|D-A_B-S12", true)]
    [InlineData("0639188640000000000|d1-s1", false)]
    [InlineData("063918864000000000|D1-S1", false)]
    [InlineData("0639188640000000000D1-S1", false)]
    [InlineData("063918864000000000x|D1-S1", false)]
    [InlineData("0639188640000000000|", false)]
    public void AListPosition_IsRecognised(string position, bool expected) => Assert.Equal(expected, StationShipments.IsPosition(position));

    [Fact]
    public void AListPosition_OrdersByShipTimeThenId()
    {
        var earlier = StationShipments.Position(Now, "D9-S9");
        var later = StationShipments.Position(Now.AddTicks(1), "D1-S1");
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.True(StationShipments.IsPosition(earlier));
    }
}
