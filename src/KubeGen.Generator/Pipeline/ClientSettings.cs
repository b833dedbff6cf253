using System.Linq;
using KubeGen.Generator.Model;

namespace KubeGen.Generator.Pipeline;

/// <summary>The metadata of one KubernetesApi item, as pipeline data.</summary>
/// <param name="SpecPath">The spec file.</param>
/// <param name="RootNamespace">The client's namespace.</param>
/// <param name="ClientName">The client class.</param>
/// <param name="Resources">The selector, as the build passes it (entries separated by '|').</param>
/// <param name="Cluster">The cluster the spec is of, when one client targets several; null for a client of one cluster.</param>
/// <param name="Optional">Selector entries this cluster may lack (a warning instead of an error).</param>
internal sealed record ClientSettings(string SpecPath, string RootNamespace, string ClientName, string? Resources, string? Cluster = null, string? Optional = null);

/// <summary>
/// One client to generate: its settings and the clusters it targets. Most clients target one cluster,
/// whose spec may be several files (a cluster's OpenAPI v3 group-version documents merge); a client with
/// several named clusters gets the API every one of them serves.
/// </summary>
/// <param name="TrackSurface">A spec lock is in use: record each cluster's selected surface.</param>
internal sealed record ClientRequest(
    string RootNamespace,
    string ClientName,
    ImmutableEquatableArray<ClusterRequest> Clusters,
    ImmutableEquatableArray<string> Selectors,
    bool TrackSurface = false)
{
    /// <summary>Every spec file of every cluster, in cluster order.</summary>
    public ImmutableEquatableArray<string> SpecPaths => Clusters.SelectMany(c => c.SpecPaths).ToImmutableEquatableArray();
}

/// <summary>One cluster of a client: its name (empty for a client of one unnamed cluster), its spec files and the selector entries it may lack.</summary>
/// <param name="ServerVersion">The server's version from a sidecar beside its spec (KubeGenFetchSpec), when there is one; else the spec says.</param>
internal sealed record ClusterRequest(string Name, ImmutableEquatableArray<string> SpecPaths, ImmutableEquatableArray<string> Optional, string? ServerVersion = null);
