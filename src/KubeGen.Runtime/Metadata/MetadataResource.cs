namespace KubeGen.Runtime;

/// <summary>A resource collection for <see cref="MetadataClient"/>: its API group ("" for core), version, plural and namespace.</summary>
/// <param name="Group">The API group; "" for the core group.</param>
/// <param name="Version">The version ("v1").</param>
/// <param name="Plural">The resource's plural name ("configmaps").</param>
/// <param name="Namespace">One namespace, or null for every namespace (or a cluster-scoped resource).</param>
public sealed record MetadataResource(string Group, string Version, string Plural, string? Namespace = null)
{
    /// <summary>The collection's path, each part validated as one segment: <c>/api/v1/namespaces/shop/configmaps</c>.</summary>
    internal KubeUrlBuilder Path()
    {
        KubeUrlBuilder url = Group.Length == 0 ? new KubeUrlBuilder("/api/") : new KubeUrlBuilder("/apis/").AppendSegment(Group, nameof(Group)).AppendLiteral("/");
        url.AppendSegment(Version, nameof(Version));
        if (Namespace is not null)
        {
            url.AppendLiteral("/namespaces/").AppendSegment(Namespace, nameof(Namespace));
        }

        return url.AppendLiteral("/").AppendSegment(Plural, nameof(Plural));
    }
}
