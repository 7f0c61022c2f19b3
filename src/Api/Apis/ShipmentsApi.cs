using System.ComponentModel.DataAnnotations;
using AfterSales.Api.Hosting;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Parts;

namespace AfterSales.Api.Apis;

/// <summary>
/// Shipments from depots to stations: the shipment notice with its detail list (配件发运通知单 / 明细表) a depot issues
/// when it ships a reservation, the receiving station's receipt inspection (seed 001 §5.4.3), and the station's
/// shipments and stock of inspected parts.
/// </summary>
public static class ShipmentsApi
{
    private const int MaxQuantity = 100_000;

    public static void MapShipmentsApi(this IEndpointRouteBuilder app)
    {
        var shipments = app.MapGroup("/shipments").WithTags("Parts depots");
        shipments.MapGet("/{id}", GetAsync).WithName("GetShipment")
            .WithSummary("A shipment notice with its detail lines (partNo, quantity, warranty, workOrderId, reservationId); state inTransit, or inspected with the inspection. An inter-depot transfer (toDepot set) is received by that depot, not inspected by the station: state received with receivedAt. A station reads only its own (the station of the work order).")
            .Produces<ShipmentView>();
        shipments.MapPost("/{id}/inspection", InspectAsync).RequireAuthorization(Policies.StationWork).WithName("InspectShipment")
            .WithSummary("The receiving station's receipt inspection: one line per shipped part, accepted + rejected = shipped (400 otherwise; a rejected quantity needs its reason); a second inspection is 409. Accepted parts become the station's usable stock and confirm the reservation's arrival (its work order is told); rejected parts are reserved again at the depot for the same work order.")
            .Accepts<InspectionRequest>("application/json").Produces<ShipmentView>();

        app.MapGet("/stations/{code}/shipments", ListAsync).RequireOwnStation().WithTags("Parts depots").WithName("ListStationShipments")
            .WithSummary("The shipments addressed to the station, newest first (by ship time, then id); one page (limit 1–500, default 50; cursor from nextCursor). An unregistered station is 404.")
            .Produces<StationShipmentsPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        app.MapGet("/stations/{code}/parts-stock", StockAsync).RequireOwnStation().WithTags("Parts depots").WithName("GetStationPartsStock")
            .WithSummary("The station's parts from inspected shipments, per part: accepted (usable stock) and rejected. An unregistered station is 404.")
            .Produces<StationPartsStock>();

        app.MapPost("/stations/{code}/urgent-orders", PlaceUrgentAsync).RequireAuthorization(Policies.PartsRequests).RequireOwnStation()
            .WithTags("Parts depots").WithName("PlaceUrgentOrder")
            .WithSummary("An urgent parts order (急件订单) for an open work order, sourced automatically: reserved at the nearest depot with the whole quantity available within reach (policy, 300 km); else at the nearest depot that has it as an inter-depot transfer to the station's nearest depot (on order there at once, received there when shipped, then served to the work order warranty first); else added to the month's procurement list and back-ordered at the station's nearest registered depot. The reservations take the work order's priority (warranty first).")
            .Accepts<UrgentOrderRequest>("application/json").Produces<UrgentOrderView>(StatusCodes.Status201Created);
        app.MapGet("/urgent-orders/{id}", GetUrgentAsync).WithTags("Parts depots").WithName("GetUrgentOrder")
            .WithSummary("An urgent order and how it was sourced: route (nearestDepot | transfer | procurement), source depot and distanceKm, the station's nearest depot, the reservations, state (sourcing | sourced | refused), and legs as they are now: a transfer's transfer leg (queued | reserved → shipped → received) and delivery leg (awaitingTransfer → allocated → shipped → arrived). A station reads only its own.")
            .Produces<UrgentOrderView>();
    }

    private static async Task<IResult> PlaceUrgentAsync(string code, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(code, "code", out var station, out var invalid))
        {
            return invalid!;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<UrgentOrderRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var partNo = errors.Text("partNo", body!.PartNo, 40).Trim().ToUpperInvariant();
        if (!errors.Any && !partNo.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("partNo", "partNo must be 1–40 letters, digits, '-', '_' or '.'.");
        }

        var quantity = errors.Range("quantity", body.Quantity, 1, MaxQuantity);
        var workOrder = errors.Text("workOrderId", body.WorkOrderId, 48).Trim().ToUpperInvariant();
        if (errors.Any)
        {
            return errors.ToResult();
        }

        // With an Idempotency-Key the id is derived from the station and the key, so a retry reaches the same order.
        var id = key is null
            ? "U" + Guid.NewGuid().ToString("N")[..20].ToUpperInvariant()
            : "U" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{station}\n{key}")))[..20];
        var placed = await cluster.Grain<IUrgentOrderGrain>(id).PlaceAsync(new PlaceUrgentOrder(station, partNo, quantity, workOrder), key);
        return placed.ToHttp(o => $"/api/urgent-orders/{o.Id}");
    }

    private static async Task<IResult> GetUrgentAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, "id", out var orderId, out var invalid))
        {
            return invalid!;
        }

        var order = await cluster.Grain<IUrgentOrderGrain>(orderId).GetAsync();
        return order.ToHttpForOwnStation(request.HttpContext.User, o => o.StationCode);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, "id", out var shipmentId, out var invalid))
        {
            return invalid!;
        }

        var shipment = await cluster.Grain<IShipmentGrain>(shipmentId).GetAsync();
        return shipment.ToHttpForOwnStation(request.HttpContext.User, o => o.StationCode);
    }

    private static async Task<IResult> InspectAsync(string id, HttpRequest request, IClusterClient cluster)
    {
        if (!TryId(id, "id", out var shipmentId, out var invalid))
        {
            return invalid!;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        var (body, error) = await JsonBody.ReadAsync<InspectionRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var errors = new RequestErrors();
        var raw = body!.Lines ?? [];
        if (body.Lines is null || raw.Count is 0 or > 500)
        {
            errors.Add("lines", "lines must list 1–500 parts, one per part shipped.");
        }

        var lines = new List<InspectionLine>();
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i] is not { } line)
            {
                errors.Add($"lines[{i}]", "each line needs a partNo, accepted and rejected.");
                continue;
            }

            lines.Add(new InspectionLine(
                errors.Text($"lines[{i}].partNo", line.PartNo, 40).ToUpperInvariant(),
                errors.Range($"lines[{i}].accepted", line.Accepted, 0, MaxQuantity),
                errors.Range($"lines[{i}].rejected", line.Rejected, 0, MaxQuantity),
                errors.OptionalText($"lines[{i}].reason", line.Reason, 200)));
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var grain = cluster.Grain<IShipmentGrain>(shipmentId);
        var shipment = await grain.GetAsync();
        if (shipment.Value is { } found && !request.HttpContext.User.MayActFor(found.StationCode))
        {
            return SecurityExtensions.ForbiddenForStation(found.StationCode);
        }

        return shipment.Refusal is not null ? shipment.ToHttp() : (await grain.InspectAsync(lines, request.HttpContext.User.Actor(), key)).ToHttp();
    }

    private static async Task<IResult> ListAsync(string code, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!TryId(code, "code", out var station, out var invalid))
        {
            return invalid!;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "list", StationShipments.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<IStationPartsGrain>(station).GetShipmentsAsync(size, after);
        return (outcome.Value is { NextCursor: { } next } page ? outcome with { Value = page with { NextCursor = Paging.Cursor(next) } } : outcome).ToHttp();
    }

    private static async Task<IResult> StockAsync(string code, IClusterClient cluster) =>
        TryId(code, "code", out var station, out var invalid) ? (await cluster.Grain<IStationPartsGrain>(station).GetStockAsync()).ToHttp() : invalid!;

    private static bool TryId(string value, string field, out string id, out IResult? invalid)
    {
        id = value.Trim().ToUpperInvariant();
        invalid = null;
        if (id.Length is >= 1 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { [field] = [$"{field} must be 1–64 letters, digits, '-' or '_'."] });
        return false;
    }
}

public sealed record InspectionLineRequest([Required] string? PartNo, [Required] int? Accepted, [Required] int? Rejected, string? Reason);

public sealed record UrgentOrderRequest([Required] string? PartNo, [Required] int? Quantity, [Required] string? WorkOrderId);

public sealed record InspectionRequest([Required] IReadOnlyList<InspectionLineRequest?>? Lines);
