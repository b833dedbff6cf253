namespace KubeGen.Runtime;

/// <summary>The longest wait of several limiters (client-go's <c>MaxOfRateLimiter</c>).</summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class MaxOfRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly IRateLimiter<T>[] _limiters;

    /// <summary>Combines <paramref name="limiters"/>; at least one.</summary>
    public MaxOfRateLimiter(params IRateLimiter<T>[] limiters)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        ArgumentOutOfRangeException.ThrowIfZero(limiters.Length);
        _limiters = [.. limiters];
    }

    /// <summary>The combined limiters.</summary>
    public IReadOnlyList<IRateLimiter<T>> Limiters => _limiters;

    /// <inheritdoc/>
    public TimeSpan When(T item)
    {
        TimeSpan longest = TimeSpan.Zero;
        foreach (IRateLimiter<T> limiter in _limiters)
        {
            TimeSpan wait = limiter.When(item);
            longest = wait > longest ? wait : longest;
        }

        return longest;
    }

    /// <inheritdoc/>
    public void Forget(T item)
    {
        foreach (IRateLimiter<T> limiter in _limiters)
        {
            limiter.Forget(item);
        }
    }

    /// <inheritdoc/>
    public int NumRequeues(T item)
    {
        int most = 0;
        foreach (IRateLimiter<T> limiter in _limiters)
        {
            most = Math.Max(most, limiter.NumRequeues(item));
        }

        return most;
    }
}
