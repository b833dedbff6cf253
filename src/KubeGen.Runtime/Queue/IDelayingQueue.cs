namespace KubeGen.Runtime;

/// <summary>A work queue that can also add an item later (client-go's <c>DelayingInterface</c>).</summary>
/// <typeparam name="T">The item.</typeparam>
public interface IDelayingQueue<T> : IWorkQueue<T>
    where T : notnull
{
    /// <summary>
    /// Adds <paramref name="item"/> once <paramref name="delay"/> has passed on the queue's clock; zero or less adds it now.
    /// An item already waiting for a time keeps the earlier of the two.
    /// </summary>
    void AddAfter(T item, TimeSpan delay, int priority = WorkQueuePriority.Normal);
}
