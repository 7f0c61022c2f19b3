using System.Collections.Immutable;

namespace AfterSales.Domain.Parts;

public enum ReservationState
{
    /// <summary>Stock is set aside for it.</summary>
    Allocated,

    /// <summary>Waiting for stock, in priority order.</summary>
    Queued,

    /// <summary>Sent to the station (all of it).</summary>
    Shipped,

    /// <summary>Given up; its stock (if any) went back to the depot.</summary>
    Released,
}

/// <summary>
/// A request for parts for a station's work order. <see cref="ToDepot"/> set: an inter-depot transfer — the parts go
/// to that depot (which serves the work order from its stock), not to the station; the work order still gives the
/// priority. <see cref="ShipmentId"/>: the shipment its last shipping opened.
/// </summary>
public sealed record Reservation(
    string Id, string PartNo, int Quantity, string StationCode, string WorkOrderId, bool Warranty, bool Urgent, long Sequence,
    ReservationState State, int Shipped = 0, string? ToDepot = null, string? ShipmentId = null)
{

    /// <summary>Still holding stock (allocated, not yet all shipped).</summary>
    public int Held => State == ReservationState.Allocated ? Quantity - Shipped : 0;

    /// <summary>
    /// Who is served first when stock is short (seed 001 §5.4.5): warranty (三包) repairs before others, then urgent
    /// orders (急件), then the oldest.
    /// </summary>
    public (int, int, long) Priority => (Warranty ? 0 : 1, Urgent ? 0 : 1, Sequence);
}

/// <summary>One part's stock at a depot.</summary>
public sealed record PartLevels(int OnHand, int Reserved, int Available, int OnOrder, int Queued);

/// <summary>
/// A depot's stock per part and its open reservations, with the allocation rules as pure functions. Stock never
/// goes negative: every refusal leaves the book unchanged.
/// </summary>
public sealed record DepotBook(
    ImmutableSortedDictionary<string, int> OnHand,
    ImmutableSortedDictionary<string, int> OnOrder,
    ImmutableList<Reservation> Reservations,
    long NextSequence)
{
    public static DepotBook Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal), ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal), [], 1);

    /// <summary>
    /// A part is known at a depot once it has been received or ordered there, or a reservation waits for it: a part the
    /// depot never stocked is back-ordered (queued), not refused (issue 21: unknown parts back-ordered and shown as shortages).
    /// </summary>
    public bool Knows(string partNo) => OnHand.ContainsKey(partNo) || OnOrder.ContainsKey(partNo) || Reservations.Any(r => r.PartNo == partNo);

    /// <summary>Every part the depot knows, in part-number order.</summary>
    public IEnumerable<string> Parts =>
        OnHand.Keys.Union(OnOrder.Keys).Union(Reservations.Select(r => r.PartNo)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public PartLevels Levels(string partNo)
    {
        var onHand = OnHand.GetValueOrDefault(partNo);
        var reserved = Reservations.Where(r => r.PartNo == partNo).Sum(r => r.Held);
        var queued = Reservations.Where(r => r.PartNo == partNo && r.State == ReservationState.Queued).Sum(r => r.Quantity);
        return new PartLevels(onHand, reserved, onHand - reserved, OnOrder.GetValueOrDefault(partNo), queued);
    }

    /// <summary>Supplier or transfer orders placed: on order until received.</summary>
    public DepotBook Order(string partNo, int quantity) =>
        this with { OnOrder = OnOrder.SetItem(partNo, OnOrder.GetValueOrDefault(partNo) + quantity) };

    /// <summary>Goods in: on hand grows, on order shrinks (never below zero), then the queue is served.</summary>
    public DepotBook Receive(string partNo, int quantity, out IReadOnlyList<Reservation> allocated)
    {
        var received = this with
        {
            OnHand = OnHand.SetItem(partNo, OnHand.GetValueOrDefault(partNo) + quantity),
            OnOrder = OnOrder.SetItem(partNo, Math.Max(0, OnOrder.GetValueOrDefault(partNo) - quantity)),
        };
        return received.ServeQueue(partNo, out allocated);
    }

    /// <summary>
    /// A new reservation is allocated when the stock is there and nobody queued for the part outranks it;
    /// otherwise it queues (so a warranty repair waiting for stock is never overtaken by a later ordinary one).
    /// </summary>
    public DepotBook Reserve(
        string id, string partNo, int quantity, string stationCode, string workOrderId, bool warranty, bool urgent, out Reservation reservation,
        string? toDepot = null)
    {
        var candidate = new Reservation(id, partNo, quantity, stationCode, workOrderId, warranty, urgent, NextSequence, ReservationState.Queued, 0, toDepot);
        var outranked = Reservations.Any(r => r.PartNo == partNo && r.State == ReservationState.Queued && r.Priority.CompareTo(candidate.Priority) < 0);
        if (!outranked && Levels(partNo).Available >= quantity)
        {
            candidate = candidate with { State = ReservationState.Allocated };
        }

        reservation = candidate;
        return this with { Reservations = Reservations.Add(candidate), NextSequence = NextSequence + 1 };
    }

    /// <summary>Ships some or all of an allocated reservation: on hand and reserved both shrink.</summary>
    public DepotBook Ship(Reservation reservation, int quantity, out Reservation shipped, string? shipmentId = null)
    {
        shipped = reservation with
        {
            ShipmentId = shipmentId ?? reservation.ShipmentId,
            Shipped = reservation.Shipped + quantity,
            State = reservation.Shipped + quantity == reservation.Quantity ? ReservationState.Shipped : ReservationState.Allocated,
        };
        return this with
        {
            OnHand = OnHand.SetItem(reservation.PartNo, OnHand.GetValueOrDefault(reservation.PartNo) - quantity),
            Reservations = Reservations.Replace(reservation, shipped),
        };
    }

    /// <summary>
    /// A transfer expected from another depot for a work order (seed 000 §5.3.5 急件): the quantity is on order (in
    /// transit) at once and a reservation for the work order is made — allocated only if stock here already serves it
    /// under the priority rules, else queued until the transfer is received (<see cref="Receive"/> serves the queue,
    /// warranty first, so the transfer may go to a repair that outranks it).
    /// </summary>
    public DepotBook ExpectTransfer(
        string id, string partNo, int quantity, string stationCode, string workOrderId, bool warranty, bool urgent, out Reservation reservation) =>
        Order(partNo, quantity).Reserve(id, partNo, quantity, stationCode, workOrderId, warranty, urgent, out reservation);

    /// <summary>Gives a reservation up: what it held goes back to the depot and the queue is served.</summary>
    public DepotBook Release(Reservation reservation, out IReadOnlyList<Reservation> allocated)
    {
        var released = this with { Reservations = Reservations.Replace(reservation, reservation with { State = ReservationState.Released }) };
        return released.ServeQueue(reservation.PartNo, out allocated);
    }

    /// <summary>Allocates queued reservations of the part in priority order while the head of the queue fits.</summary>
    public DepotBook ServeQueue(string partNo, out IReadOnlyList<Reservation> allocated)
    {
        var book = this;
        var served = new List<Reservation>();
        foreach (var queued in Reservations.Where(r => r.PartNo == partNo && r.State == ReservationState.Queued).OrderBy(r => r.Priority))
        {
            // Strict priority: a warranty repair at the head that does not fit yet keeps the stock for itself.
            if (book.Levels(partNo).Available < queued.Quantity)
            {
                break;
            }

            var now = queued with { State = ReservationState.Allocated };
            book = book with { Reservations = book.Reservations.Replace(queued, now) };
            served.Add(now);
        }

        allocated = served;
        return book;
    }

    /// <summary>
    /// Takes the finished reservations out of the book (they hold no stock and nothing queues behind them, so no rule
    /// needs them): the book keeps only live ones, and the caller keeps the finished ones elsewhere.
    /// </summary>
    public DepotBook TakeFinished(out IReadOnlyList<Reservation> finished)
    {
        var taken = Reservations.Where(IsFinished).ToList();
        finished = taken;
        return taken.Count == 0 ? this : this with { Reservations = Reservations.RemoveAll(IsFinished) };
    }

    /// <summary>Shipped in full or released: it holds nothing, queues for nothing and changes no more.</summary>
    public static bool IsFinished(Reservation reservation) => reservation.State is ReservationState.Shipped or ReservationState.Released;
}
