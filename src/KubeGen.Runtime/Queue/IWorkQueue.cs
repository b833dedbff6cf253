namespace KubeGen.Runtime;

/// <summary>
/// A work queue with client-go's <c>workqueue.Interface</c> promises: fair (items are handed out in the order
/// they were added, higher priorities first), stingy (an item is never processed by two workers at once, and an
/// item added many times before it is processed is processed once), many producers and consumers, and a shutdown
/// that lets the work in hand finish.
/// </summary>
/// <typeparam name="T">The item, usually a key such as <see cref="ReconcileRequest"/>; compared with its default equality.</typeparam>
/// <remarks>
/// <para>An item added while it is being processed is parked: it is queued again when <see cref="Done"/> is called
/// for it, so the worker that has it sees the change on its next round and no second worker starts on it.</para>
/// <para>The queue knows nothing about errors or retries; <see cref="IRateLimitingQueue{T}"/> adds those on top.</para>
/// </remarks>
public interface IWorkQueue<T>
    where T : notnull
{
    /// <summary>Items waiting to be handed out (not those being processed).</summary>
    int Count { get; }

    /// <summary>Whether <see cref="ShutDown"/> or <see cref="ShutDownWithDrainAsync"/> has been called; adds are ignored from then on.</summary>
    bool IsShuttingDown { get; }

    /// <summary>Queues an item at <see cref="WorkQueuePriority.Normal"/> priority, unless it is already waiting.</summary>
    void Add(T item);

    /// <summary>
    /// Queues an item unless it is already waiting. An item already waiting at a lower priority moves up to
    /// <paramref name="priority"/> (controller-runtime's priority queue: fresh changes overtake the initial list's backlog).
    /// </summary>
    void Add(T item, int priority);

    /// <summary>
    /// Waits for the next item and marks it as being processed; the caller must call <see cref="Done"/> for it.
    /// After a shutdown the items still waiting are handed out, then <c>ShutDown</c> is true.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no item was taken.</exception>
    ValueTask<(T Item, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Processing of <paramref name="item"/> is over; if it was added meanwhile, it is queued again.</summary>
    void Done(T item);

    /// <summary>Ignores adds from now on; waiting <see cref="GetAsync"/> calls return once the queue is empty.</summary>
    void ShutDown();

    /// <summary>
    /// Like <see cref="ShutDown"/>, then waits until every item being processed is <see cref="Done"/>
    /// (client-go's <c>ShutDownWithDrain</c>). Cancelling <paramref name="cancellationToken"/> stops the wait, not the shutdown.
    /// </summary>
    Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default);
}
