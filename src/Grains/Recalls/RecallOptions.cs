namespace AfterSales.Grains.Recalls;

/// <summary>Recall policy. Configuration section <c>Policies:Recalls</c>.</summary>
public sealed class RecallOptions
{
    /// <summary>
    /// How long a campaign stays at 100 % before it closes itself. The fleet index counts a vehicle registered a
    /// moment ago once its entry arrives (from the vehicle's outbox: at once, or after a retry or a sweep when a
    /// write failed), so a campaign that is complete on the vehicles it counts may not be complete yet; an entry that
    /// arrives in this time raises the affected count and keeps the campaign open. Zero closes at once.
    /// </summary>
    public TimeSpan CloseWhenCompleteAfter { get; set; } = TimeSpan.FromMinutes(10);
}
