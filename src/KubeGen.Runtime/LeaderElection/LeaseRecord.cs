namespace KubeGen.Runtime;

/// <summary>The leader-election fields of a coordination.k8s.io/v1 Lease (its spec) and the resourceVersion they were read at.</summary>
public sealed record LeaseRecord
{
    /// <summary>spec.holderIdentity: who leads; null or empty when nobody does (released).</summary>
    public string? HolderIdentity { get; init; }

    /// <summary>spec.leaseDurationSeconds.</summary>
    public int? LeaseDurationSeconds { get; init; }

    /// <summary>spec.acquireTime (the holder's clock).</summary>
    public DateTimeOffset? AcquireTime { get; init; }

    /// <summary>spec.renewTime (the holder's clock; electors do not trust it, see <see cref="LeaderElector"/>).</summary>
    public DateTimeOffset? RenewTime { get; init; }

    /// <summary>spec.leaseTransitions: how many times the holder changed.</summary>
    public int? LeaseTransitions { get; init; }

    /// <summary>metadata.resourceVersion: an update must carry the one it replaces (optimistic concurrency).</summary>
    public string? ResourceVersion { get; init; }
}

/// <summary>
/// Reads and writes one Lease for a <see cref="LeaderElector"/>. Generated clients that select
/// coordination.k8s.io/v1 leases with get, create and update provide one (<c>kube.CoordinationV1.Leases.CreateLeaseStore</c>).
/// </summary>
public interface ILeaseStore
{
    /// <summary>A description for messages ("namespace/name").</summary>
    string Description { get; }

    /// <summary>Reads the Lease; null when it does not exist.</summary>
    Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Creates the Lease; fails (409 AlreadyExists) when it exists.</summary>
    Task<LeaseRecord> CreateAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease; fails (409 Conflict) unless <see cref="LeaseRecord.ResourceVersion"/> is still the current one.</summary>
    Task<LeaseRecord> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken);
}
