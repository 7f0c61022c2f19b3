namespace AfterSales.Domain.Warranty;

/// <summary>Art. 27: on a refund the owner pays a reasonable usage compensation.</summary>
public static class UsageCompensation
{
    /// <summary>
    /// price × km ÷ 1000 × n, rounded to 2 decimals (midpoints away from zero).
    /// </summary>
    /// <param name="price">Vehicle price, ≥ 0.</param>
    /// <param name="kmDriven">Km driven since the coverage start, ≥ 0.</param>
    /// <param name="rate">The usage-compensation rate n, 0 &lt; n ≤ 0.005 (Art. 27).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative price or distance, or a rate outside (0, 0.005].</exception>
    public static decimal Compute(decimal price, int kmDriven, decimal rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(price);
        ArgumentOutOfRangeException.ThrowIfNegative(kmDriven);
        if (rate is <= 0m or > WarrantyPolicy.MaxUsageCompensationRate)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"The usage-compensation rate must be above 0 and at most {WarrantyPolicy.MaxUsageCompensationRate} (Art. 27).");
        }

        return Math.Round(price * kmDriven / 1000m * rate, 2, MidpointRounding.AwayFromZero);
    }
}
