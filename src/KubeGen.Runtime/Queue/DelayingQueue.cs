namespace KubeGen.Runtime;

/// <summary>
/// Adds items to a work queue once their delay has passed (client-go's delaying queue): one heap of
/// (ready time, item) and one timer on the injected <see cref="TimeProvider"/>, armed for the earliest entry.
/// An item waits once; adding it again with an earlier ready time moves it forward, a later one is ignored.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class DelayingQueue<T> : IDelayingQueue<T>, IDisposable
    where T : notnull
{
    private readonly IWorkQueue<T> _queue;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly object _gate = new();
    private readonly PriorityQueue<T, TimeSpan> _heap = new();
    private readonly Dictionary<T, (TimeSpan ReadyAt, int Priority)> _waiting = new();
    private readonly ITimer _timer;
    private TimeSpan _armedFor = TimeSpan.MaxValue;

    /// <summary>Creates a delaying queue over a new <see cref="WorkQueue{T}"/>.</summary>
    public DelayingQueue(WorkQueueOptions? options = null)
        : this(new WorkQueue<T>(options), (options ?? new WorkQueueOptions()).TimeProvider)
    {
    }

    /// <summary>Creates a delaying queue over <paramref name="queue"/>, timed by <paramref name="timeProvider"/>.</summary>
    public DelayingQueue(IWorkQueue<T> queue, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _queue = queue;
        _time = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static state => ((DelayingQueue<T>)state!).AddReady(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The queue the items go to when ready.</summary>
    public IWorkQueue<T> Inner => _queue;

    /// <summary>Items waiting for their time.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>How long until the next waiting item is due, or null when none waits.</summary>
    public TimeSpan? NextDueIn
    {
        get
        {
            lock (_gate)
            {
                return Earliest() is { } readyAt ? Max(readyAt - Now(), TimeSpan.Zero) : null;
            }
        }
    }

    /// <inheritdoc/>
    public int Count => _queue.Count;

    /// <inheritdoc/>
    public bool IsShuttingDown => _queue.IsShuttingDown;

    /// <inheritdoc/>
    public void Add(T item) => _queue.Add(item);

    /// <inheritdoc/>
    public void Add(T item, int priority) => _queue.Add(item, priority);

    /// <inheritdoc/>
    public void AddAfter(T item, TimeSpan delay, int priority = WorkQueuePriority.Normal)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_queue.IsShuttingDown)
        {
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            _queue.Add(item, priority);
            return;
        }

        lock (_gate)
        {
            TimeSpan readyAt = Now() + delay;
            if (_waiting.TryGetValue(item, out (TimeSpan ReadyAt, int Priority) waiting) && waiting.ReadyAt <= readyAt)
            {
                if (priority > waiting.Priority)
                {
                    _waiting[item] = waiting with { Priority = priority };
                }

                return;
            }

            _waiting[item] = (readyAt, Math.Max(priority, waiting.Priority));
            _heap.Enqueue(item, readyAt);
            Arm();
        }
    }

    /// <inheritdoc/>
    public ValueTask<(T Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default) => _queue.GetAsync(cancellationToken);

    /// <inheritdoc/>
    public void Done(T item) => _queue.Done(item);

    /// <inheritdoc/>
    public void ShutDown()
    {
        StopWaiting();
        _queue.ShutDown();
    }

    /// <inheritdoc/>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        StopWaiting();
        return _queue.ShutDownWithDrainAsync(cancellationToken);
    }

    /// <summary>Stops the timer; items still waiting are dropped.</summary>
    public void Dispose() => StopWaiting();

    private void StopWaiting()
    {
        lock (_gate)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _armedFor = TimeSpan.MaxValue;
            _waiting.Clear();
            _heap.Clear();
        }
    }

    /// <summary>The timer fired: every item whose time has come goes to the queue, and the timer is armed for the next.</summary>
    private void AddReady()
    {
        List<(T Item, int Priority)> ready = [];
        lock (_gate)
        {
            _armedFor = TimeSpan.MaxValue;
            TimeSpan now = Now();
            while (_heap.TryPeek(out T? item, out TimeSpan readyAt) && readyAt <= now)
            {
                _heap.Dequeue();
                if (_waiting.TryGetValue(item, out (TimeSpan ReadyAt, int Priority) waiting) && waiting.ReadyAt == readyAt)
                {
                    _waiting.Remove(item);
                    ready.Add((item, waiting.Priority));
                }
            }

            Arm();
        }

        // Outside the lock: the queue takes its own.
        foreach ((T item, int priority) in ready)
        {
            _queue.Add(item, priority);
        }
    }

    /// <summary>Arms the timer for the earliest entry, unless it already is.</summary>
    private void Arm()
    {
        if (Earliest() is not { } readyAt || readyAt >= _armedFor)
        {
            return;
        }

        _armedFor = readyAt;
        _timer.Change(Max(readyAt - Now(), TimeSpan.Zero), Timeout.InfiniteTimeSpan);
    }

    private TimeSpan? Earliest()
    {
        // Entries of items moved forward stay in the heap until they come out; skip them here.
        while (_heap.TryPeek(out T? item, out TimeSpan readyAt))
        {
            if (_waiting.TryGetValue(item, out (TimeSpan ReadyAt, int Priority) waiting) && waiting.ReadyAt == readyAt)
            {
                return readyAt;
            }

            _heap.Dequeue();
        }

        return null;
    }

    private TimeSpan Now() => _time.GetElapsedTime(_origin);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
