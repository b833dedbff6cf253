namespace KubeGen.Runtime;

/// <summary>Timings, identity and callbacks of a <see cref="LeaderElector"/> (client-go's LeaderElectionConfig).</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>
    /// How long non-leaders wait, from when they saw the Lease last change, before taking it over (default 15 s).
    /// It bounds how long a crashed leader leaves the Lease unheld.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading (default 10 s); shorter than <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long electors wait between attempts (default 2 s).</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The identity written to holderIdentity. Default: the pod name (the HOSTNAME environment variable, else the machine
    /// name), an underscore and a random UUID, as client-go's examples do: pods on the host network share the node's host
    /// name, and two electors with one identity would both believe they hold the Lease.
    /// </summary>
    public string? Identity { get; set; }

    /// <summary>
    /// When the run is cancelled while leading, give the Lease up (empty holder) so another elector takes over at once
    /// (default true). The Lease is released only after the <see cref="OnStartedLeading"/> work has ended, and renewed until then.
    /// </summary>
    public bool ReleaseOnCancel { get; set; } = true;

    /// <summary>
    /// The work to do while leading, started on a background task when this elector starts leading; the token is cancelled
    /// when it must stop (leadership lost or the run cancelled). On cancellation the elector keeps the Lease until the
    /// returned task has ended; after a loss another elector may take over once the Lease expires, so stop promptly.
    /// </summary>
    public Func<CancellationToken, Task>? OnStartedLeading { get; set; }

    /// <summary>Called when this elector stops leading (lost the Lease, could not renew in time, or was cancelled), after the leading work has ended.</summary>
    public Action? OnStoppedLeading { get; set; }

    /// <summary>Called when a different holder is observed (including this elector).</summary>
    public Action<string>? OnNewLeader { get; set; }

    /// <summary>The clock: its monotonic timestamps time leases, its wall clock fills acquireTime and renewTime (tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal const double JitterFactor = 1.2;

    internal string ResolveIdentity()
    {
        if (!string.IsNullOrEmpty(Identity))
        {
            return Identity;
        }

        string? hostName = Environment.GetEnvironmentVariable("HOSTNAME");
        return (string.IsNullOrEmpty(hostName) ? Environment.MachineName : hostName) + "_" + Guid.NewGuid().ToString();
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryPeriod, TimeSpan.Zero, nameof(RetryPeriod));
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"LeaseDuration ({LeaseDuration}) must be greater than RenewDeadline ({RenewDeadline}).");
        }

        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            throw new ArgumentException($"RenewDeadline ({RenewDeadline}) must be greater than RetryPeriod × {JitterFactor} ({RetryPeriod * JitterFactor}).");
        }
    }
}
