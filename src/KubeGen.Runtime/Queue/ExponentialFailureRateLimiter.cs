namespace KubeGen.Runtime;

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
