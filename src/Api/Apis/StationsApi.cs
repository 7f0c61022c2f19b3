using AfterSales.Api.Hosting;
using System.Globalization;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Stations;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

public static class StationsApi
{
    private const int MaxKm = 10_000_000;
    private const int DefaultNearbyLimit = 50;

    public static RouteGroupBuilder MapStationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/stations").WithTags("Stations");
        group.MapGet("/nearby", NearbyAsync).WithName("FindNearbyStations")
            .WithSummary("Stations within radiusKm of a point, nearest first with distanceKm; available=true keeps active stations with a free bay.")
            .Produces<IReadOnlyList<NearbyStation>>()
            .WithQuery(
                new QueryDoc("latitude", QueryType.Number, "Latitude of the point, degrees (WGS-84).", Required: true, Example: "23.13"),
                new QueryDoc("longitude", QueryType.Number, "Longitude of the point, degrees (WGS-84).", Required: true, Example: "113.26"),
                new QueryDoc("radiusKm", QueryType.Number, "How far to look, km.", Required: true, Example: "50"),
                new QueryDoc("available", QueryType.Boolean, "true: only active stations with a free bay.", Default: false),
                new QueryDoc("limit", QueryType.Integer, $"At most this many stations (default {DefaultNearbyLimit}).", Default: DefaultNearbyLimit));
        group.MapPut("/{code}", RegisterAsync).RequireAuthorization(Policies.Operate).WithName("RegisterStation").AcceptsIfMatch().WithSummary("Create a station or update its registry data.")
            .Accepts<StationRequest>("application/json").Produces<StationView>().Produces<StationView>(StatusCodes.Status201Created);
        group.MapPost("/{code}/suspend", (string code, HttpRequest request, IClusterClient cluster) => AuthoriseAsync(code, StationAuthorisation.Suspended, request, cluster))
            .RequireAuthorization(Policies.Operate).WithName("SuspendStation").AcceptsIfMatch().WithSummary("Suspend the authorisation (body {reason}); no new work orders.").Produces<StationView>()
            .Accepts<AuthorisationRequest>("application/json").WithMetadata(new BodyNeeds(["reason"]));
        group.MapPost("/{code}/revoke", (string code, HttpRequest request, IClusterClient cluster) => AuthoriseAsync(code, StationAuthorisation.Revoked, request, cluster))
            .RequireAuthorization(Policies.Operate).WithName("RevokeStation").AcceptsIfMatch().WithSummary("Revoke the authorisation for good (body {reason}).").Produces<StationView>()
            .Accepts<AuthorisationRequest>("application/json").WithMetadata(new BodyNeeds(["reason"]));
        group.MapPost("/{code}/reinstate", (string code, HttpRequest request, IClusterClient cluster) => AuthoriseAsync(code, StationAuthorisation.Active, request, cluster))
            .RequireAuthorization(Policies.Operate).WithName("ReinstateStation").AcceptsIfMatch().WithSummary("Reinstate a suspended station (an optional body {reason}).").Produces<StationView>()
            .Accepts<AuthorisationRequest>(isOptional: true, "application/json");
        group.MapPut("/{code}/people/{personId}", SetPersonAsync).RequireAuthorization(Policies.Operate).WithName("SetStationPerson")
            .WithSummary("Record one of the station's people (name) and the certificates the after-sales side issued them (kind appraiser or technician, number, validFrom, validUntil), replacing what was recorded for them. An appraisal needs an appraiser certificate valid on its date.")
            .Accepts<StationPersonRequest>("application/json").Produces<StationPerson>();
        group.MapGet("/{code}/people", GetPeopleAsync).RequireOwnStation().WithName("ListStationPeople")
            .WithSummary("The station's people and their certificates, by personId.").Produces<IReadOnlyList<StationPerson>>();
        group.MapGet("/{code}/grades", GetGradesAsync).RequireOwnStation().WithName("ListStationGrades")
            .WithSummary("The station's frozen monthly grades (the last 24 months), newest first: grade, score, the reward or penalty it earned (consequence: kind reward|penalty|none, amountCny, label) and, where a run of consecutive D grades suspended the station, suspendedFor (the months). A station reads its own only.")
            .Produces<IReadOnlyList<StationGradeRecord>>();
        group.MapGet("/{code}", GetAsync).WithName("GetStation").WithSummary("Registry data, authorisation and load.").Produces<StationView>();
        group.MapGet("/{code}/load", GetLoadAsync).WithName("GetStationLoad")
            .WithSummary("Live load: openWorkOrders, bays, utilisation, waitingForParts, oldestOpenSince.").Produces<StationLoadView>();
        group.MapPost("/{code}/work-orders", OpenAsync).RequireAuthorization(Policies.StationWork).RequireOwnStation().WithName("OpenWorkOrder")
            .WithSummary("Open a work order from a pre-inspection; records the odometer on the vehicle.")
            .Accepts<WorkOrderRequest>("application/json").Produces<WorkOrderView>(StatusCodes.Status201Created);
        group.MapGet("/{code}/work-orders", ListWorkOrdersAsync).RequireOwnStation().WithName("ListStationWorkOrders")
            .WithSummary("Every work order of the station, live and closed, newest first (by the number n of {code}-{n}); one page (limit 1–500, default 50; cursor from nextCursor). An unregistered station is 404.")
            .Produces<StationWorkOrdersPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/{code}/corrective-actions", ListCorrectiveActionsAsync).RequireOwnStation().WithName("ListStationCorrectiveActions")
            .WithSummary("The corrective actions on the station's complaints, newest first (by opening time, then id); open=true leaves out the verified and waived ones. One page (limit 1–500, default 50; cursor from nextCursor). An unregistered station is 404.")
            .Produces<CorrectiveActionsPage>().WithQuery(
                new QueryDoc("open", QueryType.Boolean, "true: only actions still open or completed (not yet verified or waived).", Default: false),
                QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/{code}/complaints", ListComplaintsAsync).RequireOwnStation().WithName("ListStationComplaints")
            .WithSummary("The complaints assigned to the station, newest first (by registration time, then id); one page (limit 1–500, default 50; cursor from nextCursor). The customer's name and phone are masked in every item: GET /api/complaints/{id} reads them in full (and records the read). An unregistered station is 404.")
            .Produces<StationComplaintsPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        group.MapGet("/{code}/work-orders/{id}", GetWorkOrderAsync).RequireOwnStation().WithName("GetWorkOrder").WithSummary("One work order.").Produces<WorkOrderView>();
        group.MapPost("/{code}/work-orders/{id}/appraisal", AppraiseAsync).RequireAuthorization(Policies.StationWork).RequireOwnStation().WithName("AppraiseWorkOrder").AcceptsIfMatch()
            .WithSummary("Record the appraiser's judgement; files the warranty claim.").Accepts<AppraisalRequest>("application/json").Produces<AppraisalResult>();
        foreach (var (route, command) in new[]
        {
            ("start", WorkOrderCommand.Start), ("wait-for-parts", WorkOrderCommand.WaitForParts), ("complete", WorkOrderCommand.Complete),
            ("settle", WorkOrderCommand.Settle), ("cancel", WorkOrderCommand.Cancel),
        })
        {
            group.MapPost($"/{{code}}/work-orders/{{id}}/{route}", (string code, string id, HttpRequest request, IClusterClient cluster) => MoveAsync(code, id, command, request, cluster))
                .RequireAuthorization(Policies.StationWork).RequireOwnStation().WithName($"WorkOrder-{route}").AcceptsIfMatch().WithSummary($"Work order: {route} (illegal moves are 409 naming the current state).").Produces<WorkOrderView>();
        }

        return group;
    }

    private static async Task<IResult> NearbyAsync(string? latitude, string? longitude, string? radiusKm, string? available, string? limit, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var lat = Number(errors, "latitude", latitude, required: true);
        var lon = Number(errors, "longitude", longitude, required: true);
        var radius = Number(errors, "radiusKm", radiusKm, required: true);
        var max = (int)Number(errors, "limit", limit, required: false, DefaultNearbyLimit);
        var availableOnly = false;
        if (available is not null && !bool.TryParse(available, out availableOnly))
        {
            errors.Add("available", "available must be true or false.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<INearbyStationsGrain>(0).FindAsync(new NearbyQuery(lat, lon, radius, availableOnly, max));
        return outcome.ToHttp();
    }

    /// <summary>
    /// Hours the Art. 40 repair-time count leaves out (三包 Art. 24 exclusions: waiting for the owner's decision,
    /// parts the owner supplies, force majeure), as the appraiser records them.
    /// </summary>
    private static double ExcludedHours(RequestErrors errors, double? hours)
    {
        if (hours is null)
        {
            return 0;
        }

        if (!double.IsFinite(hours.Value) || hours < 0 || hours > 24 * 366)
        {
            errors.Add("excludedHours", "excludedHours must be between 0 and 8784 (a year).");
            return 0;
        }

        return hours.Value;
    }

    private static async Task<IResult> RegisterAsync(string code, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<StationRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var appraisers = body!.Appraisers ?? [];
        if (body.Appraisers is null || appraisers.Count is 0 or > 50)
        {
            errors.Add("appraisers", "appraisers must list 1–50 qualified appraisers.");
        }

        var registration = new StationRegistration(
            errors.Text("name", body.Name, 100),
            errors.Text("province", body.Province, 40),
            errors.Text("city", body.City, 40),
            Coordinate(errors, "latitude", body.Latitude, 90),
            Coordinate(errors, "longitude", body.Longitude, 180),
            errors.Range("bays", body.Bays, 1, 500),
            [.. appraisers.Select((a, i) => errors.Text($"appraisers[{i}]", a, 64))]);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await IfMatch.For(request, cluster.Grain<IServiceStationGrain>(normalized)).RegisterAsync(registration, key);
        return outcome.ToHttp(s => $"/api/stations/{s.Code}");
    }

    private static async Task<IResult> AuthoriseAsync(string code, StationAuthorisation target, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        string? reason = null;
        if (target != StationAuthorisation.Active || request.ContentLength > 0)
        {
            var (body, error) = await JsonBody.ReadAsync<AuthorisationRequest>(request);
            if (error is not null)
            {
                return error;
            }

            var errors = new RequestErrors();
            reason = errors.Text("reason", body!.Reason, 500, required: target != StationAuthorisation.Active);
            if (errors.Any)
            {
                return errors.ToResult();
            }
        }

        return (await IfMatch.For(request, cluster.Grain<IServiceStationGrain>(normalized)).SetAuthorisationAsync(target, reason, key)).ToHttp();
    }

    private static async Task<IResult> GetGradesAsync(string code, IClusterClient cluster) =>
        TryCode(code, out var normalized, out var invalid) ? (await cluster.Grain<IServiceStationGrain>(normalized).GetGradesAsync()).ToHttp() : invalid;

    private static async Task<IResult> SetPersonAsync(string code, string personId, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        var person = personId.Trim().ToUpperInvariant();
        if (person.Length is < 1 or > 32 || !person.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return OutcomeResults.Invalid(new() { ["personId"] = ["personId must be 1–32 letters, digits, '-' or '_'."] });
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<StationPersonRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var name = errors.Text("name", body!.Name, 64);
        var certificates = body.Certificates ?? [];
        if (body.Certificates is null)
        {
            errors.Add("certificates", "certificates is required (an empty list records a person without certificates).");
        }
        else if (certificates.Count > 20)
        {
            errors.Add("certificates", "certificates must hold at most 20 certificates.");
        }

        var held = new List<Certificate>();
        for (var i = 0; i < Math.Min(certificates.Count, 20); i++)
        {
            var c = certificates[i];
            if (c is null)
            {
                errors.Add($"certificates[{i}]", "each certificate needs kind, number, validFrom and validUntil.");
                continue;
            }

            var kind = errors.Require($"certificates[{i}].kind", c.Kind);
            var number = errors.Text($"certificates[{i}].number", c.Number, 64);
            var from = errors.Require($"certificates[{i}].validFrom", c.ValidFrom);
            var until = errors.Require($"certificates[{i}].validUntil", c.ValidUntil);
            if (c.ValidFrom is { } f && c.ValidUntil is { } u && u < f)
            {
                errors.Add($"certificates[{i}].validUntil", "validUntil must not be before validFrom.");
            }

            held.Add(new Certificate(kind, number, from, until));
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        return (await cluster.Grain<IServiceStationGrain>(normalized).SetPersonAsync(new StationPerson(person, name, held), key)).ToHttp();
    }

    private static async Task<IResult> GetPeopleAsync(string code, IClusterClient cluster) =>
        TryCode(code, out var normalized, out var invalid) ? (await cluster.Grain<IServiceStationGrain>(normalized).GetPeopleAsync()).ToHttp() : invalid;

    private static async Task<IResult> GetAsync(string code, IClusterClient cluster) =>
        TryCode(code, out var normalized, out var invalid) ? (await cluster.Grain<IServiceStationGrain>(normalized).GetAsync()).ToHttp() : invalid;

    private static async Task<IResult> GetLoadAsync(string code, IClusterClient cluster) =>
        TryCode(code, out var normalized, out var invalid) ? (await cluster.Grain<IServiceStationGrain>(normalized).GetLoadAsync()).ToHttp() : invalid;

    private static async Task<IResult> GetWorkOrderAsync(string code, string id, IClusterClient cluster) =>
        TryCode(code, out var normalized, out var invalid)
            ? (await cluster.Grain<IServiceStationGrain>(normalized).GetWorkOrderAsync(id.Trim().ToUpperInvariant())).ToHttp()
            : invalid;

    private static async Task<IResult> ListWorkOrdersAsync(string code, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "list", StationLists.IsWorkOrderPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IStationListsGrain>(0).GetWorkOrdersAsync(normalized, size, after);
        return (outcome.Value is { } page ? outcome with { Value = page with { NextCursor = Cursor(page.NextCursor) } } : outcome).ToHttp();
    }

    /// <summary>
    /// The complaints assigned to the station, with each customer's name and phone masked for every caller: a list is
    /// not a read of anyone's personal data (nothing is recorded); GET /api/complaints/{id} reads one in full.
    /// </summary>
    private static async Task<IResult> ListComplaintsAsync(string code, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "list", StationLists.IsComplaintPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IStationListsGrain>(0).GetComplaintsAsync(normalized, size, after);
        return (outcome.Value is { } page
            ? outcome with { Value = new StationComplaintsPage([.. page.Items.Select(PersonalData.Masked)], Cursor(page.NextCursor)) }
            : outcome).ToHttp();
    }

    private static async Task<IResult> ListCorrectiveActionsAsync(string code, string? open, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var openOnly = false;
        if (open is not null && !bool.TryParse(open, out openOnly))
        {
            errors.Add("open", "open must be true or false.");
        }

        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "list", StationLists.IsComplaintPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IStationListsGrain>(0).GetCorrectiveActionsAsync(normalized, openOnly, size, after);
        return (outcome.Value is { } page ? outcome with { Value = page with { NextCursor = Cursor(page.NextCursor) } } : outcome).ToHttp();
    }

    private static string? Cursor(string? position) => position is null ? null : Paging.Cursor(position);

    private static async Task<IResult> OpenAsync(string code, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<WorkOrderRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var kind = errors.Require("kind", body!.Kind);
        var command = new OpenWorkOrder(
            errors.Text("vin", body.Vin, 17).ToUpperInvariant(),
            errors.Range("odometerKm", body.OdometerKm, 0, MaxKm),
            kind,
            errors.Code("faultCode", body.FaultCode, 32, required: kind == VisitKind.Repair),
            body.System ?? VehicleSystem.Other,
            errors.OptionalText("description", body.Description, 1000),
            errors.Text("recallCampaignId", body.RecallCampaignId, 64, required: kind == VisitKind.Recall),
            body.WorkGrade ?? WorkGrade.Minor,
            errors.OptionalText("repairItem", body.RepairItem, 64));
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IServiceStationGrain>(normalized).OpenWorkOrderAsync(
            command with { FaultCode = NullIfEmpty(command.FaultCode), RecallCampaignId = NullIfEmpty(command.RecallCampaignId) }, key);
        return outcome.ToHttp(w => $"/api/stations/{w.StationCode}/work-orders/{w.Id}");
    }

    private static async Task<IResult> MoveAsync(string code, string id, WorkOrderCommand command, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        return (await IfMatch.For(request, cluster.Grain<IServiceStationGrain>(normalized)).MoveWorkOrderAsync(id.Trim().ToUpperInvariant(), command, key)).ToHttp();
    }

    private static async Task<IResult> AppraiseAsync(string code, string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<AppraisalRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var parts = body!.Parts ?? [];
        if (parts.Count > 100)
        {
            errors.Add("parts", "parts must hold at most 100 lines.");
        }

        var lines = new List<AppraisedPart>();
        for (var i = 0; i < Math.Min(parts.Count, 100); i++)
        {
            var part = parts[i];
            if (part is null || string.IsNullOrWhiteSpace(part.PartNo) || part.PartNo.Length > 40 || part.Quantity is not (>= 1 and <= 10_000))
            {
                errors.Add($"parts[{i}]", "each part needs a partNo (≤ 40 characters) and a quantity of 1–10000.");
                continue;
            }

            lines.Add(new AppraisedPart(part.PartNo.Trim(), part.Quantity.Value, part.UnitReplaced ?? false));
        }

        var operations = body.Operations ?? [];
        if (operations.Count > 100)
        {
            errors.Add("operations", "operations must hold at most 100 lines.");
        }

        var operationLines = new List<AppraisedOperation>();
        for (var i = 0; i < Math.Min(operations.Count, 100); i++)
        {
            var operation = operations[i];
            if (operation is null || string.IsNullOrWhiteSpace(operation.Code) || operation.Code.Trim().Length > 40 || (operation.Quantity ?? 1) is not (>= 1 and <= 100))
            {
                errors.Add($"operations[{i}]", "each operation needs a code (≤ 40 characters) of the labour-time catalogue and a quantity of 1–100 (default 1).");
                continue;
            }

            operationLines.Add(new AppraisedOperation(operation.Code.Trim().ToUpperInvariant(), operation.Quantity ?? 1));
        }

        var appraisal = new Appraisal(
            errors.Require("warranty", body.Warranty),
            body.Cause,
            lines,
            body.SeriousSafety ?? false,
            errors.Text("appraiser", body.Appraiser, 64),
            body.SafetyDefect ?? SafetyDefect.None,
            body.ServicedElsewhere ?? false,
            ExcludedHours(errors, body.ExcludedHours),
            operationLines.Count == 0 ? null : operationLines,
            body.Unclear ?? false);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return (await IfMatch.For(request, cluster.Grain<IServiceStationGrain>(normalized)).AppraiseAsync(id.Trim().ToUpperInvariant(), appraisal, key)).ToHttp();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static double Coordinate(RequestErrors errors, string field, double? value, double bound)
    {
        if (value is not { } v || !double.IsFinite(v) || v < -bound || v > bound)
        {
            errors.Add(field, $"{field} is required, between -{bound} and {bound}.");
            return 0;
        }

        return v;
    }

    private static double Number(RequestErrors errors, string field, string? text, bool required, double fallback = 0)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required.");
            }

            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors.Add(field, $"{field} must be a number.");
            return fallback;
        }

        return value;
    }

    /// <summary>Station codes: 1–32 letters, digits, '-' or '_', upper-cased; junk never becomes a grain key.</summary>
    internal static bool TryCode(string code, out string normalized, out IResult invalid)
    {
        normalized = code.Trim().ToUpperInvariant();
        invalid = null!;
        if (normalized.Length is >= 1 and <= 32 && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["code"] = ["code must be 1–32 letters, digits, '-' or '_'."] });
        return false;
    }
}
