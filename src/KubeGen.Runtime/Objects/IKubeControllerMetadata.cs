namespace KubeGen.Runtime;

/// <summary>
/// The parts of meta/v1 ObjectMeta that the controller helpers read and write: finalizers, owner references and
/// managed fields. Generated <c>ObjectMeta</c> types implement it; until a generator version does, one partial class
/// in the application does (see docs/controllers.md, "Adapters"):
/// <code>
/// partial class ObjectMeta : IKubeControllerMetadata
/// {
///     IEnumerable&lt;IKubeOwnerReference&gt;? IKubeControllerMetadata.OwnerReferences => OwnerReferences;
///     void IKubeControllerMetadata.ClearManagedFields() => ManagedFields = null;
/// }
/// partial class OwnerReference : IKubeOwnerReference;
/// </code>
/// </summary>
public interface IKubeControllerMetadata : IKubeObjectMetadata
{
    /// <summary>metadata.finalizers: what must happen before the object may go away.</summary>
    IList<string>? Finalizers { get; set; }

    /// <summary>metadata.ownerReferences: the objects this one belongs to.</summary>
    IEnumerable<IKubeOwnerReference>? OwnerReferences { get; }

    /// <summary>Drops metadata.managedFields (server-side apply's bookkeeping, about 40 % of an object) from this copy.</summary>
    void ClearManagedFields();
}

/// <summary>meta/v1 OwnerReference; generated <c>OwnerReference</c> types implement it with their own properties.</summary>
public interface IKubeOwnerReference
{
    /// <summary>The owner's apiVersion ("v1", "apps/v1").</summary>
    string ApiVersion { get; }

    /// <summary>The owner's kind.</summary>
    string Kind { get; }

    /// <summary>The owner's name (same namespace as the owned object, or cluster-scoped).</summary>
    string Name { get; }

    /// <summary>The owner's uid: a new object of the same name is another owner.</summary>
    string Uid { get; }

    /// <summary>Whether the owner is the managing controller; at most one reference has it.</summary>
    bool? Controller { get; }

    /// <summary>Whether foreground deletion of the owner waits for this object.</summary>
    bool? BlockOwnerDeletion { get; }
}

/// <summary>
/// meta/v1 Condition (and condition types of the same shape in CRDs); generated condition types implement it.
/// <see cref="Conditions"/> works over lists of them.
/// </summary>
public interface IKubeCondition
{
    /// <summary>The condition's type, in CamelCase ("Ready"); unique in its list.</summary>
    string Type { get; set; }

    /// <summary>"True", "False" or "Unknown".</summary>
    string Status { get; set; }

    /// <summary>A CamelCase reason for the last transition.</summary>
    string? Reason { get; set; }

    /// <summary>A human-readable message.</summary>
    string? Message { get; set; }

    /// <summary>When the status last changed.</summary>
    DateTimeOffset? LastTransitionTime { get; set; }

    /// <summary>The metadata.generation the condition was set for; null for condition types without the field.</summary>
    long? ObservedGeneration { get; set; }
}
