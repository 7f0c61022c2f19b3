namespace AfterSales.Grains.Quality;

/// <summary>Quality-report policy. Configuration section <c>Policies:Quality</c>.</summary>
public sealed class QualityOptions
{
    /// <summary>Distinct vehicles of one batch with the same fault that make a repeat-fault signal. Default 3.</summary>
    public int RepeatFaultVehicles { get; set; } = 3;

    /// <summary>The window those repairs must fall in, days (both ends counted). Default 90.</summary>
    public int RepeatFaultWindowDays { get; set; } = 90;
}
