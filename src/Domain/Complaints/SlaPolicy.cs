namespace AfterSales.Domain.Complaints;

/// <summary>
/// Service-level policy of complaints; defaults from seed 003 §服务文化 4: respond within 30 minutes of the report;
/// inside a 100 km service radius on site within 4 hours; beyond it, or when a supplier must help, a reply with an
/// agreed time within 2 hours. All clocks run from the report.
/// </summary>
public sealed record SlaPolicy
{
    public TimeSpan RespondWithin { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan OnSiteWithin { get; init; } = TimeSpan.FromHours(4);

    public TimeSpan ReplyWithin { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Distance up to which (inclusive) the station is expected on site.</summary>
    public double ServiceRadiusKm { get; init; } = 100;

    /// <summary>Problems, each naming its setting; empty when the policy is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { (nameof(RespondWithin), RespondWithin), (nameof(OnSiteWithin), OnSiteWithin), (nameof(ReplyWithin), ReplyWithin) })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(30))
            {
                problems.Add($"{name} must be above zero and at most 30 days; it is {value}.");
            }
        }

        if (!double.IsFinite(ServiceRadiusKm) || ServiceRadiusKm <= 0 || ServiceRadiusKm > 2000)
        {
            problems.Add($"{nameof(ServiceRadiusKm)} must be above 0 and at most 2000; it is {ServiceRadiusKm}.");
        }

        return problems;
    }
}
