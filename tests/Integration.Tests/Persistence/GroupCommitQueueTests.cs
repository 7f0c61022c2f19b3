using AfterSales.Silo.Persistence;

namespace AfterSales.Integration.Tests.Persistence;

/// <summary>The coalescing of grain-state writes into groups, with a commit the test holds open (no database).</summary>
public sealed class GroupCommitQueueTests
{
    [Fact]
    public async Task ALoneWrite_IsCommittedAtOnce_InAGroupOfItsOwn()
    {
        var commits = new HeldCommits(release: true);
        var queue = new GroupCommitQueue<int, string>(commits.CommitAsync, maxBatchSize: 64, maxBatchesInFlight: 1);

        Assert.Equal("done 7", await queue.EnqueueAsync(7));
        Assert.Equal([[7]], commits.Batches);
    }

    [Fact]
    public async Task WritesArrivingWhileAGroupIsInFlight_LeaveTogether_AndNoneIsAcknowledgedBeforeItsGroupCommits()
    {
        var commits = new HeldCommits(release: false);
        var queue = new GroupCommitQueue<int, string>(commits.CommitAsync, maxBatchSize: 64, maxBatchesInFlight: 1);

        var first = queue.EnqueueAsync(0);
        await commits.Started(1);
        var waiting = Enumerable.Range(1, 10).Select(queue.EnqueueAsync).ToArray();

        Assert.False(first.IsCompleted);
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        commits.ReleaseNext();
        Assert.Equal("done 0", await first);
        await commits.Started(2);
        Assert.All(waiting, task => Assert.False(task.IsCompleted));
        commits.ReleaseNext();

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"done {i}"), await Task.WhenAll(waiting));
        Assert.Equal([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], commits.Batches);
        Assert.Equal((2, 11), (queue.Batches, queue.Items));
    }

    [Fact]
    public async Task AGroupNeverExceedsTheMaximumSize()
    {
        var commits = new HeldCommits(release: false);
        var queue = new GroupCommitQueue<int, string>(commits.CommitAsync, maxBatchSize: 64, maxBatchesInFlight: 1);

        var first = queue.EnqueueAsync(0);
        await commits.Started(1);
        var waiting = Enumerable.Range(1, 100).Select(queue.EnqueueAsync).ToArray();
        commits.ReleaseAll();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal([1, 64, 36], commits.Batches.Select(batch => batch.Length));
    }

    [Fact]
    public async Task AFailedGroup_FailsEachOfItsWrites_AndOnlyThose()
    {
        var commits = new HeldCommits(release: false) { FailBatch = 2 };
        var queue = new GroupCommitQueue<int, string>(commits.CommitAsync, maxBatchSize: 64, maxBatchesInFlight: 1);

        var first = queue.EnqueueAsync(0);
        await commits.Started(1);
        var failing = Enumerable.Range(1, 3).Select(queue.EnqueueAsync).ToArray();
        commits.ReleaseNext();
        await first;
        await commits.Started(2);
        var later = queue.EnqueueAsync(9);
        commits.ReleaseAll();

        foreach (var task in failing)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
            Assert.Equal("group 2 failed", error.Message);
        }

        Assert.Equal("done 9", await later);
    }

    [Fact]
    public async Task TwoGroupsMayBeInFlightAtOnce_WhenAllowed()
    {
        var commits = new HeldCommits(release: false);
        var queue = new GroupCommitQueue<int, string>(commits.CommitAsync, maxBatchSize: 64, maxBatchesInFlight: 2);

        var first = queue.EnqueueAsync(1);
        var second = queue.EnqueueAsync(2);
        await commits.Started(2);
        var third = queue.EnqueueAsync(3);
        Assert.Equal(2, commits.StartedCount);
        commits.ReleaseAll();

        Assert.Equal(["done 1", "done 2", "done 3"], await Task.WhenAll(first, second, third));
    }

    /// <summary>A commit function whose calls the test releases one by one (or lets through).</summary>
    private sealed class HeldCommits(bool release)
    {
        private readonly object _gate = new();
        private readonly List<int[]> _batches = [];
        private readonly Queue<TaskCompletionSource> _held = new();
        private readonly List<TaskCompletionSource> _startedSignals = [];
        private bool _releaseAll = release;

        public int? FailBatch { get; init; }

        public int StartedCount
        {
            get { lock (_gate) { return _batches.Count; } }
        }

        public IReadOnlyList<int[]> Batches
        {
            get { lock (_gate) { return _batches.ToList(); } }
        }

        public async Task<IReadOnlyList<string>> CommitAsync(IReadOnlyList<int> batch)
        {
            TaskCompletionSource gate;
            int number;
            lock (_gate)
            {
                _batches.Add(batch.ToArray());
                number = _batches.Count;
                gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_releaseAll)
                {
                    gate.SetResult();
                }
                else
                {
                    _held.Enqueue(gate);
                }

                foreach (var signal in _startedSignals)
                {
                    signal.TrySetResult();
                }
            }

            await gate.Task;
            if (number == FailBatch)
            {
                throw new InvalidOperationException($"group {number} failed");
            }

            return batch.Select(item => $"done {item}").ToArray();
        }

        /// <summary>Waits until <paramref name="count"/> groups have reached the commit function.</summary>
        public async Task Started(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                TaskCompletionSource signal;
                lock (_gate)
                {
                    if (_batches.Count >= count)
                    {
                        return;
                    }

                    signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _startedSignals.Add(signal);
                }

                await signal.Task.WaitAsync(deadline - DateTime.UtcNow);
            }
        }

        public void ReleaseNext()
        {
            lock (_gate)
            {
                _held.Dequeue().SetResult();
            }
        }

        public void ReleaseAll()
        {
            lock (_gate)
            {
                _releaseAll = true;
                while (_held.TryDequeue(out var gate))
                {
                    gate.SetResult();
                }
            }
        }
    }
}
