using System.Globalization;
using AfterSales.Bench.Loader;
using AfterSales.Client;

namespace AfterSales.Demo;

/// <summary>The work after the visits: parts reserved, shipped and inspected, urgent orders, satisfaction surveys, the month's grades.</summary>
internal static class DemoWork
{
    /// <summary>
    /// Parts for open work orders. Two in ten orders in repair get a reservation at the nearest depot the demo stocked
    /// with the part (planned from the stock it received, so a rerun picks the same depot), which the parts department
    /// ships and the station inspects — one in four with a part rejected, which the depot reserves again. One in two
    /// orders waiting for parts gets an urgent order (急件), which the system sources itself.
    /// </summary>
    public static async Task PartsAsync(DemoCallers callers, DemoOptions options, IReadOnlyList<DemoDepot> depots, IReadOnlyList<OpenOrder> orders, DemoCounts produced)
    {
        var left = depots.ToDictionary(d => d.Code, d => d.Stock.ToDictionary(s => s.Part, s => s.Quantity, StringComparer.Ordinal), StringComparer.Ordinal);
        var reservations = new List<(OpenOrder Order, string Part, int Quantity, DemoDepot Depot)>();
        foreach (var order in orders.Where(o => o.Roll is 6 or 7))
        {
            var (part, quantity) = (DemoExtras.Parts[order.Index % DemoExtras.Parts.Length], 1 + (order.Index % 2));
            var depot = depots.Where(d => left[d.Code].GetValueOrDefault(part) >= quantity)
                .OrderBy(d => DistanceKm(order.Station.Latitude, order.Station.Longitude, d.City.Latitude, d.City.Longitude)).ThenBy(d => d.Code, StringComparer.Ordinal)
                .FirstOrDefault();
            if (depot is not null)
            {
                left[depot.Code][part] -= quantity;
                reservations.Add((order, part, quantity, depot));
            }
        }

        await Step.RunAsync("parts reserved, shipped (notice) and inspected at the station", reservations, 8, async r =>
        {
            var station = callers.Station(r.Order.Station.Code);
            var key = $"demo-{options.Seed}-parts-{r.Order.Index}";
            var (reservation, _) = await Calls.ReplyAsync(station.ReservePartsAsync(r.Depot.Code, key, new ReservationRequest
            {
                PartNo = r.Part, Quantity = r.Quantity, StationCode = r.Order.Station.Code, WorkOrderId = r.Order.Id,
            }));
            if (reservation?.Id is not { } reservationId)
            {
                return false;
            }

            produced.Add("parts: reservations");
            var shipmentId = reservation.ShipmentId; // a rerun's replay: shipped by the earlier run
            if (shipmentId is null)
            {
                var (shipped, _) = await Calls.ReplyAsync(callers.Parts.ShipReservationAsync(r.Depot.Code, reservationId, $"{key}-ship", new ShipRequest()));
                shipmentId = shipped?.ShipmentId ?? (await Calls.ReplyAsync(callers.Parts.GetReservationAsync(r.Depot.Code, reservationId))).Reply?.ShipmentId;
            }

            if (shipmentId is null)
            {
                return false;
            }

            produced.Add("parts: shipment notices");
            var rejected = r.Order.Index % 4 == 0 ? 1 : 0;
            // The notice reaches the shipment (and the station's list) from the depot's outbox: moments later.
            var (inspected, refused) = await Calls.WhenThereAsync(() => station.InspectShipmentAsync(shipmentId, $"{key}-inspect", new InspectionRequest
            {
                Lines = [new InspectionLineRequest
                {
                    PartNo = r.Part, Accepted = r.Quantity - rejected, Rejected = rejected, Reason = rejected > 0 ? "Housing cracked in transit" : null,
                }],
            }));
            if (inspected is null)
            {
                return refused == Calls.Conflict; // inspected by an earlier run
            }

            produced.Add(DemoCounts.ShipmentInspected, shipmentId);
            if (rejected > 0)
            {
                produced.Add("parts: shipments with a part rejected (reserved again)");
            }

            return true;
        });

        var urgent = orders.Where(o => o.Roll == 9).ToList();
        await Step.RunAsync("urgent orders (急件) for work orders waiting for parts", urgent, 8, async o =>
        {
            var (order, _) = await Calls.ReplyAsync(callers.Station(o.Station.Code).PlaceUrgentOrderAsync(o.Station.Code, $"demo-{options.Seed}-urgent-{o.Index}", new UrgentOrderRequest
            {
                PartNo = DemoExtras.Parts[(o.Index + 3) % DemoExtras.Parts.Length], Quantity = 1 + (o.Index % 3), WorkOrderId = o.Id,
            }));
            if (order?.Id is not { } id)
            {
                return false;
            }

            produced.Add(DemoCounts.UrgentOrder, id);
            produced.Add($"parts: urgent orders routed {order.Route ?? "(none)"}");
            return true;
        });
    }

    /// <summary>
    /// The call centre's satisfaction calls after completed work orders (one survey per order, id = the order's id):
    /// six in ten answered (scores 2–5), three in twenty not reached, the rest still due.
    /// </summary>
    public static async Task SurveysAsync(DemoCallers callers, DemoOptions options, IReadOnlyList<(string Station, string WorkOrderId)> completed, DemoCounts produced)
    {
        int[] scores = [5, 4, 5, 3, 4, 2];
        var calls = completed.Select((c, i) => (c.WorkOrderId, Index: i)).Where(c => c.Index % 20 < 15).ToList();
        await Step.RunAsync("satisfaction surveys (the call centre's calls)", calls, 8, async c =>
        {
            var key = $"demo-{options.Seed}-survey-{c.WorkOrderId}";
            var answered = c.Index % 20 < 12;
            var score = scores[c.Index % scores.Length];
            // The survey opens when the completed order reaches its vehicle's archive (from the station's outbox).
            var (survey, refused) = await Calls.WhenThereAsync(() => answered
                ? callers.CallCentre.AnswerSurveyAsync(c.WorkOrderId, key, new SurveyResponseRequest { Score = score, Comment = score < 3 ? "Waited too long for the car" : null })
                : callers.CallCentre.SurveyNoAnswerAsync(c.WorkOrderId, key));
            if (survey is null)
            {
                return refused == Calls.Conflict; // recorded by an earlier run
            }

            if (answered)
            {
                produced.Add(DemoCounts.SurveyAnswered, c.WorkOrderId);
            }
            else
            {
                produced.Add("surveys: customer not reached");
            }

            return true;
        });
        var due = await callers.CallCentre.ListSurveysDueAsync(1, null);
        produced.Add("surveys: still due (GET /api/surveys/due)", due.Due ?? 0);
    }

    /// <summary>
    /// Freezing a month's grades (operator) needs a month that has ended; the demo's work is all in the current one.
    /// The previous month is closed only when it holds work (a run in an earlier month), never as an empty sheet.
    /// </summary>
    public static async Task CloseMonthAsync(DemoCallers callers, DemoOptions options, DemoCounts produced)
    {
        var today = DateTimeOffset.UtcNow.ToOffset(DataSet.Offset);
        var month = today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var previous = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var (frozen, withWork) = (false, false);
        string? cursor = null;
        do
        {
            var page = await callers.Operator.GetStationGradesAsync(previous, 500, cursor);
            frozen = page.Frozen == true;
            withWork = (page.Stations ?? []).Any(s => (s.Inputs ?? new Dictionary<string, long>()).Values.Any(v => v > 0));
            cursor = page.NextCursor;
        }
        while (!frozen && !withWork && cursor is not null);

        var (closed, refused) = withWork && !frozen
            ? await Calls.ReplyAsync(callers.Operator.CloseStationGradesAsync(previous, $"demo-{options.Seed}-grades-{previous}"))
            : (null, 0);
        if (closed is not null)
        {
            produced.Add("grades: months frozen");
        }

        Console.WriteLine($"demo: done — month grades: {month} has not ended, so it stays open (graded live; an operator closes it afterwards with POST /api/reports/stations/{month}/close); "
            + (frozen ? $"{previous} is already frozen."
                : closed is not null ? $"{previous} held work and is now frozen."
                : withWork ? $"closing {previous} was refused ({refused})."
                : $"{previous} holds no work, so it is not closed (an empty sheet)."));
    }

    private static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2));
        return 6371 * 2 * Math.Asin(Math.Sqrt(a));
    }
}
