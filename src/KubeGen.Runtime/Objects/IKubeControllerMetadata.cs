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
