using AfterSales.Interfaces.Common;

namespace AfterSales.Interfaces.Claims;

/// <summary>One warranty claim (质量保修 claim), keyed by its id <c>{workOrderId}-C{n}</c>; filed by the station.</summary>
[Alias("AfterSales.IClaimGrain")]
public interface IClaimGrain : IGrainWithStringKey
{
    /// <summary>Stores the adjudicated claim; filing the same claim again (a retry) changes nothing.</summary>
    [Alias("File")]
    Task<Outcome<ClaimView>> FileAsync(ClaimFiling filing);

    /// <summary>Settles an approved claim when its work order is settled.</summary>
    [Alias("Settle")]
    Task<Outcome<ClaimView>> SettleAsync(DateTimeOffset settledAt);

    /// <summary>State and reasons.</summary>
    [Alias("Get")]
    Task<Outcome<ClaimView>> GetAsync();
}
