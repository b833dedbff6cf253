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
