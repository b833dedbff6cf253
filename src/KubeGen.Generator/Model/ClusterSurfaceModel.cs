namespace KubeGen.Generator.Model;

/// <summary>
/// What the spec lock records of one cluster of a client: its spec files and the surface its selection
/// generates, as sorted lines ("operation …", "option …", "type …", "field …"). Computed only when a lock
/// is in use.
/// </summary>
/// <param name="Cluster">The cluster's name; empty for a client of one unnamed cluster.</param>
/// <param name="SpecPaths">The cluster's spec files.</param>
/// <param name="Lines">The surface, one line per operation, options property, type and field, sorted.</param>
/// <param name="ServerVersion">The server's version from a sidecar beside the spec, when there is one.</param>
internal sealed record ClusterSurfaceModel(string Cluster, ImmutableEquatableArray<string> SpecPaths, ImmutableEquatableArray<string> Lines, string? ServerVersion);
