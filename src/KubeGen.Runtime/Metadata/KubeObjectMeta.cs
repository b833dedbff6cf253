namespace KubeGen.Runtime;

/// <summary>meta/v1 ObjectMeta as the runtime keeps it for metadata-only objects: everything but managedFields.</summary>
public sealed class KubeObjectMeta : IKubeControllerMetadata
{
    /// <inheritdoc/>
    public string? Name { get; set; }

    /// <inheritdoc/>
    public string? Namespace { get; set; }

    /// <inheritdoc/>
    public string? ResourceVersion { get; set; }

    /// <inheritdoc/>
    public string? Uid { get; set; }

    /// <inheritdoc/>
    public long? Generation { get; set; }

    /// <summary>metadata.creationTimestamp.</summary>
    public DateTimeOffset? CreationTimestamp { get; set; }

    /// <inheritdoc/>
    public DateTimeOffset? DeletionTimestamp { get; set; }

    /// <inheritdoc/>
    public IDictionary<string, string>? Labels { get; set; }

    /// <inheritdoc/>
    public IDictionary<string, string>? Annotations { get; set; }

    /// <inheritdoc/>
    public IList<string>? Finalizers { get; set; }

    /// <summary>metadata.ownerReferences.</summary>
    public IList<KubeOwnerReference>? OwnerReferences { get; set; }

    /// <inheritdoc/>
    IEnumerable<IKubeOwnerReference>? IKubeControllerMetadata.OwnerReferences => OwnerReferences;

    /// <summary>Nothing to do: managedFields are never read into this type.</summary>
    public void ClearManagedFields()
    {
    }
}
