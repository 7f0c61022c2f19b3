using System.Globalization;
using AfterSales.Bench.Loader;
using AfterSales.Client;

namespace AfterSales.Demo;

/// <summary>Parts depots with stock, and tracking cards of both kinds walked part of the way, with the call centre's queue and corrective actions.</summary>
internal static class DemoExtras
{
    private static readonly ComplaintCategory[] Categories = [ComplaintCategory.ProductQuality, ComplaintCategory.Service, ComplaintCategory.Parts, ComplaintCategory.Attitude, ComplaintCategory.Other];

    /// <summary>Named SLA policies (README "Complaints"): a quarter of the call centre's service requests run under one of these instead of the default.</summary>
    private static readonly string[] SlaPolicies = ["seed001", "seed004-field", "seed002-control", "seed003"];

    public static readonly string[] Parts =
    [
        "AS-ENG-IGN-01", "AS-GBX-VB-02", "AS-BAT-MOD-03", "AS-MOT-INV-04", "AS-STR-EPS-05",
        "AS-BRK-ABS-06", "AS-SUS-ARM-07", "AS-ELE-BCM-08", "AS-BDY-SEAL-09", "AS-ELE-CAN-10",
    ];

    /// <summary>The kinds of card the demo registers, and who registers them.</summary>
    private enum Intake
    {
        /// <summary>A breakdown the call centre dispatches to the nearest active station (some under a named SLA policy).</summary>
        ServiceRequest,

        /// <summary>A complaint the call centre takes about a named station.</summary>
        AboutStation,

        /// <summary>A complaint a station registers about itself (a customer at its counter).</summary>
        AtStation,

        /// <summary>A complaint charged to the vehicle's last servicing station (a vehicle the demo repaired).</summary>
        LastServicing,

        /// <summary>A complaint about a vehicle last serviced outside the network (its imported history): the call centre's queue.</summary>
        Unattributed,
    }

    public static async Task<IReadOnlyList<DemoDepot>> RunAsync(DemoCallers callers, DemoOptions options, IReadOnlyList<DemoStation> stations, IReadOnlyList<GeneratedVehicle> vehicles,
        IReadOnlyList<GeneratedVehicle> repaired, Random random, DemoCounts produced)
    {
        // Parts depots in the larger cities, stocked with the fleet's parts; a few parts run short somewhere.
        var depots = Cities.All.OrderByDescending(c => c.Weight).ThenBy(c => c.Name, StringComparer.Ordinal).Take(options.Depots)
            .Select((c, i) => new DemoDepot($"D-{c.Code}-{i:D2}", c, [.. Parts.Select(p => (Part: p, Quantity: random.Next(0, 60))).Where(p => p.Quantity > 0)]))
            .ToList();
        await Step.RunAsync("parts depots (register, stock)", depots, 4, async d =>
        {
            var done = await Calls.AcceptedAsync(callers.Parts.RegisterDepotAsync(d.Code, null, null,
                    new DepotRequest { Name = $"{d.City.Name} parts depot", Province = d.City.Province, Latitude = d.City.Latitude, Longitude = d.City.Longitude }))
                && await Calls.AcceptedAsync(callers.Parts.ReceivePartsAsync(d.Code, $"demo-{options.Seed}-stock-{d.Code}",
                    new LinesRequest { Lines = [.. d.Stock.Select(s => new LineRequest { PartNo = s.Part, Quantity = s.Quantity })] }));
            produced.Add("parts: depots", done ? 1 : 0);
            return done;
        });

        // Cards: about half breakdowns dispatched to a station, half complaints charged to one (named, the station's
        // own, the vehicle's last servicing station) or, with no station known, queued for the call centre to assign.
        var inNetwork = repaired.Count > 0 ? repaired : [vehicles[0]];
        var complaints = Enumerable.Range(0, options.Complaints).Select(i =>
        {
            var near = stations[random.Next(stations.Count)];
            var intake = random.Next(20) switch { < 11 => Intake.ServiceRequest, < 13 => Intake.AboutStation, 13 => Intake.AtStation, < 17 => Intake.LastServicing, _ => Intake.Unattributed };
            var vehicle = intake == Intake.LastServicing ? inNetwork[i % inNetwork.Count] : vehicles[(i * 7_919) % vehicles.Count];
            return new Card(i, intake, vehicle, near, Math.Round(near.Latitude + ((random.NextDouble() - 0.5) * 0.4), 5),
                Math.Round(near.Longitude + ((random.NextDouble() - 0.5) * 0.4), 5), Major: random.Next(20) == 0, Progress: random.Next(6));
        }).ToList();
        await Step.RunAsync("complaints (intake, queue assigned, part of the card, corrective actions)", complaints, 8, c => WalkAsync(callers, options, c, produced));
        return depots;
    }

    /// <summary>Registers one card and walks it: the queue's card assigned by the call centre, then its station's steps, corrective actions, the call centre's callback.</summary>
    private static async Task<bool> WalkAsync(DemoCallers callers, DemoOptions options, Card c, DemoCounts produced)
    {
        var key = $"demo-{options.Seed}-complaint-{c.Index}";
        var complaint = c.Intake != Intake.ServiceRequest;
        var byStation = c.Intake == Intake.AtStation;
        var policy = c.Intake == Intake.ServiceRequest && c.Index % 4 == 0 ? SlaPolicies[c.Index / 4 % SlaPolicies.Length] : null;
        var supplier = c.Intake == Intake.ServiceRequest && c.Index % 5 == 2; // the supplier's engineer must help: a reply with an agreed time
        var request = new ComplaintRequest
        {
            CustomerName = c.Vehicle.OwnerName, CustomerPhone = c.Vehicle.OwnerPhone, Vin = c.Vehicle.Vin,
            Category = complaint ? Categories[c.Index % 4] : Categories[c.Index % Categories.Length],
            Severity = c.Major ? ComplaintSeverity.Major : ComplaintSeverity.General, Latitude = c.Latitude, Longitude = c.Longitude,
            Description = complaint ? "The fault came back a week after the repair" : supplier ? "Traction battery fault: the supplier's engineer is needed" : "Warning light on the dashboard after the last visit",
            SupplierNeeded = supplier ? true : null,
            Channel = byStation ? ComplaintChannel.Station : ComplaintChannel.CallCentre,
            Kind = complaint ? ComplaintKind.Complaint : ComplaintKind.ServiceRequest,
            AboutStation = c.Intake is Intake.AboutStation or Intake.AtStation ? c.Near.Code : null,
            SlaPolicy = policy,
        };
        var (card, _) = await Calls.ReplyAsync((byStation ? callers.Station(c.Near.Code) : callers.CallCentre).RegisterComplaintAsync(key, request));
        if (card?.Id is not { } id)
        {
            return false;
        }

        produced.Add(complaint ? "cards: kind complaint" : "cards: kind serviceRequest");
        produced.Add(card.Attribution switch
        {
            StationAttribution.Nearest => "cards: attributed nearest (dispatched)",
            StationAttribution.AboutStation => byStation ? "cards: attributed aboutStation (registered by the station)" : "cards: attributed aboutStation (named to the call centre)",
            StationAttribution.LastServicingStation => "cards: attributed lastServicingStation",
            _ => "cards: queued for the call centre (no station)",
        });
        if (policy is not null)
        {
            produced.Add("cards: under a named SLA policy");
        }

        var station = card.AssignedStation ?? card.ResponsibleStation;
        if (station is null)
        {
            // The call centre works its queue (GET /api/complaints/queue): two in three are taken to the station
            // nearest the customer; the rest wait there.
            if (c.Index % 3 == 0)
            {
                return true;
            }

            var (assigned, _) = await Calls.ReplyAsync(callers.CallCentre.AssignComplaintAsync(id, $"{key}-assign", null, new AssignRequest { StationCode = c.Near.Code }));
            if (assigned is null)
            {
                return false;
            }

            station = c.Near.Code;
            produced.Add(DemoCounts.QueueAssigned, id);
        }

        var api = callers.Station(station);
        var note = new ComplaintStepRequest { Note = "demo" };
        if (c.Progress >= 1 && !await StepAsync(api.ComplaintRespondAsync(id, $"{key}-respond", null, note)))
        {
            return false;
        }

        if (c.Progress >= 2 && !complaint)
        {
            // On site; where a supplier must help (or the customer is beyond the radius: a 409 on arriving) the station
            // first replies with a time agreed with the customer — tomorrow 10:00 business time, the agreed-time clock —
            // and is on site then.
            var refused = supplier ? Calls.Conflict : (await Calls.ReplyAsync(api.ComplaintArriveAsync(id, $"{key}-arrive", null, note))).Refused;
            if (refused == Calls.Conflict)
            {
                var tomorrow = DateTimeOffset.UtcNow.ToOffset(DataSet.Offset).Date.AddDays(1).AddHours(10);
                var agreedAt = new DateTimeOffset(tomorrow, DataSet.Offset);
                if (!await StepAsync(api.ComplaintReplyAsync(id, $"{key}-reply", null, new ComplaintStepRequest { Note = "Supplier's engineer booked", AgreedAt = agreedAt })))
                {
                    return false;
                }

                produced.Add("cards: replied with an agreed time");
                if (supplier && !await StepAsync(api.ComplaintArriveAsync(id, $"{key}-arrive", null, note)))
                {
                    return false;
                }
            }
            else if (refused != 0)
            {
                return false;
            }
        }

        // Half the complaints that reach a plan get a corrective action (systemic cause): verified, waived, completed
        // but not yet verified, or still open — the last two hold the callback (409 corrective-actions-open).
        var action = complaint && c.Progress >= 3 && c.Index % 2 == 0 ? (Fate)(c.Index / 2 % 5) : (Fate?)null;
        if (c.Progress >= 3 && !await StepAsync(api.ComplaintPlanAsync(id, $"{key}-plan", null, new ComplaintStepRequest
        {
            Note = complaint ? "Re-train the workshop on the repair procedure" : "Replace the sensor harness", Handling = ActionHandling.Station, Systemic = action is not null,
        })))
        {
            return false;
        }

        if (action is { } fate && !await CorrectiveActionAsync(callers, api, byStation, id, key, fate, produced))
        {
            return false;
        }

        if (c.Progress >= 4 && !await StepAsync(api.ComplaintResolveAsync(id, $"{key}-resolve", null, note)))
        {
            return false;
        }

        if (c.Progress >= 5)
        {
            if (action is Fate.Completed or Fate.Open)
            {
                produced.Add("cards: callback held by an open corrective action");
                return true;
            }

            if (!await StepAsync(callers.CallCentre.ComplaintCallbackAsync(id, $"{key}-callback", null,
                    new ComplaintStepRequest { Resolved = true, Satisfaction = 3 + (c.Index % 3), Note = "Customer confirms the fix" })))
            {
                return false;
            }

            produced.Add("cards: closed by the call centre's callback");
        }

        return true;
    }

    /// <summary>One corrective action on card <paramref name="id"/>: opened (by the card's registrar), completed by the station, verified or waived by the call centre.</summary>
    private static async Task<bool> CorrectiveActionAsync(DemoCallers callers, AfterSalesApi station, bool byStation, string id, string key, Fate fate, DemoCounts produced)
    {
        var dueOn = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(DataSet.Offset).Date).AddDays(14);
        var (opened, refused) = await Calls.ReplyAsync((byStation ? station : callers.CallCentre).OpenCorrectiveActionAsync(id, $"{key}-action", null, new CorrectiveActionRequest
        {
            Owner = "Wang Lei (service manager)", DueOn = dueOn, Description = "Audit the workshop's repair procedure and re-train the technicians",
        }));
        if (opened?.Id is not { } actionId)
        {
            // 409: an earlier run's key with another due day (a run on another day): that run walked it.
            return refused == Calls.Conflict;
        }

        produced.Add("corrective actions: opened", actionId);
        var step = new CorrectiveActionStepRequest { Note = "Technicians re-trained; procedure audited" };
        if (fate != Fate.Open && !await StepAsync(station.CorrectiveActionCompleteAsync(actionId, $"{key}-action-complete", null, step)))
        {
            return false;
        }

        var (outcome, closed) = fate switch
        {
            Fate.VerifiedA or Fate.VerifiedB => (DemoCounts.ActionVerified, callers.CallCentre.CorrectiveActionVerifyAsync(actionId, $"{key}-action-verify", null, step)),
            Fate.Waived => ("corrective actions: waived", callers.CallCentre.CorrectiveActionWaiveAsync(actionId, $"{key}-action-waive", null,
                new CorrectiveActionStepRequest { Note = "Covered by the network-wide training programme" })),
            Fate.Completed => ("corrective actions: completed, awaiting verification", null),
            _ => ("corrective actions: still open", null),
        };
        if (closed is not null && !await StepAsync(closed))
        {
            return false;
        }

        produced.Add(outcome, actionId);
        return true;
    }

    private static async Task<bool> StepAsync<T>(Task<T> call) => await Calls.AcceptedAsync(call);

    /// <summary>How a corrective action ends up (two in five verified).</summary>
    private enum Fate
    {
        VerifiedA,
        VerifiedB,
        Waived,
        Completed,
        Open,
    }

    private sealed record Card(int Index, Intake Intake, GeneratedVehicle Vehicle, DemoStation Near, double Latitude, double Longitude, bool Major, int Progress);
}

/// <summary>A parts depot of the demo, at its city, with the stock it received.</summary>
internal sealed record DemoDepot(string Code, City City, IReadOnlyList<(string Part, int Quantity)> Stock);
