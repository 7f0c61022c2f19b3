using AfterSales.Domain.Parts;

namespace AfterSales.Domain.Tests.Parts;

/// <summary>Urgent orders (急件订单, seed 000 §5.3.5; domain §5): nearest depot that has the part, else transfer, else procurement.</summary>
public sealed class UrgentSourcingTests
{
    private const double Reach = 300;

    [Theory]
    // depots "code:km:available;…", quantity → route, source, home
    [InlineData("A:10:5;B:50:5", 3, SourcingRoute.NearestDepot, "A", "A")] // the nearest with stock
    [InlineData("A:10:2;B:50:5", 3, SourcingRoute.NearestDepot, "B", "A")] // the nearest has too few: the next within reach
    [InlineData("A:10:3;B:50:5", 3, SourcingRoute.NearestDepot, "A", "A")] // exactly the quantity
    [InlineData("A:10:0;B:300:5", 3, SourcingRoute.NearestDepot, "B", "A")] // at the edge of reach
    [InlineData("A:10:0;B:300.001:5", 3, SourcingRoute.Transfer, "B", "A")] // just beyond it: transferred towards the nearest depot
    [InlineData("A:10:1;B:900:2;C:1200:9", 3, SourcingRoute.Transfer, "C", "A")] // not split: the nearest with the whole quantity
    [InlineData("A:400:5", 3, SourcingRoute.NearestDepot, "A", "A")] // beyond reach but the station's nearest depot: nothing to transfer to
    [InlineData("A:10:1;B:900:2", 3, SourcingRoute.Procurement, null, "A")] // nobody has it: procured, back-ordered at the nearest
    [InlineData("", 1, SourcingRoute.Procurement, null, null)] // no depot knows the part
    [InlineData("B:10:5;A:10:5", 5, SourcingRoute.NearestDepot, "A", "A")] // equally near: by code
    public void Decide_TakesTheNearestDepotWithTheWholeQuantity_ElseTransfer_ElseProcurement(
        string depots, int quantity, SourcingRoute route, string? source, string? home)
    {
        var candidates = depots.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(':'))
            .Select(p => new SourcingCandidate(p[0], double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        var decision = UrgentSourcing.Decide(candidates, quantity, Reach);

        Assert.Equal((route, source, home), (decision.Route, decision.Source?.DepotCode, decision.Home?.DepotCode));
    }
}
