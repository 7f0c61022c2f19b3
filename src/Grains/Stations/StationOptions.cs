namespace AfterSales.Grains.Stations;

/// <summary>Station policy. Configuration section <c>Policies:Stations</c>.</summary>
public sealed class StationOptions
{
    /// <summary>How long an idempotency key is remembered per station. Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most service bays a station may register. Default 500.</summary>
    public int MaxBays { get; set; } = 500;

    /// <summary>
    /// A warranty claim whose total is above this (CNY) waits for the warranty department's review instead of being
    /// decided by rules at once (domain §3: a cost above a policy limit). Default 5,000.
    /// </summary>
    public decimal ClaimReviewAbove { get; set; } = 5_000m;
}
