namespace KubeGen.Runtime;

/// <summary>
/// A delaying queue whose failed items wait as long as an <see cref="IRateLimiter{T}"/> says (client-go's rate-limiting
/// queue): it computes no delays itself, it asks the limiter and calls <see cref="AddAfter"/>.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class RateLimitingQueue<T> : IRateLimitingQueue<T>, IDisposable
    where T : notnull
{
    private readonly DelayingQueue<T> _queue;
    private readonly WorkQueueMetrics? _metrics;

    /// <summary>Creates the three layers: a <see cref="WorkQueue{T}"/>, a <see cref="DelayingQueue{T}"/> over it, and this.</summary>
    /// <param name="rateLimiter">The limiter; null is <see cref="RateLimiters.Default{T}"/> on the options' clock.</param>
    /// <param name="options">Name and clock.</param>
    public RateLimitingQueue(IRateLimiter<T>? rateLimiter = null, WorkQueueOptions? options = null)
    {
        options ??= new WorkQueueOptions();
        var inner = new WorkQueue<T>(options);
        _metrics = inner.Metrics;
        _queue = new DelayingQueue<T>(inner, options.TimeProvider);
        RateLimiter = rateLimiter ?? RateLimiters.Default<T>(options.TimeProvider);
    }

    /// <summary>Layers a rate-limiting queue over an existing delaying queue.</summary>
    public RateLimitingQueue(DelayingQueue<T> queue, IRateLimiter<T> rateLimiter)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(rateLimiter);
        _queue = queue;
        _metrics = (queue.Inner as WorkQueue<T>)?.Metrics;
        RateLimiter = rateLimiter;
    }

    /// <summary>The limiter that decides the waits.</summary>
    public IRateLimiter<T> RateLimiter { get; }

    /// <summary>The delaying queue under this one.</summary>
    public DelayingQueue<T> Delaying => _queue;

    /// <summary>The base queue's metrics, when it is a <see cref="WorkQueue{T}"/>.</summary>
    public WorkQueueMetrics? Metrics => _metrics;

    /// <inheritdoc/>
    public int Count => _queue.Count;

    /// <inheritdoc/>
    public bool IsShuttingDown => _queue.IsShuttingDown;

    /// <inheritdoc/>
    public void Add(T item) => _queue.Add(item);

    /// <inheritdoc/>
    public void Add(T item, int priority) => _queue.Add(item, priority);

    /// <inheritdoc/>
    public void AddAfter(T item, TimeSpan delay, int priority = WorkQueuePriority.Normal) => _queue.AddAfter(item, delay, priority);

    /// <inheritdoc/>
    public void AddRateLimited(T item)
    {
        _metrics?.Retried();
        _queue.AddAfter(item, RateLimiter.When(item));
    }

    /// <inheritdoc/>
    public void Forget(T item) => RateLimiter.Forget(item);

    /// <inheritdoc/>
    public int NumRequeues(T item) => RateLimiter.NumRequeues(item);

    /// <inheritdoc/>
    public ValueTask<(T Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default) => _queue.GetAsync(cancellationToken);

    /// <inheritdoc/>
    public void Done(T item) => _queue.Done(item);

    /// <inheritdoc/>
    public void ShutDown() => _queue.ShutDown();

    /// <inheritdoc/>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default) => _queue.ShutDownWithDrainAsync(cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _queue.Dispose();
}
