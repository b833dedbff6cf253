namespace KubeGen.Runtime;

/// <summary>The rate limiters controllers use, and how to combine them.</summary>
public static class RateLimiters
{
    /// <summary>client-go's controller default: the slower of a per-item exponential backoff (5 ms doubling to 1000 s) and an overall bucket of 10 per second, bursts of 100.</summary>
    public static IRateLimiter<T> Default<T>(TimeProvider? timeProvider = null)
        where T : notnull
        => MaxOf(
            new ExponentialFailureRateLimiter<T>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<T>(10, 100, timeProvider ?? TimeProvider.System));

    /// <summary>The longest wait of several limiters; every one counts the failure.</summary>
    public static IRateLimiter<T> MaxOf<T>(params IRateLimiter<T>[] limiters)
        where T : notnull
        => new MaxOfRateLimiter<T>(limiters);
}
