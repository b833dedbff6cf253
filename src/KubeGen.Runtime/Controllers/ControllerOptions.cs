namespace KubeGen.Runtime;

/// <summary>How a <see cref="Controller"/> works its queue.</summary>
public sealed class ControllerOptions
{
    /// <summary>How many keys are reconciled at once (default 1, as in controller-runtime); never two for one key.</summary>
    public int MaxConcurrentReconciles { get; set; } = 1;

    /// <summary>The backoff of failed keys; null is <see cref="RateLimiters.Default{T}"/>: 5 ms doubling to 1000 s per key, at most 10 retries per second overall (bursts of 100).</summary>
    public IRateLimiter<ReconcileRequest>? RateLimiter { get; set; }

    /// <summary>When set, a reconcile that runs longer is cancelled and retried with backoff.</summary>
    public TimeSpan? ReconcileTimeout { get; set; }

    /// <summary>
    /// On shutdown, how long reconciles in progress may take to finish before their token is cancelled (default 25 s: inside
    /// Kubernetes' default 30 s termination grace period, with time left to release the Lease). No new reconcile starts
    /// once shutdown begins. When leadership is lost instead, the token is cancelled at once: another replica may lead soon.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Which errors are not retried; default <see cref="TerminalException.IsTerminal"/>.</summary>
    public Func<Exception, bool> IsTerminal { get; set; } = TerminalException.IsTerminal;

    /// <summary>The clock of backoffs, delays, metrics and the grace period (tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
