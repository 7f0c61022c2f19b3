namespace AfterSales.Grains.Parts;

/// <summary>Parts policy. Configuration section <c>Policies:Parts</c>.</summary>
public sealed class PartsOptions
{
    /// <summary>A part is short at a depot when its available stock is below its reorder point. Default 5.</summary>
    public int DefaultReorderPoint { get; set; } = 5;

    /// <summary>Reorder points of particular parts, by part number.</summary>
    public Dictionary<string, int> ReorderPoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last day of a month on which stations may submit that month's demand plan (seed 000 §5.5). Default 10.</summary>
    public int PlanDeadlineDay { get; set; } = 10;

    /// <summary>How long a depot or a month's parts plan remembers an idempotency key (every key, as a row in grain_rows). Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far a depot supplies stations directly; an urgent order beyond it is a transfer (issue 21). Default 300 km.</summary>
    public double UrgentReachKm { get; set; } = 300;

    public int ReorderPointOf(string partNo) => ReorderPoints.TryGetValue(partNo, out var point) ? point : DefaultReorderPoint;
}
