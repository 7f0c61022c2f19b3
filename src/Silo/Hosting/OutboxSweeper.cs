using AfterSales.Grains.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Runtime;

namespace AfterSales.Silo.Hosting;

/// <summary>
/// Wakes grains whose stored outbox has waited longer than <see cref="MinimumAge"/>: a grain that wrote messages and
/// then lost its silo before delivering them is not active anywhere, and nothing else would call it. Calling
/// <see cref="IOutboxOwner.FlushOutboxAsync"/> activates it (on any silo) and delivers what is pending. An active
/// grain retries on its own timer, so this only matters after a crash; every silo sweeps (a grain woken twice
/// delivers once: recipients are idempotent).
/// About once an hour the same loop also deletes idempotency-key rows older than <paramref name="keyWindow"/> (the
/// longest window any grain replays within), so grain_rows does not keep every key ever used.
/// </summary>
public sealed partial class OutboxSweeper(string connectionString, string serviceId, IGrainFactory grains, ILogger<OutboxSweeper> logger,
    TimeSpan keyWindow) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Sweeps between two prunings of expired keys (15 s × 240: an hour).</summary>
    private const int SweepsPerPruning = 240;

    private const int PruneBatch = 5_000;

    /// <summary>How often a silo looks.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>Younger outboxes are still being delivered by their active grain.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(20);

    private const int Batch = 500;

    /// <summary>The grain type of each state that carries an outbox (state name → grain type).</summary>
    public static readonly IReadOnlyDictionary<string, GrainType> Owners = new Dictionary<string, GrainType>(StringComparer.Ordinal)
    {
        ["vehicle"] = GrainType.Create("vehicle"),
        ["station"] = GrainType.Create("servicestation"),
        ["complaint"] = GrainType.Create("complaint"),
        ["depot"] = GrainType.Create("partsdepot"),
        ["claim"] = GrainType.Create("claim"),
        ["buybackCase"] = GrainType.Create("buybackcase"),
        ["shipment"] = GrainType.Create("shipment"),
        ["urgentOrder"] = GrainType.Create("urgentorder"),
        ["recall"] = GrainType.Create("recallcampaign"),
        ["survey"] = GrainType.Create("survey"),
        ["gradeSheet"] = GrainType.Create("gradesheet"),
    };

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Outboxes older than the threshold at the last sweep (up to one batch): the outbox backlog gauge.</summary>
    private long _backlog;
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OutboxSweeper), ServiceLifecycleStage.Active, _ =>
        {
            AfterSalesMetrics.ObserveOutboxBacklog(() => Interlocked.Read(ref _backlog));
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
            return Task.CompletedTask;
        }, async cancellationToken =>
        {
            await _stopping.CancelAsync();
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });

    /// <summary>One pass: wakes every grain whose outbox is older than <paramref name="minimumAge"/>. Returns how many it woke.</summary>
    public async Task<int> SweepOnceAsync(TimeSpan minimumAge, CancellationToken cancellationToken = default)
    {
        var pending = new List<(string State, string Key)>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                SELECT state_name, grain_key FROM grain_state
                WHERE service_id = @service AND outbox_pending AND modified_on < now() - @age
                ORDER BY modified_on LIMIT @batch
                """, connection);
            command.Parameters.AddWithValue("service", serviceId);
            command.Parameters.AddWithValue("age", minimumAge);
            command.Parameters.AddWithValue("batch", Batch);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pending.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Interlocked.Exchange(ref _backlog, pending.Count);
        var woken = 0;
        foreach (var (state, key) in pending)
        {
            if (!Owners.TryGetValue(state, out var type))
            {
                continue;
            }

            try
            {
                await grains.GetGrain<IOutboxOwner>(GrainId.Create(type, key)).FlushOutboxAsync();
                woken++;
            }
            catch (Exception ex)
            {
                LogWakeFailed(logger, ex, state, key);
            }
        }

        if (woken > 0)
        {
            LogSwept(logger, woken);
        }

        return woken;
    }

    /// <summary>
    /// Deletes the idempotency-key rows written more than <paramref name="olderThan"/> ago (a reused key's row is
    /// rewritten with its new instant, so only keys past their window go), in batches. Returns how many.
    /// </summary>
    public async Task<int> PruneExpiredKeysAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                DELETE FROM grain_rows WHERE ctid IN (
                    SELECT ctid FROM grain_rows
                    WHERE kind = @kind AND written_on < now() - @age AND service_id = @service
                    LIMIT @batch)
                """, connection);
            command.Parameters.AddWithValue("kind", IdempotencyKeys.Kind);
            command.Parameters.AddWithValue("age", olderThan);
            command.Parameters.AddWithValue("service", serviceId);
            command.Parameters.AddWithValue("batch", PruneBatch);
            var batch = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += batch;
            if (batch < PruneBatch)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            LogPruned(logger, deleted, olderThan);
        }

        return deleted;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        // Silos started together should not all sweep in the same second.
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next((int)Interval.TotalMilliseconds));
        try
        {
            await Task.Delay(jitter, stopping);
            for (var pass = 1; !stopping.IsCancellationRequested; pass++)
            {
                try
                {
                    await SweepOnceAsync(MinimumAge, stopping);
                    if (pass % SweepsPerPruning == 0)
                    {
                        await PruneExpiredKeysAsync(keyWindow, stopping);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }

                await Task.Delay(Interval, stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 1970, Level = LogLevel.Information, Message = "Outbox sweep: woke {Count} grains with pending messages")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 1971, Level = LogLevel.Warning, Message = "Outbox sweep: waking {State} {Key} failed; the next sweep tries again")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string state, string key);

    [LoggerMessage(EventId = 1973, Level = LogLevel.Information, Message = "Deleted {Count} idempotency keys older than {Window}")]
    private static partial void LogPruned(ILogger logger, int count, TimeSpan window);

    [LoggerMessage(EventId = 1972, Level = LogLevel.Warning, Message = "Outbox sweep failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
