namespace KubeGen.Runtime;

/// <summary>
/// What a reconcile asks for next, as kube-rs' <c>Action</c> and controller-runtime's <c>Result</c>: nothing until the
/// next change (<see cref="Done"/>), another reconcile after a fixed time (<see cref="RequeueAfter"/>), or another one
/// after the rate limiter's backoff (<see cref="Requeue"/>). Throwing is the other outcome: see <see cref="Controller"/>.
/// </summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(TimeSpan? after, bool rateLimited)
    {
        After = after;
        RateLimited = rateLimited;
    }

    /// <summary>Reconciled: wait for the next change of a watched object (the key's backoff is forgotten).</summary>
    public static ReconcileResult Done => default;

    /// <summary>Not finished yet (waiting on something no watch reports): reconcile again after the rate limiter's backoff for this key.</summary>
    public static ReconcileResult Requeue => new(null, rateLimited: true);

    /// <summary>The fixed wait of <see cref="RequeueAfter(TimeSpan)"/>; null otherwise.</summary>
    public TimeSpan? After { get; }

    /// <summary>Whether this is <see cref="Requeue"/>.</summary>
    public bool RateLimited { get; }

    /// <summary>Reconcile again after <paramref name="delay"/> (a periodic check, or a known time such as a certificate's expiry); the key's backoff is forgotten.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is not positive.</exception>
    public static ReconcileResult RequeueAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(delay, TimeSpan.Zero);
        return new ReconcileResult(delay, rateLimited: false);
    }

    /// <inheritdoc/>
    public override string ToString() => After is { } after ? $"RequeueAfter({after})" : RateLimited ? "Requeue" : "Done";
}
