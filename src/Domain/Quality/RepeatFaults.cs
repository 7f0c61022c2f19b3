namespace AfterSales.Domain.Quality;

/// <summary>One completed repair of a fault on a vehicle of a batch.</summary>
public sealed record FaultOccurrence(string VisitId, string Vin, string FaultCode, DateOnly Date);

/// <summary>A repeat-fault signal: the same fault on at least the policy's number of vehicles of one batch within the window.</summary>
public sealed record RepeatFaultSignal(string FaultCode, int Vehicles, DateOnly From, DateOnly To);

/// <summary>
/// Early defect detection (召回条例 Art. 12): the same fault code repaired on several vehicles of one production
/// batch within a short window points at the batch, not at the vehicles.
/// </summary>
public static class RepeatFaults
{
    /// <summary>
    /// The signal for <paramref name="faultCode"/> as of its latest occurrence on or before <paramref name="upTo"/>
    /// (any date when null): distinct vehicles repaired for it in the <paramref name="windowDays"/> days ending that
    /// day (both ends counted), or null below the threshold. A month's signal is taken up to the month's last day,
    /// so repairs of later months never change it, whatever order the repairs are recorded in.
    /// </summary>
    public static RepeatFaultSignal? SignalFor(
        IEnumerable<FaultOccurrence> occurrences, string faultCode, int windowDays, int minimumVehicles, DateOnly? upTo = null)
    {
        var ofFault = occurrences.Where(o => o.FaultCode == faultCode && (upTo is null || o.Date <= upTo)).ToList();
        if (ofFault.Count == 0)
        {
            return null;
        }

        var latest = ofFault.Max(o => o.Date);
        var from = latest.AddDays(-(windowDays - 1));
        var inWindow = ofFault.Where(o => o.Date >= from).ToList();
        var vehicles = inWindow.Select(o => o.Vin).Distinct(StringComparer.Ordinal).Count();
        return vehicles >= minimumVehicles ? new RepeatFaultSignal(faultCode, vehicles, inWindow.Min(o => o.Date), latest) : null;
    }

    /// <summary>Occurrences still able to count toward a signal after <paramref name="newest"/>: the rest can be forgotten.</summary>
    public static bool StillRelevant(FaultOccurrence occurrence, DateOnly newest, int windowDays) =>
        occurrence.Date >= newest.AddDays(-(windowDays - 1));
}
