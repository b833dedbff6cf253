namespace KubeGen.Runtime;

/// <summary>
/// The base work queue: client-go's two sets, <c>dirty</c> (needs processing) and <c>processing</c> (in hand),
/// over a priority-ordered FIFO. See <see cref="IWorkQueue{T}"/> for the promises.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class WorkQueue<T> : IWorkQueue<T>
    where T : notnull
{
    private readonly object _gate = new();
    private readonly PriorityFifo<T> _queue = new();
    private readonly Dictionary<T, Pending> _dirty = new();   // waiting or parked: the priority wanted and when it was added
    private readonly HashSet<T> _processing = new();
    private readonly LinkedList<TaskCompletionSource<(T, bool)>> _waiters = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    /// <summary>Creates an empty queue.</summary>
    public WorkQueue(WorkQueueOptions? options = null)
    {
        options ??= new WorkQueueOptions();
        _time = options.TimeProvider;
        Metrics = new WorkQueueMetrics(options.Name, _time);
    }

    /// <summary>The queue's metrics.</summary>
    public WorkQueueMetrics Metrics { get; }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <inheritdoc/>
    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Items being processed now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _processing.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Add(T item) => Add(item, WorkQueuePriority.Normal);

    /// <inheritdoc/>
    public void Add(T item, int priority)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            Metrics.Added();
            if (_dirty.TryGetValue(item, out Pending pending))
            {
                if (priority > pending.Priority)
                {
                    _dirty[item] = pending with { Priority = priority };
                    if (_queue.Contains(item))
                    {
                        _queue.Push(item, priority);
                    }
                }

                return;
            }

            _dirty[item] = new Pending(priority, _time.GetTimestamp());
            if (_processing.Contains(item))
            {
                return; // parked: queued again by Done
            }

            Enqueue(item, priority);
        }
    }

    /// <inheritdoc/>
    public ValueTask<(T Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<(T, bool)> waiter;
        LinkedListNode<TaskCompletionSource<(T, bool)>> node;
        lock (_gate)
        {
            if (TryTake(out T? item))
            {
                return new ValueTask<(T, bool)>((item, false));
            }

            if (_shuttingDown)
            {
                return new ValueTask<(T, bool)>((default!, true));
            }

            waiter = new TaskCompletionSource<(T, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (queue, waiting) = ((WorkQueue<T>, LinkedListNode<TaskCompletionSource<(T, bool)>>))state!;
                    lock (queue._gate)
                    {
                        // Still in the list: no item was handed to it, so none is lost by cancelling.
                        if (waiting.List is not null)
                        {
                            queue._waiters.Remove(waiting);
                            waiting.Value.TrySetCanceled(token);
                        }
                    }
                },
                (this, node));
            _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ValueTask<(T, bool)>(waiter.Task);
    }

    /// <inheritdoc/>
    public void Done(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            if (!_processing.Remove(item))
            {
                return;
            }

            Metrics.Finished(item);
            if (_dirty.TryGetValue(item, out Pending pending))
            {
                Enqueue(item, pending.Priority);
            }

            if (_processing.Count == 0 && _drained is not null)
            {
                drained = _drained;
            }
        }

        drained?.TrySetResult();
    }

    /// <inheritdoc/>
    public void ShutDown()
    {
        List<TaskCompletionSource<(T, bool)>> released;
        lock (_gate)
        {
            _shuttingDown = true;
            Metrics.Unregister();

            // Waiters exist only while the queue is empty: all of them return "shut down".
            released = [.. _waiters];
            _waiters.Clear();
        }

        foreach (TaskCompletionSource<(T, bool)> waiter in released)
        {
            waiter.TrySetResult((default!, true));
        }
    }

    /// <inheritdoc/>
    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_gate)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_processing.Count == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        ShutDown();
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues an item that is dirty and not in hand, handing it straight to a waiting worker if there is one.</summary>
    private void Enqueue(T item, int priority)
    {
        _queue.Push(item, priority);
        if (_waiters.First is { } first && TryTake(out T? taken))
        {
            // Waiters are removed under the lock when cancelled, so this one is still waiting and takes the item.
            _waiters.RemoveFirst();
            first.Value.TrySetResult((taken, false));
        }

        Metrics.SetDepth(_queue.Count);
    }

    private bool TryTake(out T item)
    {
        if (!_queue.TryPop(out item!, out _))
        {
            return false;
        }

        Pending pending = _dirty[item];
        _dirty.Remove(item);
        _processing.Add(item);
        Metrics.SetDepth(_queue.Count);
        Metrics.Started(item, pending.AddedAt);
        return true;
    }

    private readonly record struct Pending(int Priority, long AddedAt);
}
