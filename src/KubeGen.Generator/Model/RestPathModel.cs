namespace KubeGen.Generator.Model;

/// <summary>
/// The REST path of an operation, as the one path grammar read it: only the placeholders the
/// generated method fills (namespace, name) are parameters; everything else was validated against
/// the Kubernetes name grammar and is written as a literal.
/// </summary>
/// <param name="Root">"/api/v1" or "/apis/{group}/{version}" with the group and version filled in.</param>
/// <param name="InNamespace">The path has the namespaces/{namespace} prefix.</param>
/// <param name="Resource">The resource (plural).</param>
/// <param name="Named">The path names one object ({name}).</param>
/// <param name="Subresource">The subresource, or null.</param>
internal sealed record RestPathModel(string Root, bool InNamespace, string Resource, bool Named, string? Subresource)
{
    /// <summary>The path as the spec writes it, for documentation and diagnostics.</summary>
    public string Template
        => Root + (InNamespace ? "/namespaces/{namespace}" : string.Empty) + "/" + Resource
            + (Named ? "/{name}" : string.Empty) + (Subresource is null ? string.Empty : "/" + Subresource);
}
