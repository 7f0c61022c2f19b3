using AfterSales.Domain.Warranty;

namespace AfterSales.Domain.Repairs;

/// <summary>
/// Repair-quality guarantee (维修质量保证期, seed 002): a vehicle that comes back for the same fault or the same
/// repair item (同一故障或维修项目) inside the guarantee of earlier work is repaired free; if it fails twice inside
/// it, the station that did the work must arrange another station and pay for the repair.
/// </summary>
/// <remarks>
/// The guarantee of a completed visit runs from the date it was completed (day 0, business calendar) for the days
/// and km of its <see cref="WorkGrade"/>, whichever comes first: a later visit is covered when it is agreed on
/// day ≤ Days and its odometer is less than Km above the earlier visit's. Same fault = same
/// <see cref="RepairVisit.FaultCode"/>; same repair item = same <see cref="RepairItemOf"/>; both case-insensitive,
/// and an absent code or item never matches. A cancelled work order did no work and guarantees nothing.
/// </remarks>
public static class Comebacks
{
    /// <summary>
    /// The comeback finding for <paramref name="newVisit"/>, or null when no earlier completed visit
    /// with the same fault still guarantees it. The previous visit reported is the latest one whose
    /// guarantee covers the new visit. <see cref="ComebackFinding.MustTransferToAnotherStation"/> is
    /// set when the fault has already come back once — an earlier visit B was itself inside the
    /// guarantee of an earlier visit A — and the new visit is inside the guarantee of A or of B.
    /// </summary>
    public static ComebackFinding? Find(IReadOnlyList<RepairVisit> archive, RepairVisit newVisit, WarrantyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(newVisit);
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(newVisit.FaultCode) && RepairItemOf(newVisit) is null)
        {
            return null;
        }

        var guarantee = policy.RepairQualityGuarantee;
        var earlier = archive
            .Where(v => v.Id != newVisit.Id && !v.Cancelled && v.CompletedAt is { } done && done <= newVisit.AgreedAt && SameWork(v, newVisit))
            .OrderBy(v => v.CompletedAt)
            .ThenBy(v => v.Id, StringComparer.Ordinal)
            .ToList();

        var previous = earlier.LastOrDefault(v => Covers(policy, v, newVisit));
        if (previous is null)
        {
            return null;
        }

        var repeat = (
            from first in earlier
            from second in earlier
            where second.AgreedAt >= first.CompletedAt && second.Id != first.Id
                && SameWork(first, second)
                && Covers(policy, first, second)
                && (Covers(policy, first, newVisit) || Covers(policy, second, newVisit))
            select (First: first, Second: second)).FirstOrDefault();

        var window = guarantee.For(previous.WorkGrade);
        return new ComebackFinding(
            previous.Id,
            previous.StationCode,
            previous.WorkGrade,
            DaysSince(policy, previous, newVisit),
            newVisit.MileageKm - previous.MileageKm,
            window.Days,
            window.Km,
            repeat.Second is not null,
            repeat.Second?.Id);
    }

    /// <summary>
    /// The repair item of a visit: the one the station named, or for maintenance (首保 included) the maintenance of its
    /// work grade — a secondary maintenance redone is the same item. Null for a repair or recall with no item named.
    /// </summary>
    public static string? RepairItemOf(RepairVisit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        if (!string.IsNullOrWhiteSpace(visit.RepairItem))
        {
            return visit.RepairItem.Trim();
        }

        return visit.Kind is VisitKind.Maintenance or VisitKind.FirstMaintenance
            ? visit.WorkGrade switch
            {
                WorkGrade.Overhaul => "maintenance:overhaul",
                WorkGrade.Secondary => "maintenance:secondary",
                _ => "maintenance:primary",
            }
            : null;
    }

    /// <summary>
    /// True when <paramref name="later"/> is agreed inside the guarantee of <paramref name="earlier"/>:
    /// on day 0..Days after its completion date (business calendar) and less than Km further on the odometer.
    /// </summary>
    public static bool Covers(WarrantyPolicy policy, RepairVisit earlier, RepairVisit later)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        if (earlier.CompletedAt is not { } done || later.AgreedAt < done)
        {
            return false;
        }

        var window = policy.RepairQualityGuarantee.For(earlier.WorkGrade);
        return Boundaries.IsWithinDays(policy.DateOf(done), policy.DateOf(later.AgreedAt), window.Days)
            && Boundaries.IsBelowKm(later.MileageKm - earlier.MileageKm, window.Km);
    }

    private static int DaysSince(WarrantyPolicy policy, RepairVisit previous, RepairVisit newVisit) =>
        Boundaries.ElapsedDays(policy.DateOf(previous.CompletedAt!.Value), policy.DateOf(newVisit.AgreedAt));

    /// <summary>The same fault or the same repair item (同一故障或维修项目).</summary>
    private static bool SameWork(RepairVisit a, RepairVisit b) =>
        (!string.IsNullOrWhiteSpace(a.FaultCode) && string.Equals(a.FaultCode.Trim(), b.FaultCode?.Trim(), StringComparison.OrdinalIgnoreCase))
        || (RepairItemOf(a) is { } item && string.Equals(item, RepairItemOf(b), StringComparison.OrdinalIgnoreCase));
}

/// <summary>A new visit is a comeback of earlier work still under its repair-quality guarantee: the repair is free.</summary>
/// <param name="PreviousVisitId">The latest earlier visit for the same fault whose guarantee covers the new visit.</param>
/// <param name="PreviousStationCode">The station that did that work (and pays for a transfer).</param>
/// <param name="PreviousWorkGrade">Its work grade, which set the guarantee.</param>
/// <param name="DaysSince">Calendar days from its completion date to the new visit's date.</param>
/// <param name="KmSince">Km from its odometer reading to the new visit's.</param>
/// <param name="GuaranteeDays">The guarantee's days for that grade.</param>
/// <param name="GuaranteeKm">The guarantee's km for that grade.</param>
/// <param name="MustTransferToAnotherStation">
/// The same fault has now failed twice inside a guarantee: the station must arrange another
/// station and pay for the repair (seed 002).
/// </param>
/// <param name="EarlierComebackVisitId">The earlier visit that was already a comeback, when the transfer applies.</param>
public sealed record ComebackFinding(
    string PreviousVisitId,
    string PreviousStationCode,
    WorkGrade PreviousWorkGrade,
    int DaysSince,
    int KmSince,
    int GuaranteeDays,
    int GuaranteeKm,
    bool MustTransferToAnotherStation,
    string? EarlierComebackVisitId);
