using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

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
