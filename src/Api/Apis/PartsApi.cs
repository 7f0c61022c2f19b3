using System.ComponentModel.DataAnnotations;
using AfterSales.Api.Hosting;
using System.Globalization;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Api.Apis;

public static class PartsApi
{
    private const int MaxLines = 500;
    private const int MaxQuantity = 100_000;

    public static void MapPartsApi(this IEndpointRouteBuilder app)
    {
        var depots = app.MapGroup("/depots").WithTags("Parts depots");
        depots.MapPut("/{code}", RegisterAsync).RequireAuthorization(Policies.PartsWork).WithName("RegisterDepot").AcceptsIfMatch()
            .WithSummary("Create a parts depot or update its registry data.").Accepts<DepotRequest>("application/json")
            .Produces<DepotView>().Produces<DepotView>(StatusCodes.Status201Created);
        depots.MapGet("/{code}", async (string code, IClusterClient cluster) => await WithCodeAsync(code, c => cluster.Grain<IPartsDepotGrain>(c).GetAsync()))
            .WithName("GetDepot").WithSummary("A depot with its stock per part.").Produces<DepotView>();
        depots.MapPost("/{code}/receipts", (string code, HttpRequest request, IClusterClient cluster) =>
                LinesAsync(code, request, (depot, lines, key) => cluster.Grain<IPartsDepotGrain>(depot).ReceiveAsync(lines, key)))
            .RequireAuthorization(Policies.PartsWork).WithName("ReceiveParts")
            .WithSummary("Goods in: on hand grows, on order shrinks, queued reservations are served (warranty first).").Produces<IReadOnlyList<PartStockView>>()
            .Accepts<LinesRequest>("application/json");
        depots.MapPost("/{code}/orders", (string code, HttpRequest request, IClusterClient cluster) =>
                LinesAsync(code, request, (depot, lines, key) => cluster.Grain<IPartsDepotGrain>(depot).OrderAsync(lines, key)))
            .RequireAuthorization(Policies.PartsWork).WithName("OrderParts")
            .WithSummary("Supplier or transfer orders placed: counted as on order until received.").Produces<IReadOnlyList<PartStockView>>()
            .Accepts<LinesRequest>("application/json");
        depots.MapPost("/{code}/reservations", ReserveAsync).RequireAuthorization(Policies.PartsRequests).WithName("ReserveParts")
            .WithSummary("Reserve parts for an open work order: allocated from available stock, or queued (warranty first, then urgent, then oldest); the priority is the work order's (approved claim; waiting for parts), never the caller's say.")
            .Accepts<ReservationRequest>("application/json").Produces<ReservationView>(StatusCodes.Status201Created);
        depots.MapGet("/{code}/reservations/{id}", async (string code, string id, IClusterClient cluster) =>
                await WithCodeAsync(code, c => cluster.Grain<IPartsDepotGrain>(c).GetReservationAsync(id.Trim().ToUpperInvariant())))
            .WithName("GetReservation").WithSummary("One reservation.").Produces<ReservationView>();
        depots.MapPost("/{code}/reservations/{id}/ship", ShipAsync).RequireAuthorization(Policies.PartsWork).WithName("ShipReservation")
            .WithSummary("Ship an allocated reservation (body {quantity} ships part of it); more than it holds is a 409.").Produces<ReservationView>()
            .Accepts<ShipRequest>(isOptional: true, "application/json");
        depots.MapPost("/{code}/reservations/{id}/release", (string code, string id, HttpRequest request, IClusterClient cluster) =>
                ReservationStepAsync(code, id, request, (depot, rid, key) => cluster.Grain<IPartsDepotGrain>(depot).ReleaseAsync(rid, key)))
            .RequireAuthorization(Policies.PartsWork).WithName("ReleaseReservation").WithSummary("Give a reservation up; its stock serves the queue.").Produces<ReservationView>();
        depots.MapPost("/{code}/reservations/{id}/arrived", ArrivedAsync).RequireAuthorization(Policies.PartsRequests).WithName("ReservationArrived")
            .WithSummary("The station confirms the shipped parts arrived; its waiting work order is told.").Produces<ReservationView>();
        depots.MapGet("/{code}/stock/{partNo}", async (string code, string partNo, IClusterClient cluster) =>
                await WithCodeAsync(code, c => cluster.Grain<IPartsDepotGrain>(c).GetStockAsync(partNo.Trim().ToUpperInvariant())))
            .WithName("GetStock").WithSummary("onHand, reserved, available, onOrder, queued of one part.").Produces<PartStockView>();

        app.MapGet("/parts/{partNo}/availability", AvailabilityAsync).WithTags("Parts depots").WithName("PartAvailability")
            .WithSummary("Depots with the part available, nearest first with distanceKm (an index the depots keep current).")
            .Produces<IReadOnlyList<PartAvailabilityView>>()
            .WithQuery(
                new QueryDoc("latitude", QueryType.Number, "Latitude of the station asking, degrees (WGS-84).", Required: true, Minimum: -90, Maximum: 90, Example: "23.13"),
                new QueryDoc("longitude", QueryType.Number, "Longitude of the station asking, degrees (WGS-84).", Required: true, Minimum: -180, Maximum: 180, Example: "113.26"),
                QueryDoc.Limit(200, 20));
        app.MapPut("/stations/{code}/parts-plans/{month}", SubmitPlanAsync).RequireAuthorization(Policies.PartsRequests).RequireOwnStation()
            .WithTags("Parts depots").WithName("SubmitPartsPlan").WithSummary("A station's parts demand plan for a month (yyyy-MM), accepted until the 10th.")
            .Accepts<LinesRequest>("application/json").Produces<StationPartsPlan>();
        app.MapGet("/parts-plans/{month}", async (string month, IClusterClient cluster) =>
                TryMonth(month, out var key) ? Results.Ok(await cluster.Grain<IPartsPlanGrain>(key).GetAsync()) : MonthInvalid())
            .WithTags("Parts depots").WithName("GetProcurementList").WithSummary("The month's aggregated procurement list: per part, total and per region.")
            .Produces<ProcurementList>();
    }

    private static async Task<IResult> RegisterAsync(string code, HttpRequest request, IClusterClient cluster)
    {
        if (!TryStart(code, request, out var depot, out var key, out var invalid))
        {
            return invalid!;
        }

        var (body, error) = await JsonBody.ReadAsync<DepotRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var registration = new DepotRegistration(
            errors.Text("name", body!.Name, 100), errors.Text("province", body.Province, 40),
            Coordinate(errors, "latitude", body.Latitude, 90), Coordinate(errors, "longitude", body.Longitude, 180));
        return errors.Any ? errors.ToResult()
            : (await IfMatch.For(request, cluster.Grain<IPartsDepotGrain>(depot)).RegisterAsync(registration, key)).ToHttp(d => $"/api/depots/{d.Code}");
    }

    private static async Task<IResult> ReserveAsync(string code, HttpRequest request, IClusterClient cluster)
    {
        if (!TryStart(code, request, out var depot, out var key, out var invalid))
        {
            return invalid!;
        }

        var (body, error) = await JsonBody.ReadAsync<ReservationRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var partNo = PartNo(errors, "partNo", body!.PartNo);
        var quantity = errors.Range("quantity", body.Quantity, 1, MaxQuantity);
        var station = errors.Text("stationCode", body.StationCode, 32).ToUpperInvariant();
        var workOrder = errors.Text("workOrderId", body.WorkOrderId, 48).ToUpperInvariant();
        // Priority comes from the work order (its approved claim, waiting for parts); the flags are optional claims of it.
        var warranty = body.Warranty ?? false;
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (!request.HttpContext.User.MayActFor(station))
        {
            return SecurityExtensions.ForbiddenForStation(station);
        }

        var outcome = await cluster.Grain<IPartsDepotGrain>(depot).ReserveAsync(new ReserveParts(partNo, quantity, station, workOrder, warranty, body.Urgent ?? false), key);
        return outcome.ToHttp(r => $"/api/depots/{r.DepotCode}/reservations/{r.Id}");
    }

    private static async Task<IResult> ShipAsync(string code, string id, HttpRequest request, IClusterClient cluster)
    {
        int? quantity = null;
        if (request.ContentLength > 0)
        {
            var (body, error) = await JsonBody.ReadAsync<ShipRequest>(request);
            if (error is not null)
            {
                return error;
            }

            var errors = new RequestErrors();
            quantity = body!.Quantity is null ? null : errors.Range("quantity", body.Quantity, 1, MaxQuantity);
            if (errors.Any)
            {
                return errors.ToResult();
            }
        }

        return await ReservationStepAsync(code, id, request, (depot, rid, key) => cluster.Grain<IPartsDepotGrain>(depot).ShipAsync(rid, quantity, key));
    }

    private static async Task<IResult> ArrivedAsync(string code, string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryCode(code, "code", out var depot, out var invalid))
        {
            return invalid!;
        }

        var grain = cluster.Grain<IPartsDepotGrain>(depot);
        var reservationId = id.Trim().ToUpperInvariant();
        var reservation = await grain.GetReservationAsync(reservationId);
        if (reservation.Value is { } held && !request.HttpContext.User.MayActFor(held.StationCode))
        {
            return SecurityExtensions.ForbiddenForStation(held.StationCode);
        }

        return await ReservationStepAsync(code, id, request, (_, rid, key) => grain.ConfirmArrivalAsync(rid, key));
    }

    private static async Task<IResult> ReservationStepAsync(
        string code, string id, HttpRequest request, Func<string, string, string?, Task<AfterSales.Interfaces.Common.Outcome<ReservationView>>> step)
    {
        if (!TryStart(code, request, out var depot, out var key, out var invalid) || !TryCode(id, "id", out var reservationId, out invalid))
        {
            return invalid!;
        }

        return (await step(depot, reservationId, key)).ToHttp();
    }

    private static async Task<IResult> LinesAsync(
        string code, HttpRequest request, Func<string, IReadOnlyList<PartQuantity>, string?, Task<AfterSales.Interfaces.Common.Outcome<IReadOnlyList<PartStockView>>>> apply)
    {
        if (!TryStart(code, request, out var depot, out var key, out var invalid))
        {
            return invalid!;
        }

        var (lines, error) = await ReadLinesAsync(request);
        return error ?? (await apply(depot, lines!, key)).ToHttp();
    }

    private static async Task<IResult> SubmitPlanAsync(string code, string month, HttpRequest request, IClusterClient cluster)
    {
        if (!TryStart(code, request, out var station, out var key, out var invalid))
        {
            return invalid!;
        }

        if (!TryMonth(month, out var monthKey))
        {
            return MonthInvalid();
        }

        var (lines, error) = await ReadLinesAsync(request);
        return error ?? (await cluster.Grain<IPartsPlanGrain>(monthKey).SubmitAsync(station, lines!, key)).ToHttp();
    }

    private static async Task<IResult> AvailabilityAsync(string partNo, string? latitude, string? longitude, string? limit, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var part = PartNo(errors, "partNo", partNo);
        var lat = Number(errors, "latitude", latitude, 90);
        var lon = Number(errors, "longitude", longitude, 180);
        var max = Paging.Limit(limit, errors, @default: 20, maximum: 200);

        return errors.Any ? errors.ToResult() : Results.Ok(await cluster.Grain<IPartAvailabilityGrain>(part).FindAsync(lat, lon, max));
    }

    private static async Task<(IReadOnlyList<PartQuantity>? Lines, IResult? Error)> ReadLinesAsync(HttpRequest request)
    {
        var (body, error) = await JsonBody.ReadAsync<LinesRequest>(request);
        if (error is not null)
        {
            return (null, error);
        }

        var errors = new RequestErrors();
        var raw = body!.Lines ?? [];
        if (body.Lines is null || raw.Count is 0 or > MaxLines)
        {
            errors.Add("lines", $"lines must list 1–{MaxLines} parts.");
        }

        var lines = new List<PartQuantity>();
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i] is not { } line)
            {
                errors.Add($"lines[{i}]", "each line needs a partNo and a quantity.");
                continue;
            }

            lines.Add(new PartQuantity(PartNo(errors, $"lines[{i}].partNo", line.PartNo), errors.Range($"lines[{i}].quantity", line.Quantity, 1, MaxQuantity)));
        }

        return errors.Any ? (null, errors.ToResult()) : (lines, null);
    }

    private static string PartNo(RequestErrors errors, string field, string? value)
    {
        var part = (value ?? "").Trim().ToUpperInvariant();
        if (part.Length is 0 or > 40 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add(field, $"{field} must be 1–40 letters, digits, '-', '_' or '.'.");
        }

        return part;
    }

    private static double Coordinate(RequestErrors errors, string field, double? value, double limit)
    {
        if (value is not { } v || !double.IsFinite(v) || Math.Abs(v) > limit)
        {
            errors.Add(field, $"{field} must be a number from -{limit} to {limit}.");
            return 0;
        }

        return v;
    }

    private static double Number(RequestErrors errors, string field, string? value, double limit)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || Math.Abs(v) > limit)
        {
            errors.Add(field, $"{field} is required: a number from -{limit} to {limit}.");
            return 0;
        }

        return v;
    }

    private static bool TryStart(string code, HttpRequest request, out string normalized, out string? key, out IResult? invalid)
    {
        key = null;
        if (!TryCode(code, "code", out normalized, out invalid))
        {
            return false;
        }

        if (!IdempotencyKey.TryRead(request, out key, out var keyErrors))
        {
            invalid = OutcomeResults.Invalid(keyErrors!);
            return false;
        }

        return true;
    }

    private static bool TryCode(string value, string field, out string code, out IResult? invalid)
    {
        code = value.Trim().ToUpperInvariant();
        invalid = null;
        if (code.Length is >= 1 and <= 48 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { [field] = [$"{field} must be 1–48 letters, digits, '-' or '_'."] });
        return false;
    }

    private static bool TryMonth(string month, out string key)
    {
        key = month;
        return month.Length == 7 && DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    private static IResult MonthInvalid() => OutcomeResults.Invalid(new() { ["month"] = ["month must be yyyy-MM, for example 2026-11."] });

    private static async Task<IResult> WithCodeAsync<T>(string code, Func<string, Task<AfterSales.Interfaces.Common.Outcome<T>>> read) =>
        TryCode(code, "code", out var normalized, out var invalid) ? (await read(normalized)).ToHttp() : invalid!;
}

public sealed record DepotRequest([Required] string? Name, [Required] string? Province, [Required] double? Latitude, [Required] double? Longitude);

public sealed record LineRequest(string? PartNo, int? Quantity);

public sealed record LinesRequest([Required] IReadOnlyList<LineRequest?>? Lines);

public sealed record ReservationRequest([Required] string? PartNo, [Required] int? Quantity, [Required] string? StationCode, [Required] string? WorkOrderId, bool? Warranty, bool? Urgent);

public sealed record ShipRequest(int? Quantity);
