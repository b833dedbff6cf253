namespace KubeGen.Runtime;

/// <summary>
/// A delaying queue that asks a <see cref="IRateLimiter{T}"/> how long a failed item waits
/// (client-go's <c>RateLimitingInterface</c>).
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public interface IRateLimitingQueue<T> : IDelayingQueue<T>
    where T : notnull
{
    /// <summary>Adds the item after the limiter's delay for it (its processing failed; each call counts as a retry).</summary>
    void AddRateLimited(T item);

    /// <summary>Stops tracking the item's retries (its processing succeeded, or will not be retried); it does not remove it from the queue.</summary>
    void Forget(T item);

    /// <summary>How many times the item has been rate-limited since it was last forgotten.</summary>
    int NumRequeues(T item);
}
