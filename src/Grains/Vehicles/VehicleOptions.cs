using AfterSales.Domain.Warranty;

namespace AfterSales.Grains.Vehicles;

/// <summary>Vehicle policy: the warranty policy plus how the grain keeps time and idempotency keys.</summary>
public sealed class VehicleOptions
{
    /// <summary>Coverage periods, 三包 thresholds and comeback periods. Configuration section <c>Policies:Warranty</c>.</summary>
    public WarrantyPolicy Warranty { get; set; } = new();

    /// <summary>
    /// Offset of the business calendar from UTC ("today", and the date of every instant the rules count). Default
    /// +08:00 (China). The warranty policy's own offset: setting one sets the other.
    /// </summary>
    public TimeSpan BusinessUtcOffset
    {
        get => Warranty.BusinessUtcOffset;
        set => Warranty = Warranty with { BusinessUtcOffset = value };
    }

    /// <summary>
    /// The most km a vehicle is taken to drive per day between two readings (at least one day is allowed for any
    /// reading): a reading further ahead is refused as implausible, since no reading can ever be taken back except by an
    /// operator's correction. Default 2,000.
    /// </summary>
    public int MaxKmPerDay { get; set; } = 2_000;

    /// <summary>How long an idempotency key is remembered per vehicle. Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most recent odometer readings kept besides the ones that first reached a policy limit. Default 4.</summary>
    public int RecentReadingsKept { get; set; } = 4;
}
