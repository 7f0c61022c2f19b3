using System.Collections.Immutable;

namespace AfterSales.Domain.Complaints;

/// <summary>
/// The clocks of one service-level scheme. The network default (<see cref="SlaSchemes.Network"/>) is seed 003
/// §服务文化 4 — respond within 30 minutes of the report; inside a 100 km service radius on site within 4 hours; beyond
/// it, or when a supplier must help, a reply with an agreed time within 2 hours — plus seed 004's "solve within 24
/// hours". A clock left null is not part of the scheme. All clocks run from the report; the agreed-time clock runs
/// from a reply to the time it agreed.
/// </summary>
public sealed record SlaPolicy
{
    public TimeSpan RespondWithin { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>On site, when the station is inside the service radius and no supplier is needed.</summary>
    public TimeSpan? OnSiteWithin { get; init; } = TimeSpan.FromHours(4);

    /// <summary>A reply with an agreed time, beyond the service radius (or with no station assigned yet) or when a supplier must help.</summary>
    public TimeSpan? ReplyWithin { get; init; } = TimeSpan.FromHours(2);

    /// <summary>On site even beyond the service radius (seed 001 §5.3.3: other provinces within 4 days); null when the scheme asks only a reply there.</summary>
    public TimeSpan? OnSiteBeyondRadiusWithin { get; init; }

    /// <summary>Solved (the card resolved) within this time of the report (seed 004: 24 h); applies to both kinds of card.</summary>
    public TimeSpan? ResolveWithin { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Distance up to which (inclusive) the station is expected on site.</summary>
    public double ServiceRadiusKm { get; init; } = 100;

    /// <summary>Problems, each naming its setting; empty when the policy is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new (string, TimeSpan?)[]
        {
            (nameof(RespondWithin), RespondWithin), (nameof(OnSiteWithin), OnSiteWithin), (nameof(ReplyWithin), ReplyWithin),
            (nameof(OnSiteBeyondRadiusWithin), OnSiteBeyondRadiusWithin), (nameof(ResolveWithin), ResolveWithin),
        })
        {
            if (value is { } v && (v <= TimeSpan.Zero || v > TimeSpan.FromDays(30)))
            {
                problems.Add($"{name} must be above zero and at most 30 days; it is {v}.");
            }
        }

        if (!double.IsFinite(ServiceRadiusKm) || ServiceRadiusKm <= 0 || ServiceRadiusKm > 2000)
        {
            problems.Add($"{nameof(ServiceRadiusKm)} must be above 0 and at most 2000; it is {ServiceRadiusKm}.");
        }

        return problems;
    }
}

/// <summary>
/// Each service-level scheme of the seeds as a named policy. A scheme holds the clocks its text names; every scheme
/// keeps a respond clock (the card always answers <c>respondBy</c>), which is the network's 30 minutes where the text
/// names no figure ("及时").
/// </summary>
public static class SlaSchemes
{
    /// <summary>Seed 003 §服务文化 4 (30 min / 4 h on site within 100 km / 2 h reply beyond) and seed 004 §二.1 (solved within 24 h).</summary>
    public const string Network = "network";

    public static readonly ImmutableSortedDictionary<string, SlaPolicy> BuiltIn = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
        new KeyValuePair<string, SlaPolicy>[]
        {
            new(Network, new SlaPolicy()),

            // Seed 003 §服务文化 4 alone: 30 minutes; on site within 4 h inside 100 km; beyond it or with a supplier a reply within 2 h.
            new("seed003", new SlaPolicy { ResolveWithin = null }),

            // Seed 002, 售后服务的标准及要求 §4: answer within 24 h; on site at the time the customer set (the agreed-time clock of a reply).
            new("seed002-standards", new SlaPolicy { RespondWithin = TimeSpan.FromHours(24), OnSiteWithin = null, ReplyWithin = null, ResolveWithin = null }),

            // Seed 002, 客户服务控制程序 §4.2.1–4.2.2: reply within 8 h; what the phone cannot solve, on site within 8 h (at any distance).
            new("seed002-control", new SlaPolicy
            {
                RespondWithin = TimeSpan.FromHours(8), OnSiteWithin = TimeSpan.FromHours(8), OnSiteBeyondRadiusWithin = TimeSpan.FromHours(8),
                ReplyWithin = null, ResolveWithin = null,
            }),

            // Seed 004, 客户服务标准 1: reply in time and solve within 24 h.
            new("seed004", new SlaPolicy { OnSiteWithin = null, ReplyWithin = null, ResolveWithin = TimeSpan.FromHours(24) }),

            // Seed 004, 服务和顾客反馈控制程序: on-site service finished within 3 days of the report.
            new("seed004-field", new SlaPolicy { OnSiteWithin = null, ReplyWithin = null, ResolveWithin = TimeSpan.FromDays(3) }),

            // Seed 001 §5.3.3: on site within 2 days in the same city, 4 days in other provinces. The intake carries coordinates,
            // not an address, so "the same city" is read as inside the service radius.
            new("seed001", new SlaPolicy
            {
                OnSiteWithin = TimeSpan.FromDays(2), OnSiteBeyondRadiusWithin = TimeSpan.FromDays(4), ReplyWithin = null, ResolveWithin = null,
            }),
        });
}
