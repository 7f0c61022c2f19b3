using AfterSales.Api.Hosting;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Network;
using AfterSales.Interfaces.Settlements;

namespace AfterSales.Api.Apis;

/// <summary>
/// Warranty claims after filing: the warranty department's review queue and decisions, a station's answers to
/// requests for information, the stations' monthly settlement statements and the warranty-cost report. A station sees
/// only its own claims and statements; the warranty department and operators see all.
/// </summary>
public static class ClaimsApi
{
    public static IEndpointRouteBuilder MapClaimsApi(this IEndpointRouteBuilder app)
    {
        var claims = app.MapGroup("/claims").WithTags("Claims");
        claims.MapGet("/review-queue", ReviewQueueAsync).RequireAuthorization(Policies.WarrantyDecisions).WithName("GetClaimReviewQueue")
            .WithSummary("Claims waiting for the warranty department, oldest filing first, one page (limit 1–500, default 50; cursor from nextCursor).")
            .Produces<ReviewQueuePage>().WithQuery(QueryDoc.Limit(500, 50), QueryDoc.Cursor);
        claims.MapGet("/{claimId}", GetClaimAsync).WithName("GetClaim")
            .WithSummary("A warranty claim: state, reasons, amount {labour, parts, total}, the pricing lines and every decision (a station sees its own claims only).")
            .Produces<ClaimView>();
        foreach (var (route, action) in new[] { ("approve", ClaimAction.Approve), ("reject", ClaimAction.Reject), ("request-information", ClaimAction.RequestInformation) })
        {
            claims.MapPost($"/{{claimId}}/{route}", (string claimId, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster) => DecideAsync(claimId, action, request, user, cluster))
                .RequireAuthorization(Policies.WarrantyDecisions).WithName($"Claim-{route}").AcceptsIfMatch()
                .WithSummary($"Warranty department: {route} a submitted claim (body {{note}}; required to reject or request information). The wrong state is a 409 naming the allowed actions.")
                .Accepts<ClaimNoteRequest>("application/json").Produces<ClaimView>();
        }

        claims.MapPost("/{claimId}/answer", (string claimId, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster) => DecideAsync(claimId, ClaimAction.Answer, request, user, cluster))
            .RequireAuthorization(Policies.StationWork).WithName("Claim-answer").AcceptsIfMatch()
            .WithSummary("The station answers the warranty department's request for information (body {note}); the claim returns to the review queue.")
            .Accepts<ClaimNoteRequest>("application/json").Produces<ClaimView>();

        app.MapGet("/stations/{code}/settlements/{month}", StatementAsync).RequireAuthorization(Policies.Settlements).RequireOwnStation().WithTags("Claims")
            .WithName("GetSettlementStatement")
            .WithSummary("A station's settlement statement for a month (yyyy-MM): approved claims, chargebacks, totals; closed months are frozen. Lines (claims, then chargebacks, each by id) one page at a time (limit 1–500, default 50; cursor from nextCursor); totals and closing are the whole month's.")
            .Produces<SettlementStatementPage>().WithQuery(QueryDoc.Limit(Paging.MaxLimit, Paging.DefaultLimit), QueryDoc.Cursor);
        app.MapPost("/stations/{code}/settlements/{month}/close", CloseAsync).RequireAuthorization(Policies.WarrantyDecisions).WithTags("Claims")
            .WithName("CloseSettlementMonth")
            .WithSummary("Close a month that is over (and every earlier open month): frozen from now on; later approvals go to the next open month.")
            .Produces<SettlementStatement>();
        app.MapGet("/reports/warranty-cost/{month}", WarrantyCostAsync).RequireAuthorization(Policies.WarrantyDecisions).WithTags("Reports")
            .WithName("GetWarrantyCostReport")
            .WithSummary("Warranty cost of the claims approved in a month (yyyy-MM): totals, by model, by component (system) and by supplier with the recovery of parts judged defective.")
            .Produces<WarrantyCostReport>();
        return app;
    }

    private static async Task<IResult> ReviewQueueAsync(string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);

        if (cursor is { Length: 0 or > 200 })
        {
            errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
        }

        return errors.Any ? errors.ToResult() : (await cluster.Grain<IClaimReviewQueueGrain>(ClaimReviewQueueKeys.National).ListAsync(size, cursor)).ToHttp();
    }

    private static async Task<IResult> GetClaimAsync(string claimId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryClaimId(claimId, out var id, out var invalid))
        {
            return invalid;
        }

        var outcome = await cluster.Grain<IClaimGrain>(id).GetAsync();
        return outcome.Value is { } claim && !user.MayActFor(claim.StationCode)
            ? SecurityExtensions.Forbidden(ProblemCodes.ForbiddenStation, $"Claim {id} belongs to another station; a station sees its own claims only.")
            : outcome.ToHttp();
    }

    private static async Task<IResult> DecideAsync(string claimId, ClaimAction action, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryClaimId(claimId, out var id, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        string? note = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (body, error) = await JsonBody.ReadAsync<ClaimNoteRequest>(request);
            if (error is not null)
            {
                return error;
            }

            var errors = new RequestErrors();
            note = errors.Text("note", body!.Note, 2000, required: false);
            if (errors.Any)
            {
                return errors.ToResult();
            }
        }

        var grain = IfMatch.For(request, cluster.Grain<IClaimGrain>(id));
        if (action == ClaimAction.Answer)
        {
            // A station answers for its own claims only.
            var current = await grain.GetAsync();
            if (current.Value is { } claim && !user.MayActFor(claim.StationCode))
            {
                return SecurityExtensions.ForbiddenForStation(claim.StationCode);
            }
        }

        return (await grain.DecideAsync(action, user.Actor(), string.IsNullOrEmpty(note) ? null : note, key)).ToHttp();
    }

    private static async Task<IResult> StatementAsync(string code, string month, string? limit, string? cursor, IClusterClient cluster)
    {
        if (!StationsApi.TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        var errors = new RequestErrors();
        var size = Paging.Limit(limit, errors);
        var after = Paging.After(cursor, "statement", SettlementStatementPage.IsPosition, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var outcome = await cluster.Grain<ISettlementGrain>(normalized).GetStatementAsync(month);
        return outcome.Value is { } statement ? TypedResults.Ok(SettlementStatementPage.Of(statement, size, after)) : outcome.ToHttp();
    }

    private static async Task<IResult> CloseAsync(string code, string month, HttpRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!StationsApi.TryCode(code, out var normalized, out var invalid))
        {
            return invalid;
        }

        if (!IdempotencyKey.TryRead(request, out var key, out var keyErrors))
        {
            return OutcomeResults.Invalid(keyErrors!);
        }

        return (await cluster.Grain<ISettlementGrain>(normalized).CloseAsync(month, user.Actor(), key)).ToHttp();
    }

    private static async Task<IResult> WarrantyCostAsync(string month, IClusterClient cluster)
    {
        if (!ReportsApi.TryMonth(month, out var first, out var invalid))
        {
            return invalid;
        }

        var totals = await cluster.Grain<ICounterRollupGrain>(RollupScopes.WarrantyCost(first.Year, first.Month)).GetCountersAsync();
        return TypedResults.Ok(WarrantyCostReport.From(month, totals.Counters));
    }

    private static bool TryClaimId(string claimId, out string id, out IResult invalid)
    {
        id = claimId.Trim().ToUpperInvariant();
        invalid = null!;
        if (id.Length is > 0 and <= 80 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return true;
        }

        invalid = OutcomeResults.Invalid(new() { ["claimId"] = ["claimId must be 1–80 letters, digits, '-' or '_'."] });
        return false;
    }
}

/// <summary>
/// GET /api/stations/{code}/settlements/{yyyy-MM}: one page of the month's lines. The lines are the claims, then the
/// chargebacks, each by <see cref="SettlementLine.Id"/> (ordinal); a page holds up to <c>limit</c> of them, split back
/// into <see cref="Claims"/> and <see cref="Chargebacks"/>. <see cref="Closed"/>, <see cref="ClosedAt"/>,
/// <see cref="ClosedBy"/> and <see cref="Totals"/> are the whole month's on every page. <see cref="NextCursor"/> (opaque:
/// the page's last line, "claims:{id}" or "chargebacks:{id}") asks for the next page, null on the last.
/// </summary>
public sealed record SettlementStatementPage(
    string StationCode,
    string Month,
    bool Closed,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    IReadOnlyList<SettlementLine> Claims,
    IReadOnlyList<SettlementLine> Chargebacks,
    SettlementTotals Totals,
    // Sent as null on the last page (api.md: the reply carries nextCursor), though the API leaves other nulls out.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor)
{
    private const string ClaimsList = "claims";
    private const string ChargebacksList = "chargebacks";

    /// <summary>Whether a decoded cursor is a position of a statement: "claims:{id}" or "chargebacks:{id}".</summary>
    public static bool IsPosition(string position) => Split(position) is not null;

    /// <summary>Up to <paramref name="limit"/> lines after <paramref name="after"/> (a position).</summary>
    public static SettlementStatementPage Of(SettlementStatement statement, int limit, string? after)
    {
        var lines = statement.Claims.OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => (List: ClaimsList, Line: l))
            .Concat(statement.Chargebacks.OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => (List: ChargebacksList, Line: l)));
        if (after is not null && Split(after) is { } position)
        {
            // Claims come first: after a chargeback, no claim follows; after a claim, every chargeback does.
            lines = lines.Where(l => position.List == ClaimsList
                ? l.List == ChargebacksList || string.CompareOrdinal(l.Line.Id, position.Id) > 0
                : l.List == ChargebacksList && string.CompareOrdinal(l.Line.Id, position.Id) > 0);
        }

        var rest = lines.ToList();
        var page = rest.Take(limit).ToList();
        var next = rest.Count > page.Count ? Paging.Cursor($"{page[^1].List}:{page[^1].Line.Id}") : null;
        return new SettlementStatementPage(
            statement.StationCode, statement.Month, statement.Closed, statement.ClosedAt, statement.ClosedBy,
            [.. page.Where(l => l.List == ClaimsList).Select(l => l.Line)],
            [.. page.Where(l => l.List == ChargebacksList).Select(l => l.Line)],
            statement.Totals, next);
    }

    private static (string List, string Id)? Split(string position)
    {
        var colon = position.IndexOf(':', StringComparison.Ordinal);
        var (list, id) = colon < 0 ? ("", "") : (position[..colon], position[(colon + 1)..]);
        return list is ClaimsList or ChargebacksList && id.Length > 0 ? (list, id) : null;
    }
}

/// <summary>A decision's or an answer's note.</summary>
public sealed record ClaimNoteRequest(string? Note);

/// <summary>Cost (CNY) and claims of one group: a model, a component or a supplier.</summary>
public sealed record CostBy(string Name, long Claims, decimal Total);

/// <summary>A supplier's parts cost under warranty and what is recovered from it (parts judged defective).</summary>
public sealed record SupplierCost(string Supplier, decimal Parts, decimal Recovery);

/// <summary>GET /api/reports/warranty-cost/{yyyy-MM}: largest cost first, ties by name. Amounts in CNY.</summary>
public sealed record WarrantyCostReport(
    string Month, long Claims, decimal Labour, decimal Parts, decimal Total, decimal SupplierRecovery,
    IReadOnlyList<CostBy> ByModel, IReadOnlyList<CostBy> ByComponent, IReadOnlyList<SupplierCost> BySupplier)
{
    /// <summary>The report from the month's roll-up counters (amounts in fen, see the claim grain's cost counters).</summary>
    public static WarrantyCostReport From(string month, IReadOnlyDictionary<string, long> counters)
    {
        static decimal Cny(long fen) => fen / 100m;
        long Get(string name) => counters.GetValueOrDefault(name);
        List<CostBy> Grouped(string prefix) =>
        [
            .. counters.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(":total", StringComparison.Ordinal))
                .Select(k => k[prefix.Length..^":total".Length])
                .Select(name => new CostBy(name, Get(prefix + name + ":claims"), Cny(Get(prefix + name + ":total"))))
                .OrderByDescending(c => c.Total).ThenBy(c => c.Name, StringComparer.Ordinal),
        ];
        var suppliers = counters.Keys
            .Where(k => k.StartsWith("supplier:", StringComparison.Ordinal) && k.EndsWith(":parts", StringComparison.Ordinal))
            .Select(k => k["supplier:".Length..^":parts".Length])
            .Select(name => new SupplierCost(name, Cny(Get("supplier:" + name + ":parts")), Cny(Get("supplier:" + name + ":recovery"))))
            .OrderByDescending(s => s.Parts).ThenBy(s => s.Supplier, StringComparer.Ordinal)
            .ToList();
        return new WarrantyCostReport(month, Get("claims"), Cny(Get("labour")), Cny(Get("parts")), Cny(Get("total")), Cny(Get("recovery")),
            Grouped("model:"), Grouped("component:"), suppliers);
    }
}
