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

    /// <summary>
    /// Issue 21 item 5 (seed 000 §5.3.5 急件): with the depot directory the station's nearest depot is known whatever it
    /// stocks — the transfer's destination and the back-order depot even of a part no depot knows; a depot no nearer
    /// than the source is no transfer destination (the source ships to the station).
    /// </summary>
    [Theory]
    // depots that know the part "code:km:available;…", the directory's nearest "code:km", quantity → route, source, home
    [InlineData("", "H:12", 2, SourcingRoute.Procurement, null, "H")] // nobody knows it: back-ordered at the nearest registered depot
    [InlineData("B:900:1", "H:12", 2, SourcingRoute.Procurement, null, "H")] // the nearest registered one, not the nearest knowing one
    [InlineData("B:900:5", "H:12", 2, SourcingRoute.Transfer, "B", "H")] // beyond reach: transferred to the nearest registered depot
    [InlineData("H:12:1;B:900:5", "H:12", 2, SourcingRoute.Transfer, "B", "H")] // the home depot knows it but has too few
    [InlineData("B:300:5", "H:12", 2, SourcingRoute.NearestDepot, "B", "H")] // within reach (the edge): shipped to the station
    [InlineData("B:300.001:5", "H:12", 2, SourcingRoute.Transfer, "B", "H")] // just beyond it
    [InlineData("H:12:2;B:900:5", "H:12", 2, SourcingRoute.NearestDepot, "H", "H")] // the home depot has it
    [InlineData("B:900:5", "H:900", 2, SourcingRoute.NearestDepot, "B", "H")] // the home depot is no nearer: no transfer
    [InlineData("B:900:5", "H:901", 2, SourcingRoute.NearestDepot, "B", "H")] // farther than the source (its province's depot): no transfer
    [InlineData("B:900:5", "H:899.999", 2, SourcingRoute.Transfer, "B", "H")] // nearer than the source: transfer
    public void Decide_WithTheDirectorysNearestDepot_TransfersAndBackOrdersThere(
        string depots, string nearest, int quantity, SourcingRoute route, string? source, string? home)
    {
        var candidates = depots.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d.Split(':'))
            .Select(p => new SourcingCandidate(p[0], double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var n = nearest.Split(':');

        var decision = UrgentSourcing.Decide(candidates, quantity, Reach, new SourcingCandidate(n[0], double.Parse(n[1], System.Globalization.CultureInfo.InvariantCulture), 0));

        Assert.Equal((route, source, home), (decision.Route, decision.Source?.DepotCode, decision.Home?.DepotCode));
    }
}
