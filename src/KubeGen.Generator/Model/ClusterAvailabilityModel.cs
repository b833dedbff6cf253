namespace KubeGen.Generator.Model;

/// <summary>
/// For a client of several clusters: the clusters that serve a resource, operation, field or query
/// parameter, and those that do not. Null on a member means every cluster serves it.
/// </summary>
/// <param name="ServedBy">The clusters that serve it, as "name (version)".</param>
/// <param name="MissingFrom">The clusters that do not.</param>
internal sealed record ClusterAvailabilityModel(ImmutableEquatableArray<string> ServedBy, ImmutableEquatableArray<string> MissingFrom)
{
    /// <summary>"Served by dev (v1.36.0); not by prod (v1.31.1)."</summary>
    public string Text => $"Served by {string.Join(", ", ServedBy)}; not by {string.Join(", ", MissingFrom)}.";
}
