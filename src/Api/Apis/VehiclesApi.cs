using AfterSales.Api.Hosting;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Vehicles;

namespace AfterSales.Api.Apis;

public static class VehiclesApi
{
    private const int MaxKm = 10_000_000;
    private const int MaxBulkItems = 1_000;
    private const long MaxBulkBodyBytes = 8 * 1024 * 1024;

    public static RouteGroupBuilder MapVehiclesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/vehicles").WithTags("Vehicles");

        group.MapPost("/", RegisterAsync).RequireAuthorization(Policies.Operate).WithName("RegisterVehicle").WithSummary("Register a produced vehicle.")
            .Accepts<RegisterVehicleRequest>("application/json").Produces<VehicleView>(StatusCodes.Status201Created);
        group.MapPost("/bulk", BulkAsync).RequireAuthorization(Policies.Operate).WithName("BulkImportVehicles")
            .WithSummary($"Register up to {MaxBulkItems} vehicles, each with optional delivery, reading and past visits, in one request.")
            .Accepts<BulkVehiclesRequest>("application/json").Produces<BulkVehiclesResult>()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBulkBodyBytes));
        group.MapPost("/{vin}/delivery", DeliverAsync).RequireAuthorization(Policies.StationWork).WithName("DeliverVehicle").AcceptsIfMatch()
            .WithSummary("Record delivery to the first owner; starts the warranty clocks. A station delivers only in its own name (dealerCode).")
            .Accepts<DeliveryRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/odometer", RecordOdometerAsync).RequireAuthorization(Policies.Operate).WithName("RecordOdometer").AcceptsIfMatch()
            .WithSummary("Record an odometer reading (never backwards; stations record readings through their work orders).")
            .Accepts<OdometerRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/odometer-corrections", CorrectOdometerAsync).RequireAuthorization(Policies.Operate).WithName("CorrectOdometer").AcceptsIfMatch()
            .WithSummary("Lower a wrong odometer reading, with the reason; the correction is kept with the vehicle.")
            .Accepts<OdometerCorrectionRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/ownership", TransferOwnershipAsync).RequireAuthorization(Policies.CustomerRecords).WithName("TransferOwnership").AcceptsIfMatch().WithSummary("Transfer ownership; entitlements stay with the VIN.")
            .Accepts<OwnershipRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/erase-previous-owners", ErasePreviousOwnersAsync).RequireAuthorization(Policies.Operate).WithName("ErasePreviousOwners").AcceptsIfMatch()
            .WithSummary("Remove the previous owners' names and phones (PIPL), with a reason; the history and the erasure are kept.")
            .Accepts<ErasureRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/lifecycle", EndLifeAsync).RequireAuthorization(Policies.WarrantyDecisions).WithName("EndVehicleLife").AcceptsIfMatch().WithSummary("Mark the vehicle replaced, refunded or scrapped.")
            .Accepts<LifecycleRequest>("application/json").Produces<VehicleView>();
        group.MapPost("/{vin}/visits", AppendVisitAsync).RequireAuthorization(Policies.StationWork).WithName("AppendVisit").AcceptsIfMatch()
            .WithSummary("Append a visit to the repair archive: an operator's import of history, or a station's report of its own plain work (no warranty, safety, replacement or recall facts).")
            .Accepts<VisitRequest>("application/json").Produces<RepairRecordView>();
        group.MapGet("/{vin}", GetAsync).WithName("GetVehicle").WithSummary("Identity, owner, state and odometer.")
            .Produces<VehicleView>();
        group.MapGet("/{vin}/warranty", GetWarrantyAsync).WithName("GetWarranty")
            .WithSummary("Coverages, first maintenance, 三包 entitlements and open recalls, now or as of a date and mileage.")
            .Produces<WarrantyView>()
            .WithQuery(
                new QueryDoc("asOf", QueryType.Date, "Answer as of this date (default today, China time).", Example: "2026-11-23"),
                new QueryDoc("mileageKm", QueryType.Integer, $"Answer for this odometer reading, 0–{MaxKm} (default the last recorded).", Minimum: 0, Maximum: MaxKm, Example: "12000"));
        group.MapGet("/{vin}/history", GetHistoryAsync).WithName("GetRepairHistory").WithSummary("The repair archive, newest first, one page (limit 1–500, default 50; cursor from the previous page's nextCursor).")
            .Produces<RepairHistoryPage>().WithQuery(QueryDoc.Limit(500, 50), QueryDoc.Cursor);
        return group;
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, IClusterClient cluster)
    {
        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<RegisterVehicleRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var command = ToCommand(body!, errors, "");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (!TryNormalizeVin(command.Vin, out _, out var invalidVin))
        {
            return invalidVin;
        }

        var outcome = await cluster.Grain<IVehicleGrain>(command.Vin).RegisterAsync(command, key);
        return outcome.ToHttp(v => $"/api/vehicles/{v.Vin}");
    }

    private static async Task<IResult> BulkAsync(HttpRequest request, IClusterClient cluster)
    {
        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<BulkVehiclesRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var items = body!.Vehicles;
        if (items is null || items.Count is 0 or > MaxBulkItems)
        {
            return OutcomeResults.Invalid(new() { ["vehicles"] = [$"vehicles must hold 1–{MaxBulkItems} items."] });
        }

        // A retried bulk request replays each vehicle's first outcome: item i carries the key "{key}#{i}".
        var results = await Task.WhenAll(items.Select((item, index) => ImportOneAsync(cluster, item, index, key is null ? null : $"{key}#{index}")));
        var refusals = results.Where(r => r.Status >= 400).ToList();
        return TypedResults.Ok(new BulkVehiclesResult(results.Length - refusals.Count, refusals.Count, refusals));
    }

    private static async Task<BulkItemResult> ImportOneAsync(IClusterClient cluster, BulkVehicle item, int index, string? idempotencyKey)
    {
        var errors = new RequestErrors();
        if (item.Vehicle is null)
        {
            return new BulkItemResult(index, null, StatusCodes.Status400BadRequest, "vehicle is required.", ProblemCodes.ValidationFailed);
        }

        var registration = ToCommand(item.Vehicle, errors, "vehicle.");
        var delivery = item.Delivery is null ? null : ToCommand(item.Delivery, errors, "delivery.");
        var odometer = item.Odometer is null ? null : ToCommand(item.Odometer, errors, "odometer.");
        // Bulk loads are operators' imports of history: their visits are marked as imported.
        var visits = (item.Visits ?? []).Select((v, i) => ToCommand(v, errors, $"visits[{i}].") with { Source = VisitSource.Imported }).ToList();
        if (errors.Any)
        {
            return new BulkItemResult(index, registration.Vin, StatusCodes.Status400BadRequest,
                string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)), ProblemCodes.ValidationFailed);
        }

        var outcome = await cluster.Grain<IVehicleGrain>(registration.Vin).ImportAsync(new VehicleImport(registration, delivery, odometer, visits), idempotencyKey);
        return outcome.Refusal is { } refusal
            ? new BulkItemResult(index, registration.Vin, OutcomeResults.StatusCode(refusal.Status), refusal.Detail, refusal.Code)
            : new BulkItemResult(index, registration.Vin, StatusCodes.Status201Created, null, null);
    }

    private static Task<IResult> DeliverAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<DeliveryRequest, DeliverVehicle, VehicleView>(vin, request, cluster, ToCommand, (grain, c, key) => grain.DeliverAsync(c, key),
            delivery => request.HttpContext.User.MayActFor(delivery.DealerCode)
                ? null
                : SecurityExtensions.Forbidden(ProblemCodes.ForbiddenStation, $"A station delivers vehicles only in its own name: dealerCode must be its own station code, not {delivery.DealerCode}."));

    private static Task<IResult> CorrectOdometerAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<OdometerCorrectionRequest, CorrectOdometer, VehicleView>(vin, request, cluster,
            (r, errors, prefix) => new CorrectOdometer(
                errors.Range(prefix + "readingKm", r.ReadingKm, 0, MaxKm),
                errors.Text(prefix + "reason", r.Reason, 500),
                request.HttpContext.User.Actor()),
            (grain, c, key) => grain.CorrectOdometerAsync(c, key));

    private static Task<IResult> RecordOdometerAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<OdometerRequest, RecordOdometer, VehicleView>(vin, request, cluster, ToCommand, (grain, c, key) => grain.RecordOdometerAsync(c, key));

    private static Task<IResult> TransferOwnershipAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<OwnershipRequest, TransferOwnership, VehicleView>(vin, request, cluster, ToCommand, (grain, c, key) => grain.TransferOwnershipAsync(c, key));

    private static Task<IResult> ErasePreviousOwnersAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<ErasureRequest, ErasePreviousOwners, VehicleView>(vin, request, cluster,
            (r, errors, prefix) => new ErasePreviousOwners(errors.Text(prefix + "reason", r.Reason, 500), request.HttpContext.User.Actor()),
            (grain, c, key) => grain.ErasePreviousOwnersAsync(c, key));

    private static Task<IResult> EndLifeAsync(string vin, HttpRequest request, IClusterClient cluster) =>
        CommandAsync<LifecycleRequest, EndVehicleLife, VehicleView>(vin, request, cluster, ToCommand, (grain, c, key) => grain.EndLifeAsync(c, key));

    /// <summary>
    /// An operator's visit is imported history. A station reports only its own plain work: warranty, serious safety,
    /// safety defects, unit or main-part replacement, excluded repair time and recall completion are facts an approved
    /// claim establishes (the work-order flow), never a station's say, so a station asserting any of them is refused.
    /// </summary>
    private static Task<IResult> AppendVisitAsync(string vin, HttpRequest request, IClusterClient cluster)
    {
        var user = request.HttpContext.User;
        var isStation = user.IsInRole(Roles.Station);
        return CommandAsync<VisitRequest, CompletedVisit, RepairRecordView>(vin, request, cluster,
            (r, errors, prefix) => ToCommand(r, errors, prefix) with { Source = isStation ? VisitSource.StationReport : VisitSource.Imported },
            (grain, c, key) => grain.AppendVisitAsync(c, key),
            visit => !user.MayActFor(visit.StationCode) ? SecurityExtensions.ForbiddenForStation(visit.StationCode)
                : isStation && ApprovedFactsIn(visit) is { Count: > 0 } asserted
                    ? SecurityExtensions.Forbidden(ProblemCodes.AssertionNotAllowed,
                        $"A station may not state {string.Join(", ", asserted)} on a visit: these come only from an appraisal whose claim was approved (open a work order and appraise it) or an operator's import.")
                    : null);
    }

    /// <summary>The approved facts a visit asserts, by their field names.</summary>
    private static List<string> ApprovedFactsIn(CompletedVisit visit)
    {
        var asserted = new List<string>();
        if (visit.Warranty)
        {
            asserted.Add("warranty");
        }

        if (visit.SeriousSafety)
        {
            asserted.Add("seriousSafety");
        }

        if (visit.SafetyDefect != SafetyDefect.None)
        {
            asserted.Add("safetyDefect");
        }

        if (visit.UnitReplaced)
        {
            asserted.Add("unitReplaced");
        }

        if (visit.MainPartsReplaced.Count > 0)
        {
            asserted.Add("mainPartsReplaced");
        }

        if (visit.ExcludedHours > 0)
        {
            asserted.Add("excludedHours");
        }

        if (visit.Kind == VisitKind.Recall || visit.RecallCampaignId is not null)
        {
            asserted.Add(visit.RecallCampaignId is not null ? "recallCampaignId" : "kind: recall");
        }

        return asserted;
    }

    private static async Task<IResult> GetAsync(string vin, HttpContext http, IClusterClient cluster)
    {
        if (!TryNormalizeVin(vin, out var normalized, out var invalid))
        {
            return invalid;
        }

        return await PersonalData.VehicleReplyAsync(await cluster.Grain<IVehicleGrain>(normalized).GetAsync(), http, cluster, stated: false);
    }

    private static async Task<IResult> GetWarrantyAsync(string vin, string? asOf, string? mileageKm, IClusterClient cluster)
    {
        if (!TryNormalizeVin(vin, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        DateOnly? asOfDate = null;
        if (asOf is not null)
        {
            if (DateOnly.TryParseExact(asOf, "yyyy-MM-dd", out var parsed))
            {
                asOfDate = parsed;
            }
            else
            {
                errors.Add("asOf", "asOf must be a date like 2026-11-23.");
            }
        }

        int? mileage = null;
        if (mileageKm is not null)
        {
            if (int.TryParse(mileageKm, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var km) && km <= MaxKm)
            {
                mileage = km;
            }
            else
            {
                errors.Add("mileageKm", $"mileageKm must be a whole number of kilometres between 0 and {MaxKm}.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        return (await cluster.Grain<IVehicleGrain>(normalized).GetWarrantyAsync(asOfDate, mileage)).ToHttp();
    }

    private static async Task<IResult> GetHistoryAsync(string vin, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryNormalizeVin(vin, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);

        if (cursor is { Length: 0 or > 200 })
        {
            errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
        }

        return errors.Any ? errors.ToResult() : (await cluster.Grain<IVehicleGrain>(normalized).GetHistoryAsync(size, cursor)).ToHttp();
    }

    /// <summary>The shape every vehicle command shares: VIN, idempotency key, body, validation, one grain call.</summary>
    private static async Task<IResult> CommandAsync<TRequest, TCommand, TResult>(
        string vin,
        HttpRequest request,
        IClusterClient cluster,
        Func<TRequest, RequestErrors, string, TCommand> toCommand,
        Func<IVehicleGrain, TCommand, string?, Task<Outcome<TResult>>> call,
        Func<TCommand, IResult?>? authorize = null)
        where TRequest : class
    {
        if (!TryNormalizeVin(vin, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<TRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var command = toCommand(body!, errors, "");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (authorize?.Invoke(command) is { } forbidden)
        {
            return forbidden;
        }

        // A delivery or an ownership transfer states the owner: its reply is no read of someone else's data.
        var stated = command is DeliverVehicle or TransferOwnership;
        var grain = IfMatch.For(request, cluster.Grain<IVehicleGrain>(normalized));
        var handedOver = typeof(TResult) == typeof(VehicleView) && !stated && PersonalData.HandOverVehicleRead(request.HttpContext, grain);
        var outcome = await call(grain, command, key);
        if (handedOver)
        {
            PersonalData.TakeBackVehicleRead();
        }

        return outcome is Outcome<VehicleView> vehicle
            ? await PersonalData.VehicleReplyAsync(vehicle, request.HttpContext, cluster, stated)
            : outcome.ToHttp();
    }

    private static RegisterVehicle ToCommand(RegisterVehicleRequest r, RequestErrors errors, string prefix)
    {
        var vin = errors.Text(prefix + "vin", r.Vin, 17).ToUpperInvariant();
        return new RegisterVehicle(
            vin,
            errors.Code(prefix + "model", r.Model, 64),
            errors.Code(prefix + "batch", r.Batch, 64),
            errors.Require(prefix + "productionDate", r.ProductionDate),
            errors.Require(prefix + "powertrain", r.Powertrain),
            Price(errors, prefix + "price", r.Price));
    }

    private static DeliverVehicle ToCommand(DeliveryRequest r, RequestErrors errors, string prefix) => new(
        OwnerText(errors, prefix + "ownerName", r.OwnerName, 100),
        OwnerText(errors, prefix + "ownerPhone", r.OwnerPhone, 32),
        errors.Text(prefix + "dealerCode", r.DealerCode, 32),
        errors.Require(prefix + "invoiceDate", r.InvoiceDate),
        errors.Require(prefix + "deliveryDate", r.DeliveryDate),
        errors.Range(prefix + "odometerKm", r.OdometerKm, 0, MaxKm),
        errors.OptionalText(prefix + "replacesVin", r.ReplacesVin, 17)?.ToUpperInvariant());

    private static RecordOdometer ToCommand(OdometerRequest r, RequestErrors errors, string prefix) => new(
        errors.Range(prefix + "readingKm", r.ReadingKm, 0, MaxKm),
        errors.Require(prefix + "readAt", r.ReadAt));

    private static TransferOwnership ToCommand(OwnershipRequest r, RequestErrors errors, string prefix) => new(
        OwnerText(errors, prefix + "ownerName", r.OwnerName, 100),
        OwnerText(errors, prefix + "ownerPhone", r.OwnerPhone, 32),
        errors.Require(prefix + "transferDate", r.TransferDate));

    /// <summary>An owner's name or phone: required text that is not a masked value sent back.</summary>
    private static string OwnerText(RequestErrors errors, string field, string? value, int maxLength)
    {
        PersonalData.RefuseMasked(errors, field, value);
        return errors.Text(field, value, maxLength);
    }

    private static EndVehicleLife ToCommand(LifecycleRequest r, RequestErrors errors, string prefix)
    {
        var state = errors.Require(prefix + "state", r.State);
        if (r.State is not null and not (VehicleLifecycle.Replaced or VehicleLifecycle.Refunded or VehicleLifecycle.Scrapped))
        {
            errors.Add(prefix + "state", "state must be replaced, refunded or scrapped.");
        }

        return new EndVehicleLife(
            state,
            errors.Require(prefix + "effectiveDate", r.EffectiveDate),
            r.OdometerKm is null ? null : errors.Range(prefix + "odometerKm", r.OdometerKm, 0, MaxKm),
            errors.OptionalText(prefix + "replacementVin", r.ReplacementVin, 17)?.ToUpperInvariant(),
            errors.OptionalText(prefix + "note", r.Note, 500));
    }

    private static CompletedVisit ToCommand(VisitRequest r, RequestErrors errors, string prefix)
    {
        var parts = r.PartsUsed ?? [];
        if (parts.Count > 100)
        {
            errors.Add(prefix + "partsUsed", "partsUsed must hold at most 100 lines.");
        }

        for (var i = 0; i < Math.Min(parts.Count, 100); i++)
        {
            var part = parts[i];
            if (part is null || string.IsNullOrWhiteSpace(part.PartNo) || part.PartNo.Length > 40 || part.Quantity is < 1 or > 10_000)
            {
                errors.Add($"{prefix}partsUsed[{i}]", "each part needs a partNo (≤ 40 characters) and a quantity of 1–10000.");
            }
        }

        var excluded = r.ExcludedHours ?? 0;
        if (!double.IsFinite(excluded) || excluded < 0 || excluded > 24 * 3650)
        {
            errors.Add(prefix + "excludedHours", "excludedHours must be between 0 and 87600.");
        }

        var mainParts = r.MainPartsReplaced ?? [];
        if (mainParts.Count > 20 || mainParts.Any(p => string.IsNullOrWhiteSpace(p) || p.Trim().Length > 40))
        {
            errors.Add(prefix + "mainPartsReplaced", "mainPartsReplaced must list at most 20 part numbers of 1–40 characters.");
        }

        return new CompletedVisit(
            errors.Text(prefix + "visitId", r.VisitId, 64),
            errors.Text(prefix + "stationCode", r.StationCode, 32),
            errors.Require(prefix + "kind", r.Kind),
            errors.Require(prefix + "agreedAt", r.AgreedAt),
            r.CompletedAt,
            errors.Range(prefix + "mileageKm", r.MileageKm, 0, MaxKm),
            errors.Code(prefix + "faultCode", r.FaultCode, 32, required: r.Kind == VisitKind.Repair),
            r.System ?? VehicleSystem.Other,
            r.WorkGrade ?? WorkGrade.Minor,
            r.Warranty ?? false,
            r.UnitReplaced ?? false,
            [.. mainParts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal)],
            r.SeriousSafety ?? false,
            r.SafetyDefect ?? SafetyDefect.None,
            excluded,
            errors.OptionalText(prefix + "workDone", r.WorkDone, 1000),
            parts.Where(p => p is not null).Select(p => p with { PartNo = p.PartNo.Trim() }).ToList(),
            errors.OptionalText(prefix + "appraiser", r.Appraiser, 64),
            errors.OptionalText(prefix + "recallCampaignId", r.RecallCampaignId, 64),
            errors.OptionalText(prefix + "repairItem", r.RepairItem, 64));
    }

    private static decimal Price(RequestErrors errors, string field, decimal? price)
    {
        var value = errors.Require(field, price);
        if (price is not null && (value <= 0 || value > 100_000_000m))
        {
            errors.Add(field, $"{field} must be a positive amount up to 100000000.");
        }

        return value;
    }

    /// <summary>
    /// Canonical grain key: trimmed, upper case. Only the shape is checked here (17 letters/digits) so that junk
    /// never becomes a grain key; the vehicle grain checks the alphabet and the check digit.
    /// </summary>
    internal static bool TryNormalizeVin(string vin, out string normalized, out IResult invalid)
    {
        normalized = vin.Trim().ToUpperInvariant();
        invalid = null!;
        if (normalized.Length == 17 && normalized.All(char.IsAsciiLetterOrDigit))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["vin"] = ["vin must be 17 letters and digits (ISO 3779)."] });
        return false;
    }
}
