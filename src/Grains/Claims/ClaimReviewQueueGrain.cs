using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using AfterSales.Grains.Common;
using AfterSales.Interfaces.Claims;
using AfterSales.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AfterSales.Grains.Claims;

/// <summary>What the review queue persists (state_name 'claimReviewQueue'): the waiting claims, keyed in queue order.</summary>
public sealed record ClaimReviewQueueState
{
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Waiting claims by <see cref="ClaimReviewQueueGrain.OrderKey"/> (filing instant, then claim id).</summary>
    public ImmutableSortedDictionary<string, ReviewQueueEntry> Waiting { get; init; } = ImmutableSortedDictionary.Create<string, ReviewQueueEntry>(StringComparer.Ordinal);
}

/// <summary>
/// The warranty department's review queue: the claims waiting for a decision, oldest filing first (a claim that comes
/// back after a request for information keeps its place: the department asked, the station answered). The queue
/// holds only what waits, so it stays as small as the backlog; each claim adds and removes itself through its outbox,
/// and both are idempotent by claim id.
/// </summary>
[Immovable(ImmovableKind.Any)] // a silo shutting down lets it go instead of carrying it across: it reactivates from PostgreSQL
public sealed class ClaimReviewQueueGrain(
    [PersistentState("claimReviewQueue", GrainStorage.Name)] IPersistentState<ClaimReviewQueueState> state,
    ILogger<ClaimReviewQueueGrain> logger) : Grain, IClaimReviewQueueGrain
{
    public async Task EnqueueAsync(ReviewQueueEntry entry)
    {
        var waiting = Without(state.State.Waiting, entry.ClaimId).SetItem(OrderKey(entry), entry);
        if (state.State.Waiting.TryGetValue(OrderKey(entry), out var held) && held == entry)
        {
            return;
        }

        await state.WriteOrRestoreAsync(state.State with { Waiting = waiting }, this, logger, "Review queue");
    }

    public async Task RemoveAsync(string claimId)
    {
        var waiting = Without(state.State.Waiting, claimId);
        if (waiting.Count != state.State.Waiting.Count)
        {
            await state.WriteOrRestoreAsync(state.State with { Waiting = waiting }, this, logger, "Review queue");
        }
    }

    public Task<Outcome<ReviewQueuePage>> ListAsync(int limit, string? cursor)
    {
        string? after = null;
        if (cursor is not null && (after = PageCursor.Decode(cursor) ?? EarlierReleaseCursor(cursor)) is null)
        {
            return Task.FromResult(Outcome<ReviewQueuePage>.Refused(Refusal.Invalid("cursor", "cursor is not one this queue returned; start again without it.")));
        }

        var items = state.State.Waiting
            .SkipWhile(e => after is not null && string.CompareOrdinal(e.Key, after) <= 0)
            .Take(limit + 1)
            .ToList();
        var next = items.Count > limit ? PageCursor.Encode(items[limit - 1].Key) : null;
        return Task.FromResult(Outcome<ReviewQueuePage>.Ok(new ReviewQueuePage([.. items.Take(limit).Select(e => e.Value)], next, state.State.Waiting.Count)));
    }

    /// <summary>
    /// A cursor of an earlier release (plain base64 of the key, which may hold '+' and '/'), still honoured so a caller
    /// paging across an upgrade is not sent back to the first page.
    /// </summary>
    private static string? EarlierReleaseCursor(string cursor)
    {
        try
        {
            var key = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return key.Length > 20 && key[19] == '|' && key[..19].All(char.IsAsciiDigit) ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Queue order: the filing instant (UTC ticks, fixed width so text order is time order), then the claim id.</summary>
    public static string OrderKey(ReviewQueueEntry entry) =>
        string.Create(CultureInfo.InvariantCulture, $"{entry.FiledAt.UtcTicks:D19}|{entry.ClaimId}");

    private static ImmutableSortedDictionary<string, ReviewQueueEntry> Without(ImmutableSortedDictionary<string, ReviewQueueEntry> waiting, string claimId)
    {
        foreach (var (key, entry) in waiting)
        {
            if (entry.ClaimId == claimId)
            {
                return waiting.Remove(key);
            }
        }

        return waiting;
    }
}
