using AfterSales.Interfaces.Network;

namespace AfterSales.ApiHost.Apis;

public static class NetworkApi
{
    public static RouteGroupBuilder MapNetworkApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/network").WithTags("Network");
        group.MapGet("/summary", async (IClusterClient cluster) => TypedResults.Ok(await cluster.GetGrain<INetworkGrain>("national").GetSummaryAsync()))
            .WithName("GetNetworkSummary").WithSummary("National roll-up: stations, bays, open work orders, utilisation, per province.")
            .Produces<RollupView>();
        group.MapGet("/provinces/{province}", GetProvinceAsync).WithName("GetProvinceSummary")
            .WithSummary("A province's roll-up: stations, bays, open work orders, utilisation.").Produces<RollupView>();
        return group;
    }

    private static async Task<IResult> GetProvinceAsync(string province, IClusterClient cluster)
    {
        var name = province.Trim();
        if (name.Length is 0 or > 40 || name.Any(char.IsControl))
        {
            return Http.OutcomeResults.Invalid(new() { ["province"] = ["province must be 1–40 characters."] });
        }

        var totals = await cluster.GetGrain<IStationGroupGrain>("province:" + name).GetTotalsAsync();
        return totals.Totals.Stations == 0
            ? TypedResults.Problem($"No stations are registered in province {name}.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.Ok(RollupView.Of(name, totals.Totals, null));
    }
}
