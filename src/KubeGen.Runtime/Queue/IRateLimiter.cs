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

/// <summary>Per item: <c>baseDelay × 2^failures</c>, at most <c>maxDelay</c> (client-go's <c>ItemExponentialFailureRateLimiter</c>).</summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class ExponentialFailureRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly object _gate = new();
    private readonly Dictionary<T, int> _failures = new();

    /// <summary>Creates the limiter: the first failure waits <paramref name="baseDelay"/>, each following one twice as long, up to <paramref name="maxDelay"/>.</summary>
    public ExponentialFailureRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>The first wait.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>The wait after the <paramref name="failures"/>-th failure (1-based): the formula, without counting anything.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        double ticks = BaseDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 62));
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc/>
    public TimeSpan When(T item)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.TryGetValue(item, out int counted) ? counted + 1 : 1;
            _failures[item] = failures;
        }

        return DelayAfter(failures);
    }

    /// <inheritdoc/>
    public void Forget(T item)
    {
        lock (_gate)
        {
            _failures.Remove(item);
        }
    }

    /// <inheritdoc/>
    public int NumRequeues(T item)
    {
        lock (_gate)
        {
            return _failures.TryGetValue(item, out int failures) ? failures : 0;
        }
    }
}

/// <summary>
/// One token bucket for all items (client-go's <c>BucketRateLimiter</c> over <c>rate.Limiter</c>): up to
/// <c>burst</c> retries go at once, then one every 1/<c>qps</c> seconds. Each call reserves a token, so the waits it
/// hands out are spaced by the rate however many items fail together.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
public sealed class BucketRateLimiter<T> : IRateLimiter<T>
    where T : notnull
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    /// <summary>Creates a full bucket.</summary>
    public BucketRateLimiter(double qps, int burst, TimeProvider? timeProvider = null)
    {
        if (!double.IsFinite(qps) || qps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(qps), qps, "The rate must be a positive number per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        Qps = qps;
        Burst = burst;
        _time = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _last = _time.GetTimestamp();
    }

    /// <summary>Tokens added per second.</summary>
    public double Qps { get; }

    /// <summary>The bucket's size.</summary>
    public int Burst { get; }

    /// <inheritdoc/>
    public TimeSpan When(T item)
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * Qps));
            _last = now;
            _tokens -= 1;

            // A negative balance is the wait until this reservation's token has been refilled.
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Qps);
        }
    }

    /// <inheritdoc/>
    public void Forget(T item)
    {
    }

    /// <inheritdoc/>
    public int NumRequeues(T item) => 0;
}

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
