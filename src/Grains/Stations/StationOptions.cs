namespace AfterSales.Grains.Stations;

/// <summary>Station policy. Configuration section <c>Policies:Stations</c>.</summary>
public sealed class StationOptions
{
    /// <summary>How long an idempotency key is remembered per station. Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most service bays a station may register. Default 500.</summary>
    public int MaxBays { get; set; } = 500;
}
