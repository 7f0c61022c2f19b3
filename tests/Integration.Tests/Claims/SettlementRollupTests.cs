using System.Net;
using System.Text.Json;
using AfterSales.Integration.Tests.Infrastructure;
using static AfterSales.Integration.Tests.Stations.Api;

namespace AfterSales.Integration.Tests.Claims;

/// <summary>
/// Settlement statements and the warranty-cost report are maintained as claims are decided, never by a scan; this
/// checks them against a brute-force sum over randomly generated claims (parts, quantities, operations, stations,
/// clear or reviewed, approved or rejected), priced here independently from the catalogue's numbers.
/// </summary>
[Collection(ClaimsCollection.Name)]
public sealed class SettlementRollupTests(ClusterFixture fixture)
{
    private const int Claims = 24;

    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task StatementAndCostTotals_EqualABruteForceSumOverGeneratedClaims()
    {
        await ClaimFlowTests.EnsurePricedCatalogueAsync(Http);
        var random = new Random(17);
        var model = "R" + Token();
        var vin = await TestFleet.DeliveredVehicleAsync(Http, new DateOnly(2026, 5, 20), model: model);
        var stations = new[]
        {
            (Code: await StationAsync(Http, "ClaimsPricey", 30.5, 114.3, bays: 50), Rate: 100m),
            (Code: await StationAsync(Http, "ClaimsSum" + Token(), 31.5, 115.3, bays: 50), Rate: 80m),
        };
        var caliper = fixture.Clock.GetUtcNow() >= new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)) ? (Price: 880m, Hours: 1.2m) : (Price: 800m, Hours: 1.5m);
        var lines = new (string Part, decimal Price, string System, string Operation, decimal Hours)[]
        {
            ("BRK-CAL-FL", caliper.Price, "brakes", "BRK-CAL-R", caliper.Hours),
            ("BRK-PAD-F", 120.50m, "brakes", "BRK-CAL-R", caliper.Hours),
            ("EL-HARNESS", 650m, "electrical", "EL-DIAG", 0.5m),
        };
        var expected = stations.ToDictionary(s => s.Code, _ => (Claims: 0, Labour: 0m, Parts: 0m));
        var approvedTotal = 0m;
        var approvedCount = 0;
        var km = 1_000;

        for (var i = 0; i < Claims; i++)
        {
            var station = stations[random.Next(stations.Length)];
            var line = lines[random.Next(lines.Length)];
            var quantity = random.Next(1, 4);
            var unclear = random.Next(10) < 4;
            km += 10;
            // A fault code of its own, so no repair is a comeback of another (chargebacks have their own test).
            var order = await OpenAsync(Http, station.Code, vin, km, fault: $"F{i}", system: line.System);
            await MoveAsync(Http, station.Code, order, "start");
            var appraisal = JsonSerializer.Serialize(new
            {
                warranty = true, cause = "defect", parts = new[] { new { partNo = line.Part, quantity } },
                operations = new[] { new { code = line.Operation, quantity = 1 } }, seriousSafety = false, unclear, appraiser = "Wang",
            });
            var claim = (await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/stations/{station.Code}/work-orders/{order}/appraisal", appraisal))).GetProperty("claim");
            var approved = true;
            if (unclear)
            {
                approved = random.Next(10) < 6;
                var action = approved ? "approve" : "reject";
                await ExpectAsync(HttpStatusCode.OK, PostAsync(Http, $"/api/claims/{claim.GetProperty("id").GetString()}/{action}", """{"note":"generated"}"""));
            }

            if (!approved)
            {
                continue;
            }

            // Brute force: each line rounded to the fen, half away from zero.
            var labour = decimal.Round(line.Hours * station.Rate, 2, MidpointRounding.AwayFromZero);
            var parts = line.Price * quantity;
            var sums = expected[station.Code];
            expected[station.Code] = (sums.Claims + 1, sums.Labour + labour, sums.Parts + parts);
            approvedTotal += labour + parts;
            approvedCount++;
        }

        var month = ClaimFlowTests.BeijingMonth(fixture.Clock.GetUtcNow());
        foreach (var (code, sums) in expected)
        {
            var statement = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/stations/{code}/settlements/{month}"));
            var totals = statement.GetProperty("totals");
            var amount = totals.GetProperty("claimsAmount");
            Assert.Equal(
                (sums.Claims, sums.Labour, sums.Parts, sums.Labour + sums.Parts, sums.Labour + sums.Parts),
                (totals.GetProperty("claims").GetInt32(), amount.GetProperty("labour").GetDecimal(), amount.GetProperty("parts").GetDecimal(),
                    amount.GetProperty("total").GetDecimal(), totals.GetProperty("payable").GetDecimal()));
            Assert.Equal(sums.Claims, statement.GetProperty("claims").GetArrayLength());
            Assert.Equal(sums.Labour + sums.Parts, statement.GetProperty("claims").EnumerateArray().Sum(l => l.GetProperty("amount").GetProperty("total").GetDecimal()));
        }

        var cost = await ExpectAsync(HttpStatusCode.OK, GetAsync(Http, $"/api/reports/warranty-cost/{month}"));
        var byModel = cost.GetProperty("byModel").EnumerateArray().Single(m => m.GetProperty("name").GetString() == model);
        Assert.Equal((approvedCount, approvedTotal), (byModel.GetProperty("claims").GetInt32(), byModel.GetProperty("total").GetDecimal()));
    }
}
