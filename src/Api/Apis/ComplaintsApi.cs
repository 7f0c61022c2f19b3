using AfterSales.Api.Hosting;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;
using AfterSales.Interfaces.Stations;

namespace AfterSales.Api.Apis;

public static class ComplaintsApi
{
    private static readonly (string Route, ComplaintAction Action, string Policy, string Summary)[] Steps =
    [
        ("respond", ComplaintAction.Respond, Policies.StationWork, "The assigned station responded to the customer (stops the 30-minute clock)."),
        ("arrive", ComplaintAction.Arrive, Policies.StationWork, "The assigned station is on site (stops the on-site clock, and the reply clock)."),
        ("reply", ComplaintAction.Reply, Policies.StationWork, "Replied with an agreed time {agreedAt} (beyond the service radius or with a supplier)."),
        ("plan", ComplaintAction.Plan, Policies.StationWork,
            "Action planned {handling: station|warrantyDepartment, systemic, note}; systemic opens a corrective/preventive action."),
        ("resolve", ComplaintAction.Resolve, Policies.StationWork, "The station reports the complaint resolved; the call centre calls back."),
        ("escalate", ComplaintAction.Escalate, Policies.ComplaintIntake, "Escalate to the customer-service department."),
        ("callback", ComplaintAction.Callback, Policies.CustomerRecords,
            "The call centre's callback {resolved, satisfaction: 1..5, note}: closes the card, or reopens it when not resolved."),
        ("mediate", ComplaintAction.Mediate, Policies.CustomerRecords, "Negotiation failed: third-party mediation."),
        ("appeal", ComplaintAction.Appeal, Policies.CustomerRecords, "Mediation failed: the customer is advised to appeal to the authority."),
    ];

    /// <summary>The fields of the shared step body each step refuses to go without (the others take none).</summary>
    private static readonly Dictionary<string, string[]> StepNeeds = new(StringComparer.Ordinal)
    {
        ["reply"] = ["agreedAt"],
        ["plan"] = ["handling"],
        ["callback"] = ["resolved", "satisfaction"],
    };

    public static RouteGroupBuilder MapComplaintsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/complaints").WithTags("Complaints");
        group.MapPost("/", RegisterAsync).RequireAuthorization(Policies.ComplaintIntake).WithName("RegisterComplaint")
            .WithSummary("Register a call; it never fails for want of a station. kind serviceRequest (the default): dispatched to the nearest active "
                + "authorised station (assignedStation, distanceKm), or assignedStation null and the call centre's queue when none is within reach. "
                + "kind complaint: attributed to aboutStation, else the vehicle's last servicing station (responsibleStation), else the queue. "
                + "slaPolicy names the clocks' policy (call centre and operator only). A station may name only itself as aboutStation.")
            .Accepts<ComplaintRequest>("application/json").Produces<ComplaintView>(StatusCodes.Status201Created);
        group.MapGet("/queue", QueueAsync).RequireAuthorization(Policies.CustomerRecords).WithName("ListComplaintQueue")
            .WithSummary("The call centre's queue: open cards with no station, the longest waiting first (by registration time, then id); one page (limit 1–500, default 50; cursor from nextCursor). Customer data masked; GET /api/complaints/{id} reads one in full.")
            .Produces<StationComplaintsPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapPost("/{id}/assign", AssignAsync).RequireAuthorization(Policies.CustomerRecords).WithName("AssignComplaint").AcceptsIfMatch()
            .WithSummary("Take a card from the call centre's queue to a station {stationCode} (an active one for a service request); its clocks keep running from the report. 409 already-assigned when it has a station.")
            .Accepts<AssignRequest>("application/json").Produces<ComplaintView>();
        group.MapPost("/{id}/corrective-actions", OpenActionAsync).RequireAuthorization(Policies.ComplaintIntake).WithName("OpenCorrectiveAction").AcceptsIfMatch()
            .WithSummary("Open a corrective/preventive action {owner, dueOn, description} on an open card (201 with the action, id {complaintId}-A{n}); the card then closes only once every action is verified or waived. A station only on its own cards.")
            .Accepts<CorrectiveActionRequest>("application/json").Produces<CorrectiveActionView>(StatusCodes.Status201Created);
        group.MapGet("/{id}", GetAsync).WithName("GetComplaint")
            .WithSummary("The tracking card: state, history, sla {respondBy, arriveBy?, replyBy?, breaches}.").Produces<ComplaintView>();
        foreach (var (route, action, policy, summary) in Steps)
        {
            group.MapPost($"/{{id}}/{route}", (string id, HttpRequest request, IClusterClient cluster) => StepAsync(id, action, request, cluster))
                .RequireAuthorization(policy).WithName($"Complaint-{route}").AcceptsIfMatch().WithSummary(summary + " Illegal steps are 409 naming the current state.")
                .Accepts<ComplaintStepRequest>("application/json").Produces<ComplaintView>()
                .WithMetadata(new BodyNeeds(StepNeeds.GetValueOrDefault(route, [])));
        }

        return group;
    }

    /// <summary>The corrective actions' own routes (<c>/api/corrective-actions/{id}</c>).</summary>
    public static RouteGroupBuilder MapCorrectiveActionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/corrective-actions").WithTags("Complaints");
        group.MapGet("/{id}", GetActionAsync).WithName("GetCorrectiveAction")
            .WithSummary("One corrective action: owner, dueOn, state (open, completed, verified, waived), overdue once its due day has passed while open.")
            .Produces<CorrectiveActionView>();
        foreach (var (route, step, policy, summary) in ActionSteps)
        {
            group.MapPost($"/{{id}}/{route}", (string id, HttpRequest request, IClusterClient cluster) => ActionStepAsync(id, step, request, cluster))
                .RequireAuthorization(policy).WithName($"CorrectiveAction-{route}").AcceptsIfMatch().WithSummary(summary)
                .Accepts<CorrectiveActionStepRequest>("application/json").Produces<CorrectiveActionView>()
                .WithMetadata(new BodyNeeds(step == CorrectiveActionStep.Waive ? ["note"] : []));
        }

        return group;
    }

    private static readonly (string Route, CorrectiveActionStep Step, string Policy, string Summary)[] ActionSteps =
    [
        ("complete", CorrectiveActionStep.Complete, Policies.StationWork, "The owner reports the action done {note?} (open → completed). A station only on its own cards."),
        ("verify", CorrectiveActionStep.Verify, Policies.CustomerRecords, "Verified closed {note?} (completed → verified) by the customer-service side, never by the station itself."),
        ("waive", CorrectiveActionStep.Waive, Policies.CustomerRecords, "Waived with a reason {note} (open or completed → waived)."),
    ];

    private static async Task<IResult> RegisterAsync(HttpRequest request, IClusterClient cluster)
    {
        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<ComplaintRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var vin = errors.OptionalText("vin", body!.Vin, 17)?.ToUpperInvariant();
        if (vin is not null && vin.Length != 17)
        {
            errors.Add("vin", "vin, when given, must be 17 characters.");
        }

        var intake = new ComplaintIntake(
            CustomerText(errors, "customerName", body.CustomerName, 100),
            CustomerText(errors, "customerPhone", body.CustomerPhone, 32),
            vin,
            errors.Require("category", body.Category),
            errors.Require("severity", body.Severity),
            Coordinate(errors, "latitude", body.Latitude, 90),
            Coordinate(errors, "longitude", body.Longitude, 180),
            errors.Text("description", body.Description, 2000),
            errors.Require("channel", body.Channel),
            body.SupplierNeeded ?? false,
            body.Kind ?? ComplaintKind.ServiceRequest,
            AboutStation(errors, body),
            errors.OptionalText("slaPolicy", body.SlaPolicy, 64));
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var caller = request.HttpContext.User;
        if (caller.IsInRole(Roles.Station))
        {
            // A station does not charge a complaint to another station, nor choose the clocks it is measured by.
            if (intake.AboutStation is { } about && !caller.MayActFor(about))
            {
                return Problems.Of(ProblemCodes.ForbiddenStation,
                    $"A station may register a complaint only about itself, not about {about}; the call centre registers complaints about other stations.");
            }

            if (intake.SlaPolicy is not null)
            {
                return Problems.Of(ProblemCodes.AssertionNotAllowed, "slaPolicy is chosen by the call centre or an operator, not by a station.");
            }
        }

        var outcome = await cluster.Grain<IComplaintGrain>(NewId(request.HttpContext.User, key)).RegisterAsync(intake, request.HttpContext.User.Actor());
        // The intake states the customer: its reply is no read of someone else's data (a station far away still gets it masked).
        return await PersonalData.ComplaintReplyAsync(outcome, request.HttpContext, cluster, stated: true, c => $"/api/complaints/{c.Id}");
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IClusterClient cluster) =>
        TryId(id, out var normalized, out var invalid)
            ? await PersonalData.ComplaintReplyAsync(await cluster.Grain<IComplaintGrain>(normalized).GetAsync(), http, cluster, stated: false)
            : invalid;

    /// <summary>aboutStation: a station code, upper-cased, and only for a complaint (a service request is dispatched, not attributed).</summary>
    private static string? AboutStation(RequestErrors errors, ComplaintRequest body)
    {
        var about = errors.OptionalText("aboutStation", body.AboutStation, 32)?.ToUpperInvariant();
        if (about is null)
        {
            return null;
        }

        if (body.Kind != ComplaintKind.Complaint)
        {
            errors.Add("aboutStation", "aboutStation names the station a complaint is about: send it with kind complaint (a service request is dispatched to the nearest station).");
        }
        else if (!about.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add("aboutStation", "aboutStation must be a station code: letters, digits, '-' or '_'.");
        }

        return about;
    }

    private static async Task<IResult> QueueAsync(string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "list", StationLists.IsComplaintPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IStationListsGrain>(0).GetComplaintQueueAsync(size, after);
        return (outcome.Value is { } page
            ? outcome with { Value = new StationComplaintsPage([.. page.Items.Select(PersonalData.Masked)], page.NextCursor is { } next ? Paging.Cursor(next) : null) }
            : outcome).ToHttp();
    }

    private static async Task<IResult> AssignAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<AssignRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (!StationsApi.TryCode(body!.StationCode ?? "", out var station, out _))
        {
            return OutcomeResults.Invalid(new() { ["stationCode"] = ["stationCode is required: 1–32 letters, digits, '-' or '_'."] });
        }

        var complaint = IfMatch.For(request, cluster.Grain<IComplaintGrain>(normalized));
        return await PersonalData.ComplaintReplyAsync(await complaint.AssignAsync(station, request.HttpContext.User.Actor(), key), request.HttpContext, cluster, stated: false);
    }

    private static async Task<IResult> OpenActionAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<CorrectiveActionRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var open = new OpenCorrectiveAction(errors.Text("owner", body!.Owner, 100), errors.Require("dueOn", body.DueOn), errors.Text("description", body.Description, 2000));
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var complaint = IfMatch.For(request, cluster.Grain<IComplaintGrain>(normalized));
        if (await ForbiddenForStationAsync(request.HttpContext.User, complaint, normalized) is { } forbidden)
        {
            return forbidden;
        }

        return (await complaint.OpenCorrectiveActionAsync(open, request.HttpContext.User.Actor(), key)).ToHttp(a => $"/api/corrective-actions/{a.Id}");
    }

    private static async Task<IResult> GetActionAsync(string id, HttpContext http, IClusterClient cluster)
    {
        if (!TryActionId(id, out var actionId, out var complaintId, out var invalid))
        {
            return invalid;
        }

        var card = await cluster.Grain<IComplaintGrain>(complaintId).GetAsync();
        if (card.Value is not { } view || view.CorrectiveActions.FirstOrDefault(a => a.Id == actionId) is not { } action)
        {
            return Problems.Of(ProblemCodes.NotFound, $"No corrective action {actionId}.");
        }

        return Outcome<CorrectiveActionView>.Ok(action).ToHttpForOwnStation(http.User, a => a.StationCode);
    }

    private static async Task<IResult> ActionStepAsync(string id, CorrectiveActionStep step, HttpRequest request, IClusterClient cluster)
    {
        if (!TryActionId(id, out var actionId, out var complaintId, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var body = new CorrectiveActionStepRequest(null);
        if (request.ContentLength is not 0 || request.ContentType is not null)
        {
            var (read, error) = await JsonBody.ReadAsync<CorrectiveActionStepRequest>(request);
            if (error is not null)
            {
                return error;
            }

            body = read!;
        }

        var errors = new RequestErrors();
        var note = step == CorrectiveActionStep.Waive ? errors.Text("note", body.Note, 2000) : errors.OptionalText("note", body.Note, 2000);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var complaint = IfMatch.For(request, cluster.Grain<IComplaintGrain>(complaintId));
        if (await ForbiddenForStationAsync(request.HttpContext.User, complaint, complaintId) is { } forbidden)
        {
            return forbidden;
        }

        return (await complaint.ActOnCorrectiveActionAsync(actionId, step, note, request.HttpContext.User.Actor(), key)).ToHttp();
    }

    /// <summary>For a station caller: a problem unless the card is its own (a refusal reading the card answers as that refusal).</summary>
    private static async Task<IResult?> ForbiddenForStationAsync(ClaimsPrincipal user, IComplaintGrain complaint, string id)
    {
        if (!user.IsInRole(Roles.Station))
        {
            return null;
        }

        var card = await complaint.GetAsync();
        if (card.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        return user.MayActFor(card.Value!.StationCode) ? null
            : Problems.Of(ProblemCodes.ForbiddenStation, $"Complaint {id} is with station {(card.Value.StationCode.Length == 0 ? "none (the call centre's queue)" : card.Value.StationCode)}; a station acts only on its own cards.");
    }

    /// <summary>A corrective action id, <c>{complaintId}-A{n}</c>, upper-cased, with the complaint it belongs to.</summary>
    private static bool TryActionId(string id, out string actionId, out string complaintId, out IResult invalid)
    {
        actionId = id.Trim().ToUpperInvariant();
        complaintId = "";
        invalid = null!;
        var split = actionId.LastIndexOf("-A", StringComparison.Ordinal);
        if (split > 0 && split + 2 < actionId.Length && actionId.AsSpan(split + 2).ToString().All(char.IsAsciiDigit)
            && TryId(actionId[..split], out complaintId, out _))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["id"] = ["id must be a corrective action id: {complaintId}-A{n}."] });
        return false;
    }

    /// <summary>A customer's name or phone: required text that is not a masked value sent back.</summary>
    private static string CustomerText(RequestErrors errors, string field, string? value, int maxLength)
    {
        PersonalData.RefuseMasked(errors, field, value);
        return errors.Text(field, value, maxLength);
    }

    private static async Task<IResult> StepAsync(string id, ComplaintAction action, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var body = new ComplaintStepRequest(null, null, null, null, null, null);
        if (request.ContentLength is not 0 || request.ContentType is not null)
        {
            var (read, error) = await JsonBody.ReadAsync<ComplaintStepRequest>(request);
            if (error is not null)
            {
                return error;
            }

            body = read!;
        }

        var errors = new RequestErrors();
        var command = new ComplaintCommand(
            action,
            errors.OptionalText("note", body.Note, 2000),
            action == ComplaintAction.Reply ? errors.Require("agreedAt", body.AgreedAt) : null,
            action == ComplaintAction.Plan ? errors.Require("handling", body.Handling) : null,
            action == ComplaintAction.Plan && (body.Systemic ?? false),
            action == ComplaintAction.Callback ? errors.Require("resolved", body.Resolved) : null,
            action == ComplaintAction.Callback ? errors.Range("satisfaction", body.Satisfaction, 1, 5) : null);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var complaint = IfMatch.For(request, cluster.Grain<IComplaintGrain>(normalized));
        var user = request.HttpContext.User;
        if (user.IsInRole(Roles.Station))
        {
            // Own-station rule: a station acts only on complaints assigned to it.
            var card = await complaint.GetAsync();
            if (card.Refusal is { } refusal)
            {
                return refusal.ToProblem();
            }

            if (!user.MayActFor(card.Value!.StationCode))
            {
                return Problems.Of(ProblemCodes.ForbiddenStation, card.Value.StationCode.Length == 0
                    ? $"Complaint {normalized} waits in the call centre's queue; a station acts only on complaints assigned to it."
                    : $"Complaint {normalized} is assigned to station {card.Value.StationCode}; a station acts only on complaints assigned to it.");
            }
        }

        return await PersonalData.ComplaintReplyAsync(await complaint.ActAsync(command, user.Actor(), key), request.HttpContext, cluster, stated: false);
    }

    /// <summary>
    /// With an Idempotency-Key the id is derived from the caller and the key, so a retried intake reaches the same card;
    /// without one every intake is a new complaint.
    /// </summary>
    private static string NewId(ClaimsPrincipal user, string? key)
    {
        if (key is null)
        {
            return "C" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{user.FindFirstValue("sub")}\n{key}"));
        return "C" + Convert.ToHexString(hash)[..20];
    }

    private static double Coordinate(RequestErrors errors, string field, double? value, double bound)
    {
        if (value is not { } v || !double.IsFinite(v) || v < -bound || v > bound)
        {
            errors.Add(field, $"{field} is required, between -{bound} and {bound}.");
            return 0;
        }

        return v;
    }

    /// <summary>Complaint ids: 1–64 letters, digits, '-' or '_', upper-cased.</summary>
    private static bool TryId(string id, out string normalized, out IResult invalid)
    {
        normalized = id.Trim().ToUpperInvariant();
        invalid = null!;
        if (normalized.Length is >= 1 and <= 64 && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["id"] = ["id must be 1–64 letters, digits, '-' or '_'."] });
        return false;
    }
}
