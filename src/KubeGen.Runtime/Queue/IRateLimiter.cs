namespace KubeGen.Runtime;

/// <summary>
/// Decides how long a failed item waits before it is processed again (client-go's <c>workqueue.RateLimiter</c>).
/// Limiters compose: see <see cref="RateLimiters"/>.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public interface IRateLimiter<T>
    where T : notnull
{
    /// <summary>The wait before <paramref name="item"/> is processed again; each call counts as one more failure.</summary>
    TimeSpan When(T item);

    /// <summary>Forgets the item's failures (it succeeded).</summary>
    void Forget(T item);

    /// <summary>How many failures of the item this limiter has counted since it was last forgotten.</summary>
    int NumRequeues(T item);
}
