using AfterSales.Domain.Complaints;

namespace AfterSales.Grains.Complaints;

/// <summary>Complaint policy. Configuration section <c>Policies:Complaints</c>.</summary>
public sealed class ComplaintOptions
{
    /// <summary>The SLA clocks (<c>Policies:Complaints:Sla:RespondWithin</c> …); defaults 30 min / 4 h on site within 100 km / 2 h reply.</summary>
    public SlaPolicy Sla { get; set; } = new();

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

}
