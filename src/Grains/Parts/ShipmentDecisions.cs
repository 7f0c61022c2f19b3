using AfterSales.Domain.Parts;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Grains.Parts;

/// <summary>The shipment's decisions (pure): the view, the inspection and what an inspection owes other grains.</summary>
public static class ShipmentDecisions
{
    public const string InTransit = "inTransit";
    public const string Inspected = "inspected";
    public const string Received = "received";

    public static ShipmentView View(ShipmentNotice notice, ShipmentInspection? inspection, DateTimeOffset? receivedAt = null) => new(
        notice.Id, notice.DepotCode, notice.DepotName, notice.StationCode, notice.ShippedAt, notice.Lines,
        inspection is not null ? Inspected : receivedAt is not null ? Received : InTransit, inspection)
    {
        ToDepot = notice.ToDepot,
        ReceivedAt = receivedAt,
    };

    /// <summary>A transfer's depot acknowledged its receipt (not a refusal): the shipment is received, at the first acknowledgement.</summary>
    public static ShipmentState FoldReceipt(ShipmentState current, OutboxMessage message, DeliveryAnswer answer, DateTimeOffset now) =>
        message is TransferToDepot && answer.Refusal is null && current.ReceivedAt is null ? current with { ReceivedAt = now } : current;

    /// <summary>
    /// The inspection of <paramref name="notice"/> (seed 001 §5.4.3), or why not: inspected already (409), or lines that
    /// do not account for every shipped part (400, by field — see <see cref="ReceiptInspection.Check"/>). The lines are
    /// kept in the notice's order of parts.
    /// </summary>
    public static (ShipmentInspection? Inspection, Refusal? Refusal) Inspect(
        ShipmentNotice notice, ShipmentInspection? already, IReadOnlyList<InspectionLine> lines, string inspectedBy, DateTimeOffset now)
    {
        if (already is not null)
        {
            return (null, Refusal.Conflict(ProblemCodes.IllegalTransition,
                $"Shipment {notice.Id} was inspected at {already.InspectedAt:u} by {already.InspectedBy}; an inspection is recorded once."));
        }

        var errors = ReceiptInspection.Check(
            [.. notice.Lines.Select(l => new ShippedLine(l.PartNo, l.Quantity))],
            [.. lines.Select(l => new InspectedLine(l.PartNo, l.Accepted, l.Rejected, l.Reason))]);
        if (errors.Count > 0)
        {
            return (null, Refusal.Invalid(errors));
        }

        var order = notice.Lines.Select(l => l.PartNo).Distinct(StringComparer.Ordinal).ToList();
        var sorted = lines.OrderBy(l => order.IndexOf(l.PartNo))
            .Select(l => l with { Reason = l.Rejected > 0 ? l.Reason!.Trim() : null }).ToList();
        return (new ShipmentInspection(now, inspectedBy, sorted), null);
    }

    /// <summary>
    /// What an inspection owes: the station its shipment as inspected (list and stock); for each reservation whose part
    /// was accepted (any of it), the depot's confirmation of its arrival (the waiting work order is told); for each
    /// part rejected, a new reservation of the rejected quantity at the depot for the same work order, keyed by
    /// shipment and reservation so it is made once however often it is delivered.
    /// </summary>
    public static IReadOnlyList<OutboxMessage> Owed(ShipmentNotice notice, ShipmentInspection inspection)
    {
        var view = View(notice, inspection);
        var owed = new List<OutboxMessage> { new ShipmentToStation(notice.StationCode, view) { Id = "station" } };
        foreach (var line in inspection.Lines)
        {
            var shipped = notice.Lines.Where(l => l.PartNo == line.PartNo).ToList();
            if (line.Accepted > 0)
            {
                owed.AddRange(shipped.Select(l => new ArrivalToDepot(notice.DepotCode, l.ReservationId) { Id = "arrival:" + l.ReservationId }));
            }

            if (line.Rejected > 0)
            {
                // The rejected units go back on the first reservation of the part (a notice has one line per reservation).
                var first = shipped[0];
                owed.Add(new RejectedToDepot(notice.DepotCode,
                    new ReserveParts(line.PartNo, line.Rejected, notice.StationCode, first.WorkOrderId, Warranty: false, Urgent: false),
                    $"inspection:{notice.Id}:{first.ReservationId}") { Id = "rejected:" + first.ReservationId });
            }
        }

        return owed;
    }
}
