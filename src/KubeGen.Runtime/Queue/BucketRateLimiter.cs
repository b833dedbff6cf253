namespace KubeGen.Runtime;

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
