using AfterSales.Api.Hosting;
using System.Globalization;
using AfterSales.Api.Http;
using AfterSales.Api.Security;
using AfterSales.Interfaces.Common;
using AfterSales.Interfaces.Privacy;

namespace AfterSales.Api.Apis;

/// <summary>The log of full reads of personal data, for operators (who read whose data, when, through which route).</summary>
public static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/personal-data-reads", QueryAsync).RequireAuthorization(Policies.Operate).WithTags("Privacy").WithName("GetPersonalDataReads")
            .WithSummary("Full reads of owners' and customers' personal data, newest first: filter by vin, complaint or actor (e.g. station:GD001); limit 1–500 (default 100), cursor from nextCursor.")
            .Produces<PersonalDataReadPage>()
            .WithQuery(
                new QueryDoc("vin", QueryType.Text, "Only reads of this vehicle's owners (not with complaint).", Example: "LSVAU2A37N2000001"),
                new QueryDoc("complaint", QueryType.Text, "Only reads of this complaint's customer (not with vin)."),
                new QueryDoc("actor", QueryType.Text, "Only reads by this actor, as histories name it.", Example: "station:GD001"),
                QueryDoc.Limit(500, 100),
                new QueryDoc("cursor", QueryType.Integer, "The previous page's `nextCursor`; leave it out for the first page.", Minimum: 1));
        return app;
    }

    private static async Task<IResult> QueryAsync(string? vin, string? complaint, string? actor, string? limit, string? cursor, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        if (vin is not null && complaint is not null)
        {
            errors.Add("complaint", "Ask for a vin or a complaint, not both.");
        }

        var size = Paging.Limit(limit, errors, @default: 100);

        long? before = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                before = id;
            }
            else
            {
                errors.Add("cursor", "cursor must be the nextCursor of a previous page.");
            }
        }

        foreach (var (field, value) in new[] { ("vin", vin), ("complaint", complaint), ("actor", actor) })
        {
            if (value is { Length: 0 or > 120 })
            {
                errors.Add(field, $"{field} must be 1–120 characters.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        PersonalDataSubject? subject = vin is not null ? PersonalDataSubject.Vehicle : complaint is not null ? PersonalDataSubject.Complaint : null;
        var subjectId = vin?.Trim().ToUpperInvariant() ?? complaint?.Trim().ToUpperInvariant();
        return (await cluster.Grain<IPersonalDataLogGrain>(0).QueryAsync(new PersonalDataQuery(subject, subjectId, actor?.Trim(), before, size))).ToHttp();
    }
}
