using AfterSales.Domain.Parts;

namespace AfterSales.Domain.Tests.Parts;

public sealed class DepotStockTests
{
    private const string Part = "AS-BRK-ABS-06";

    private static DepotBook Stocked(int units) => DepotBook.Empty.Receive(Part, units, out _);

    [Theory]
    [InlineData(3, 3, ReservationState.Allocated)] // exactly the last units
    [InlineData(3, 4, ReservationState.Queued)] // one more than available
    [InlineData(0, 1, ReservationState.Queued)]
    public void Reserve_AllocatesWhatIsAvailable_ElseQueues(int onHand, int quantity, ReservationState expected)
    {
        var book = (onHand == 0 ? DepotBook.Empty.Order(Part, 5) : Stocked(onHand)).Reserve("r1", Part, quantity, "S1", "S1-1", false, false, out var r);
        Assert.Equal(expected, r.State);
        var levels = book.Levels(Part);
        Assert.Equal(expected == ReservationState.Allocated ? quantity : 0, levels.Reserved);
        Assert.Equal(expected == ReservationState.Queued ? quantity : 0, levels.Queued);
        Assert.True(levels.Available >= 0);
    }

    /// <summary>Issue 21 (parts, seed 001 §5.4): a part the depot never stocked is back-ordered, known from then on, and served when it arrives.</summary>
    [Fact]
    public void APartNeverStocked_IsBackOrdered_AndServedWhenItArrives()
    {
        Assert.False(DepotBook.Empty.Knows(Part));

        var book = DepotBook.Empty.Reserve("r1", Part, 2, "S1", "S1-1", false, false, out var backOrdered);

        Assert.Equal(ReservationState.Queued, backOrdered.State);
        Assert.True(book.Knows(Part));
        Assert.Equal([Part], book.Parts);
        Assert.Equal(new PartLevels(0, 0, 0, 0, 2), book.Levels(Part));

        book = book.Receive(Part, 2, out var allocated);

        Assert.Equal("r1", Assert.Single(allocated).Id);
        Assert.Equal(new PartLevels(2, 2, 0, 0, 0), book.Levels(Part));
    }

    [Theory]
    // queued first, then arriving stock: who gets the 2 units that arrive
    [InlineData(false, false, true, false, "b")] // warranty beats an older ordinary repair
    [InlineData(false, true, true, false, "b")] // warranty beats an older urgent ordinary one
    [InlineData(false, false, false, true, "b")] // urgent beats an older ordinary one
    [InlineData(true, false, true, true, "b")] // both warranty: urgent first
    [InlineData(true, true, true, true, "a")] // same rank: the older first
    [InlineData(false, false, false, false, "a")]
    public void ArrivingStock_ServesWarrantyFirst_ThenUrgency_ThenAge(bool aWarranty, bool aUrgent, bool bWarranty, bool bUrgent, string winner)
    {
        var book = DepotBook.Empty.Order(Part, 10)
            .Reserve("a", Part, 2, "S1", "S1-1", aWarranty, aUrgent, out _)
            .Reserve("b", Part, 2, "S2", "S2-1", bWarranty, bUrgent, out _);

        book = book.Receive(Part, 2, out var allocated);

        Assert.Equal([winner], allocated.Select(r => r.Id));
        Assert.Equal(2, book.Levels(Part).Queued);
    }

    [Fact]
    public void AnOrdinaryRequest_NeverOvertakesAQueuedWarrantyRepair_EvenWhenItWouldFit()
    {
        var book = Stocked(1).Reserve("w", Part, 2, "S1", "S1-1", warranty: true, urgent: false, out var warranty);
        Assert.Equal(ReservationState.Queued, warranty.State);

        book.Reserve("o", Part, 1, "S2", "S2-1", warranty: false, urgent: true, out var ordinary);

        Assert.Equal(ReservationState.Queued, ordinary.State);
    }

    [Fact]
    public void ShipAndRelease_MoveStockOn_AndReleaseServesTheQueue()
    {
        var book = Stocked(3).Reserve("a", Part, 3, "S1", "S1-1", false, false, out var a).Reserve("b", Part, 2, "S2", "S2-1", true, false, out var b);
        Assert.Equal(ReservationState.Queued, b.State);

        book = book.Ship(a, 1, out a);
        Assert.Equal(new PartLevels(2, 2, 0, 0, 2), book.Levels(Part));

        book = book.Release(a, out var allocated);
        Assert.Equal(["b"], allocated.Select(r => r.Id));
        Assert.Equal(new PartLevels(2, 2, 0, 0, 0), book.Levels(Part));
    }

    [Fact]
    public void TakeFinished_TakesShippedAndReleasedOut_AndLeavesTheLevelsAndTheQueueAsTheyWere()
    {
        var book = Stocked(5)
            .Reserve("shipped", Part, 2, "S1", "S1-1", false, false, out var shipped)
            .Reserve("partly", Part, 2, "S1", "S1-2", false, false, out var partly)
            .Reserve("released", Part, 1, "S2", "S2-1", false, false, out var released)
            .Reserve("queued", Part, 3, "S2", "S2-2", true, false, out _);
        book = book.Ship(shipped, 2, out _).Ship(partly, 1, out _).Release(released, out _);
        var levels = book.Levels(Part);

        var taken = book.TakeFinished(out var finished);

        Assert.Equal(["shipped", "released"], finished.Select(r => r.Id));
        Assert.Equal(["partly", "queued"], taken.Reservations.Select(r => r.Id));
        Assert.Equal(levels, taken.Levels(Part));
        Assert.Equal(book.NextSequence, taken.NextSequence);
        Assert.Same(taken, taken.TakeFinished(out var none));
        Assert.Empty(none);
    }

    /// <summary>
    /// Thousands of random operations: after every step nothing is negative, the queue's head never fits, and at the
    /// end the levels equal a brute-force replay of the accepted events.
    /// </summary>
    [Fact]
    public void RandomOperations_KeepTheInvariants_AndMatchABruteForceReplay()
    {
        var random = new Random(42);
        var parts = new[] { "P-1", "P-2", "P-3" };
        var book = DepotBook.Empty;
        var received = new Dictionary<string, int>();
        var shipped = new Dictionary<string, int>();
        for (var i = 0; i < 5_000; i++)
        {
            var part = parts[random.Next(parts.Length)];
            var open = book.Reservations.Where(r => r.State is ReservationState.Allocated or ReservationState.Queued).ToList();
            switch (random.Next(4))
            {
                case 0:
                    var units = random.Next(1, 6);
                    book = book.Receive(part, units, out _);
                    received[part] = received.GetValueOrDefault(part) + units;
                    break;
                case 1 when book.Knows(part):
                    book = book.Reserve($"r{i}", part, random.Next(1, 5), "S", $"S-{i}", random.Next(3) == 0, random.Next(4) == 0, out _);
                    break;
                case 2 when open.Count > 0:
                    var toShip = open[random.Next(open.Count)];
                    if (toShip.State == ReservationState.Allocated)
                    {
                        var quantity = random.Next(1, toShip.Held + 1);
                        book = book.Ship(toShip, quantity, out _);
                        shipped[toShip.PartNo] = shipped.GetValueOrDefault(toShip.PartNo) + quantity;
                    }

                    break;
                case 3 when open.Count > 0:
                    book = book.Release(open[random.Next(open.Count)], out _);
                    break;
            }

            foreach (var p in parts)
            {
                var levels = book.Levels(p);
                Assert.True(levels.OnHand >= 0 && levels.Reserved >= 0 && levels.Available >= 0, $"step {i}: {p} {levels}");
                var head = book.Reservations.Where(r => r.PartNo == p && r.State == ReservationState.Queued).OrderBy(r => r.Priority).FirstOrDefault();
                Assert.True(head is null || head.Quantity > levels.Available, $"step {i}: {p}'s queue head {head?.Id} fits but waits");
            }
        }

        foreach (var p in parts)
        {
            var levels = book.Levels(p);
            Assert.Equal(received.GetValueOrDefault(p) - shipped.GetValueOrDefault(p), levels.OnHand);
            var held = book.Reservations.Where(r => r.PartNo == p && r.State == ReservationState.Allocated).Sum(r => r.Quantity - r.Shipped);
            Assert.Equal(held, levels.Reserved);
            Assert.Equal(levels.OnHand - held, levels.Available);
        }
    }

    /// <summary>
    /// Issue 21 item 5, seed 000 §5.3.5 (急件) and seed 001 §5.4.5: an inter-depot transfer is on order at the home depot
    /// at once, with the work order's reservation waiting for it; its receipt takes it out of on order into on hand and
    /// serves the queue in priority order — a warranty repair queued for the part is served first.
    /// </summary>
    [Theory]
    // home on hand, transfer quantity, a warranty repair queued for how many (0: none) → the transfer's reservation and the repair's after the receipt
    [InlineData(0, 3, 0, ReservationState.Allocated, null)] // nothing else waits: the transfer serves the work order
    [InlineData(1, 3, 0, ReservationState.Allocated, null)] // too little stock here before (why it was transferred); enough after
    [InlineData(0, 3, 2, ReservationState.Queued, ReservationState.Allocated)] // a warranty repair waits: it takes 2, the 1 left does not fit the 3
    [InlineData(2, 3, 3, ReservationState.Queued, ReservationState.Allocated)] // 2 here + 3 received: the repair's 3 first, 2 left
    [InlineData(0, 3, 4, ReservationState.Queued, ReservationState.Queued)] // the warranty repair at the head does not fit: it keeps the stock for itself
    public void ATransfer_IsOnOrderAtOnce_AndItsReceiptServesTheQueueWarrantyFirst(int onHand, int quantity, int warranty, ReservationState transferAfter, ReservationState? warrantyAfter)
    {
        var book = onHand > 0 ? Stocked(onHand) : DepotBook.Empty;
        if (warranty > 0)
        {
            book = book.Reserve("w1", Part, warranty, "S2", "S2-2", true, false, out var repair);
            Assert.Equal(ReservationState.Queued, repair.State);
        }

        book = book.ExpectTransfer("t1", Part, quantity, "S1", "S1-1", false, true, out var expected);

        Assert.Equal(ReservationState.Queued, expected.State);
        Assert.Equal(quantity, book.Levels(Part).OnOrder);

        book = book.Receive(Part, quantity, out _);

        Assert.Equal(0, book.Levels(Part).OnOrder);
        Assert.Equal(onHand + quantity, book.Levels(Part).OnHand);
        var byId = book.Reservations.ToDictionary(r => r.Id);
        Assert.Equal(transferAfter, byId["t1"].State);
        Assert.Equal(warrantyAfter, warranty > 0 ? byId["w1"].State : null);
    }

    /// <summary>A transfer reservation at the source keeps its destination depot and, once shipped, the shipment.</summary>
    [Fact]
    public void ATransferReservation_KeepsItsDestination_AndItsShipment()
    {
        var book = Stocked(5).Reserve("r1", Part, 3, "S1", "S1-1", false, true, out var reserved, toDepot: "D-HOME");
        Assert.Equal(("D-HOME", ReservationState.Allocated), (reserved.ToDepot, reserved.State));

        book = book.Ship(reserved, 3, out var shipped, "D-SRC-S1");

        Assert.Equal(("D-HOME", "D-SRC-S1", ReservationState.Shipped), (shipped.ToDepot, shipped.ShipmentId, shipped.State));
        Assert.Equal(2, book.Levels(Part).OnHand);
    }
}
