using AfterSales.Interfaces.Common;
using Orleans.CodeGeneration;

namespace AfterSales.Interfaces.Claims;

/// <summary>One warranty claim (质量保修 claim), keyed by its id <c>{workOrderId}-C{n}</c>; filed by the station.</summary>
[Alias("AfterSales.IClaimGrain")]
[Version(1)]
public interface IClaimGrain : IGrainWithStringKey
{
    /// <summary>Stores the claim as filed; filing the same claim again (a retry) changes nothing.</summary>
    [Alias("File")]
    Task<Outcome<ClaimView>> FileAsync(ClaimFiling filing);

    /// <summary>
    /// The warranty department approves, rejects or asks for information, or the station answers a request for
    /// information; the wrong state is a conflict naming the actions allowed. A retry with the same key answers as
    /// the first time.
    /// </summary>
    [Alias("Decide")]
    Task<Outcome<ClaimView>> DecideAsync(ClaimAction action, string actor, string? note, string? idempotencyKey);

    /// <summary>Settles an approved claim when its work order is settled.</summary>
    [Alias("Settle")]
    Task<Outcome<ClaimView>> SettleAsync(DateTimeOffset settledAt);

    /// <summary>State and reasons.</summary>
    [Alias("Get"), Idempotent]
    Task<Outcome<ClaimView>> GetAsync();
}

/// <summary>
/// The warranty department's review queue (one grain, <see cref="ClaimReviewQueueKeys.National"/>): the claims
/// waiting for a decision, oldest filing first. Claims add and remove themselves (idempotent by claim id).
/// </summary>
[Alias("AfterSales.IClaimReviewQueueGrain")]
[Version(1)]
public interface IClaimReviewQueueGrain : IGrainWithStringKey
{
    [Alias("Enqueue")]
    Task EnqueueAsync(ReviewQueueEntry entry);

    [Alias("Remove")]
    Task RemoveAsync(string claimId);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<Outcome<ReviewQueuePage>> ListAsync(int limit, string? cursor);
}

public static class ClaimReviewQueueKeys
{
    public const string National = "national";
}
