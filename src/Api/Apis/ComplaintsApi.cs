using AfterSales.Api.Hosting;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Complaints;

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
            .WithSummary("Register a complaint; it is assigned to the nearest active authorised station (201 with id, stationCode, distanceKm).")
            .Accepts<ComplaintRequest>("application/json").Produces<ComplaintView>(StatusCodes.Status201Created);
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
            body.SupplierNeeded ?? false);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IComplaintGrain>(NewId(request.HttpContext.User, key)).RegisterAsync(intake, request.HttpContext.User.Actor());
        // The intake states the customer: its reply is no read of someone else's data (a station far away still gets it masked).
        return await PersonalData.ComplaintReplyAsync(outcome, request.HttpContext, cluster, stated: true, c => $"/api/complaints/{c.Id}");
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IClusterClient cluster) =>
        TryId(id, out var normalized, out var invalid)
            ? await PersonalData.ComplaintReplyAsync(await cluster.Grain<IComplaintGrain>(normalized).GetAsync(), http, cluster, stated: false)
            : invalid;

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
                return Problems.Of(ProblemCodes.ForbiddenStation,
                    $"Complaint {normalized} is assigned to station {card.Value.StationCode}; a station acts only on complaints assigned to it.");
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
