namespace AfterSales.Domain.Parts;

/// <summary>A depot that knows a part, as seen from the station ordering it.</summary>
public sealed record SourcingCandidate(string DepotCode, double DistanceKm, int Available);

/// <summary>How an urgent order (急件订单, seed 000 §5.3.5) is sourced.</summary>
public enum SourcingRoute
{
    /// <summary>Reserved at the nearest depot that has the whole quantity available and supplies the station (within reach).</summary>
    NearestDepot,

    /// <summary>
    /// No depot within reach has it: reserved at the nearest depot that has it as an inter-depot transfer to the
    /// station's nearest depot, which receives it and serves the work order from its own stock.
    /// </summary>
    Transfer,

    /// <summary>No depot has it: added to the month's procurement list and back-ordered at the station's nearest depot (whether or not it knows the part).</summary>
    Procurement,
}

/// <summary>The route, the depot the parts come from (none for procurement) and the station's nearest depot (transfer destination, back-order depot).</summary>
public sealed record SourcingDecision(SourcingRoute Route, SourcingCandidate? Source, SourcingCandidate? Home);

/// <summary>
/// Urgent sourcing (domain §5: "sourced from the nearest depot that has the part, else transferred or procured"). Pure.
/// A depot supplies stations within its reach (policy); an order is not split across depots: a depot that has less
/// than the whole quantity is passed over.
/// </summary>
public static class UrgentSourcing
{
    /// <param name="depots">The depots that know the part (the part's availability index), with their distance from the station.</param>
    /// <param name="quantity">The whole quantity ordered.</param>
    /// <param name="reachKm">How far a depot supplies stations directly (policy).</param>
    /// <param name="nearest">
    /// The station's nearest registered depot whatever it stocks (the depot directory), or null when the directory has
    /// none: then the nearest depot that knows the part stands for it.
    /// </param>
    public static SourcingDecision Decide(IReadOnlyList<SourcingCandidate> depots, int quantity, double reachKm, SourcingCandidate? nearest = null)
    {
        var byDistance = depots.OrderBy(d => d.DistanceKm).ThenBy(d => d.DepotCode, StringComparer.Ordinal).ToList();
        var home = nearest is null
            ? byDistance.FirstOrDefault()
            : byDistance.FirstOrDefault(d => d.DepotCode == nearest.DepotCode) ?? nearest with { Available = 0 };
        var stocked = byDistance.FirstOrDefault(d => d.Available >= quantity);
        if (stocked is null)
        {
            return new SourcingDecision(SourcingRoute.Procurement, null, home);
        }

        // Within reach, the station's nearest depot itself (nothing to transfer to), or no nearer than it (a transfer
        // would carry the parts away from the station): it ships to the station.
        return stocked.DistanceKm <= reachKm || home is null || stocked.DepotCode == home.DepotCode || stocked.DistanceKm <= home.DistanceKm
            ? new SourcingDecision(SourcingRoute.NearestDepot, stocked, home)
            : new SourcingDecision(SourcingRoute.Transfer, stocked, home);
    }
}
