using System.Net;
using System.Net.Http.Json;

namespace AfterSales.Integration.Tests.Infrastructure;

/// <summary>
/// The parts catalogue the tests share (in force from 2000-01-01, so every test vehicle is under it): main parts of the
/// brakes, engine and suspension, a gasket that is no main part, and two wear parts. Loading it is idempotent, so any
/// test that needs it loads it; no test changes it.
/// </summary>
public static class TestCatalogue
{
    public const string EffectiveFrom = "2000-01-01";

    public static readonly object Document = new
    {
        parts = new object[]
        {
            new { partNo = "BRK-CAL-FL", name = "Front-left brake caliper", system = "brakes" },
            new { partNo = "BRK-PAD-F", name = "Front brake pads", system = "brakes" },
            new { partNo = "ENG-CRANK", name = "Crankshaft", system = "engine" },
            new { partNo = "ENG-HEAD", name = "Cylinder head", system = "engine" },
            new { partNo = "ENG-GASKET-VC", name = "Valve-cover gasket", system = "engine" },
            new { partNo = "GBX-ASSY", name = "Gearbox assembly", system = "gearbox" },
            new { partNo = "SUS-ARM-L", name = "Lower control arm, left", system = "suspension" },
            new { partNo = "WIPER-F", name = "Front wiper blade", system = "body" },
            new { partNo = "EL-HARNESS", name = "Wiring harness", system = "electrical" },
        },
        mainParts = new Dictionary<string, string[]>
        {
            ["brakes"] = ["BRK-CAL-FL"],
            ["engine"] = ["ENG-CRANK", "ENG-HEAD"],
            ["suspension"] = ["SUS-ARM-L"],
        },
        wearParts = new object[]
        {
            new { partNo = "WIPER-F", months = 6, km = 10_000 },
            new { partNo = "BRK-PAD-F", months = 12, km = 20_000 },
        },
    };

    /// <summary>Loads the catalogue through the API (an operator client); the same document again changes nothing.</summary>
    public static async Task EnsureLoadedAsync(HttpClient operatorClient)
    {
        using var response = await operatorClient.PutAsJsonAsync($"/api/catalogue/versions/{EffectiveFrom}", Document);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"catalogue load: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
