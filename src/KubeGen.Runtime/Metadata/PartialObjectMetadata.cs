using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// An object's apiVersion, kind and metadata and nothing else (meta/v1 PartialObjectMetadata): what a metadata-only informer
/// stores for controllers that need only names, labels, annotations, owners and finalizers (<see cref="MetadataClient"/>).
/// </summary>
public sealed class PartialObjectMetadata : IKubeObject
{
    /// <summary>"meta.k8s.io/v1" when the server answered with PartialObjectMetadata; the resource's own apiVersion when it sent the full object.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>"PartialObjectMetadata", or the resource's kind.</summary>
    public string? Kind { get; set; }

    /// <summary>The metadata.</summary>
    public KubeObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc/>
    public IKubeObjectMetadata? ObjectMetadata => Metadata;

    /// <summary>The reflection-free JSON metadata: reads apiVersion, kind and metadata and skips everything else.</summary>
    public static JsonTypeInfo<PartialObjectMetadata> JsonTypeInfo => s_jsonTypeInfo ??= KubeJsonTypeInfo.Create(PartialObjectMetadataJson.ObjectConverter.Instance);

    private static JsonTypeInfo<PartialObjectMetadata>? s_jsonTypeInfo;
}

/// <summary>A list of <see cref="PartialObjectMetadata"/> (meta/v1 PartialObjectMetadataList).</summary>
public sealed class PartialObjectMetadataList : IKubeList<PartialObjectMetadata>
{
    /// <inheritdoc/>
    public IList<PartialObjectMetadata>? Items { get; set; }

    /// <inheritdoc/>
    public string? Continue { get; set; }

    /// <inheritdoc/>
    public string? ResourceVersion { get; set; }

    /// <summary>The reflection-free JSON metadata: reads the list's metadata and items and skips everything else.</summary>
    public static JsonTypeInfo<PartialObjectMetadataList> JsonTypeInfo => s_jsonTypeInfo ??= KubeJsonTypeInfo.Create(PartialObjectMetadataJson.ListConverter.Instance);

    private static JsonTypeInfo<PartialObjectMetadataList>? s_jsonTypeInfo;
}

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
