namespace AfterSales.Domain.Parts;

/// <summary>A depot that knows a part, as seen from the station ordering it.</summary>
public sealed record SourcingCandidate(string DepotCode, double DistanceKm, int Available);

/// <summary>How an urgent order (急件订单, seed 000 §5.3.5) is sourced.</summary>
public enum SourcingRoute
{
    /// <summary>Reserved at the nearest depot that has the whole quantity available and supplies the station (within reach).</summary>
    NearestDepot,

    /// <summary>No depot within reach has it: reserved at the nearest depot that has it, transferred towards the station's nearest depot.</summary>
    Transfer,

    /// <summary>No depot has it: added to the month's procurement list and back-ordered at the station's nearest depot (if any knows the part).</summary>
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
    public static SourcingDecision Decide(IReadOnlyList<SourcingCandidate> depots, int quantity, double reachKm)
    {
        var byDistance = depots.OrderBy(d => d.DistanceKm).ThenBy(d => d.DepotCode, StringComparer.Ordinal).ToList();
        var home = byDistance.FirstOrDefault();
        var stocked = byDistance.FirstOrDefault(d => d.Available >= quantity);
        if (stocked is null)
        {
            return new SourcingDecision(SourcingRoute.Procurement, null, home);
        }

        // Within reach, or the station's nearest depot itself (nothing to transfer to): it ships to the station.
        return stocked.DistanceKm <= reachKm || stocked == home
            ? new SourcingDecision(SourcingRoute.NearestDepot, stocked, home)
            : new SourcingDecision(SourcingRoute.Transfer, stocked, home);
    }
}
