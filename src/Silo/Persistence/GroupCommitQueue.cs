namespace AfterSales.Silo.Persistence;

/// <summary>
/// Coalesces concurrent requests into batches without a timer: a request that finds a free slot starts a batch at
/// once (so a lone write waits for nothing), and requests arriving while <see cref="MaxBatchesInFlight"/> batches are
/// in flight queue up and leave together, up to <see cref="MaxBatchSize"/> at a time, as soon as a slot frees. Under
/// load the batches grow by themselves; idle, there is no added latency. A request completes only when its batch
/// has: with the batch's own result for it, or with the batch's exception.
/// </summary>
public sealed class GroupCommitQueue<TItem, TResult>
{
    /// <summary>Commits one batch and returns one result per item, in order.</summary>
    public delegate Task<IReadOnlyList<TResult>> CommitBatch(IReadOnlyList<TItem> batch);

    private readonly object _gate = new();
    private readonly Queue<Pending> _waiting = new();
    private readonly CommitBatch _commit;
    private int _inFlight;
    private long _batches;
    private long _items;

    public GroupCommitQueue(CommitBatch commit, int maxBatchSize, int maxBatchesInFlight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchesInFlight, 1);
        _commit = commit;
        MaxBatchSize = maxBatchSize;
        MaxBatchesInFlight = maxBatchesInFlight;
    }

    public int MaxBatchSize { get; }

    public int MaxBatchesInFlight { get; }

    /// <summary>Batches committed (or failed) so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items those batches carried.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Requests queued behind the batches in flight, not yet in a batch.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/>; the task ends when the batch carrying it has committed or failed.</summary>
    public Task<TResult> EnqueueAsync(TItem item)
    {
        // Continuations run on their own schedulers (a grain's), never inline on the committing loop.
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<Pending>? batch = null;
        lock (_gate)
        {
            _waiting.Enqueue(pending);
            if (_inFlight < MaxBatchesInFlight)
            {
                _inFlight++;
                batch = TakeBatch();
            }
        }

        if (batch is not null)
        {
            // Off the caller's scheduler: the loop must not run inside the grain activation that happened to start it.
            _ = Task.Run(() => CommitUntilDrainedAsync(batch));
        }

        return pending.Completion.Task;
    }

    private async Task CommitUntilDrainedAsync(List<Pending> batch)
    {
        while (true)
        {
            await CommitAsync(batch).ConfigureAwait(false);
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                batch = TakeBatch();
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        try
        {
            var items = new TItem[batch.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = batch[i].Item;
            }

            var results = await _commit(items).ConfigureAwait(false);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} came back with {results.Count} results.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    private List<Pending> TakeBatch()
    {
        var batch = new List<Pending>(Math.Min(_waiting.Count, MaxBatchSize));
        while (batch.Count < MaxBatchSize && _waiting.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        return batch;
    }

    private readonly record struct Pending(TItem Item, TaskCompletionSource<TResult> Completion);
}
