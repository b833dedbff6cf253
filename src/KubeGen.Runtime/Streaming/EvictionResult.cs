namespace KubeGen.Runtime;

/// <summary>
/// The answer to an eviction (<c>pods/eviction</c>): the pod is being deleted, or the API server said "not now" with a 429,
/// usually because a PodDisruptionBudget allows no disruption at the moment (<see cref="IsDisruptionBudget"/>). A refusal
/// is an answer, not an error: ask again later (after <see cref="RetryAfter"/> when the server gave one), as
/// <c>kubectl drain</c> does every 5 seconds.
/// </summary>
public sealed class EvictionResult
{
    /// <summary>The cause the API server names for a PodDisruptionBudget (policy/v1 <c>DisruptionBudgetCause</c>).</summary>
    public const string DisruptionBudgetCause = "DisruptionBudget";

    private EvictionResult(bool evicted, KubeStatus? status)
    {
        IsEvicted = evicted;
        Status = status;
    }

    /// <summary>The pod was evicted: its deletion started (graceful termination follows).</summary>
    public static EvictionResult Evicted { get; } = new(true, null);

    /// <summary>The eviction was accepted; the pod is being deleted.</summary>
    public bool IsEvicted { get; }

    /// <summary>A PodDisruptionBudget refused it: the Status names the budget (<c>The disruption budget web needs 2 healthy pods and has 2 currently</c>).</summary>
    public bool IsDisruptionBudget => Status?.Details?.Causes.Any(c => string.Equals(c.Reason, DisruptionBudgetCause, StringComparison.Ordinal)) == true;

    /// <summary>When the server suggested asking again (a budget it is still processing); null when it did not say.</summary>
    public TimeSpan? RetryAfter => Status?.Details?.RetryAfterSeconds is int seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>The server's 429 Status; null for an accepted eviction.</summary>
    public KubeStatus? Status { get; }

    /// <summary>Why it was refused, with the budget's own words when there are some; null for an accepted eviction.</summary>
    public string? Message
    {
        get
        {
            if (Status is null)
            {
                return null;
            }

            string? budget = Status.Details?.Causes.FirstOrDefault(c => string.Equals(c.Reason, DisruptionBudgetCause, StringComparison.Ordinal))?.Message;
            return budget is null ? Status.Message : Status.Message + " " + budget;
        }
    }

    internal static EvictionResult Refused(KubeStatus status) => new(false, status);

    /// <inheritdoc/>
    public override string ToString() => IsEvicted ? "evicted" : "refused: " + Message;
}
