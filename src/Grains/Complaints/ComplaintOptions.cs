using AfterSales.Domain.Complaints;

namespace AfterSales.Grains.Complaints;

/// <summary>Complaint policy. Configuration section <c>Policies:Complaints</c>.</summary>
public sealed class ComplaintOptions
{
    /// <summary>
    /// The network's own SLA policy, named <c>network</c> (<c>Policies:Complaints:Sla:RespondWithin</c> …); defaults 30 min /
    /// 4 h on site within 100 km / 2 h reply beyond / resolved within 24 h.
    /// </summary>
    public SlaPolicy Sla { get; set; } = new();

    /// <summary>
    /// Further named SLA policies (<c>Policies:Complaints:SlaPolicies:{name}:…</c>); a name here replaces a built-in scheme
    /// of the same name (<see cref="SlaSchemes.BuiltIn"/>: seed003, seed002-standards, seed002-control, seed004, seed004-field, seed001).
    /// </summary>
    public Dictionary<string, SlaPolicy> SlaPolicies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The policy a service request runs under unless its intake names one. Default <c>network</c>.</summary>
    public string ServiceRequestPolicy { get; set; } = SlaSchemes.Network;

    /// <summary>The policy a complaint about a station or product runs under unless its intake names one. Default <c>network</c>.</summary>
    public string ComplaintPolicy { get; set; } = SlaSchemes.Network;

    /// <summary>Widest search for the nearest authorised station; the search starts at the service radius and doubles. Default 500 km.</summary>
    public double MaxSearchRadiusKm { get; set; } = 500;

    /// <summary>
    /// Period of the durable reminder kept while a clock runs. It only brings the card back after a restart or a move
    /// (the exact breach instant comes from a business-time timer), so a breach missed while no silo held the card is
    /// recorded at most this late. Default 1 minute (Orleans' minimum reminder period).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idempotency key is remembered per complaint. Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The policy named <paramref name="name"/>, or null when there is none.</summary>
    public SlaPolicy? Policy(string name) =>
        name == SlaSchemes.Network ? Sla
        : SlaPolicies.TryGetValue(name, out var configured) ? configured
        : SlaSchemes.BuiltIn.GetValueOrDefault(name);

    /// <summary>Every policy name, sorted.</summary>
    public IReadOnlyList<string> PolicyNames =>
        [.. SlaSchemes.BuiltIn.Keys.Concat(SlaPolicies.Keys).Append(SlaSchemes.Network).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Problems with the policies, each naming its setting; empty when usable.</summary>
    public IReadOnlyList<string> ValidatePolicies()
    {
        var problems = new List<string>();
        foreach (var name in PolicyNames)
        {
            problems.AddRange(Policy(name)!.Validate().Select(p => $"Sla policy {name}: {p}"));
        }

        foreach (var (setting, name) in new[] { (nameof(ServiceRequestPolicy), ServiceRequestPolicy), (nameof(ComplaintPolicy), ComplaintPolicy) })
        {
            if (Policy(name) is null)
            {
                problems.Add($"{setting} names no policy: '{name}'. Known: {string.Join(", ", PolicyNames)}.");
            }
        }

        if (MaxSearchRadiusKm < Sla.ServiceRadiusKm || MaxSearchRadiusKm > 500)
        {
            problems.Add("MaxSearchRadiusKm must be at least Sla:ServiceRadiusKm and at most 500.");
        }

        return problems;
    }
}
