using System.Net;
using System.Text.Json;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Recalls;

/// <summary>Recall work orders through the API, as a station does them.</summary>
internal static class RecallWork
{
    public static string Order(string vin, string campaign) => JsonSerializer.Serialize(new
    {
        vin, odometerKm = 1_000, kind = "recall", faultCode = "RCL-1", system = "brakes", description = "recall remedy", recallCampaignId = campaign,
    });

    /// <summary>Opens, starts and completes a recall work order at <paramref name="station"/>.</summary>
    public static async Task CompleteAsync(HttpClient http, string station, string vin, string campaign)
    {
        var order = await ExpectAsync(HttpStatusCode.Created, PostAsync(http, $"/api/stations/{station}/work-orders", Order(vin, campaign)));
        var id = order.GetProperty("id").GetString()!;
        await MoveAsync(http, station, id, "start");
        await MoveAsync(http, station, id, "complete");
    }
}
