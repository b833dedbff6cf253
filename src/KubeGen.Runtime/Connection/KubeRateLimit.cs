using System.Globalization;
using System.Threading.RateLimiting;

namespace KubeGen.Runtime;

/// <summary>
/// Client-side rate limiting of a connection (like client-go's <c>QPS</c> and <c>Burst</c>): a token
/// bucket holding up to <see cref="Burst"/> tokens, refilled at <see cref="Qps"/> tokens per second.
/// Each API call takes one token before its first attempt (retries of the same call do not take
/// another); when none is left the call waits for one, and the wait honours cancellation.
/// </summary>
public sealed class KubeRateLimit
{
    /// <summary>Creates a limit.</summary>
    /// <param name="qps">The sustained rate, in requests per second; positive.</param>
    /// <param name="burst">How many requests may go out at once after a quiet period; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="qps"/> is not a positive finite number, or <paramref name="burst"/> is less than 1.</exception>
    public KubeRateLimit(double qps, int burst)
    {
        if (!double.IsFinite(qps) || qps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(qps), qps, "The rate must be a positive number of requests per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        Qps = qps;
        Burst = burst;
    }

    /// <summary>client-go's defaults: 5 requests per second, bursts of 10.</summary>
    public static KubeRateLimit ClientGoDefaults { get; } = new(5, 10);

    /// <summary>The sustained rate, in requests per second.</summary>
    public double Qps { get; }

    /// <summary>How many requests may go out at once after a quiet period.</summary>
    public int Burst { get; }

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Qps} QPS, burst {Burst}");

    /// <summary>A limiter that queues (never rejects) requests until a token is free.</summary>
    internal TokenBucketRateLimiter CreateLimiter()
    {
        // Refill in steps of up to ~50 ms (never more tokens per step than the bucket holds), so that a
        // high rate does not need a 1 ms timer.
        int tokensPerPeriod = (int)Math.Clamp(Math.Ceiling(Qps * 0.05), 1, Burst);
        TimeSpan period = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond * tokensPerPeriod / Qps)));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }
}
