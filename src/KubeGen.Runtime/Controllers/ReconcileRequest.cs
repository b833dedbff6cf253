namespace KubeGen.Runtime;

/// <summary>
/// What a reconciler is asked to reconcile: the primary object's namespace and name, and nothing else
/// (controller-runtime's <c>reconcile.Request</c>). Reconciling is level-based: the reconciler reads the object's
/// current state itself (from a cache), so a missed, repeated or merged event costs nothing.
/// </summary>
/// <param name="Namespace">The namespace; null for cluster-scoped kinds.</param>
/// <param name="Name">The name.</param>
public readonly record struct ReconcileRequest(string? Namespace, string Name)
{
    /// <summary>The request for an object, or null when it has no name.</summary>
    public static ReconcileRequest? For(IKubeObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.ObjectMetadata is { Name: { Length: > 0 } name } metadata
            ? new ReconcileRequest(string.IsNullOrEmpty(metadata.Namespace) ? null : metadata.Namespace, name)
            : null;
    }

    /// <summary>"namespace/name", or "name" for a cluster-scoped object: the cache's key, and what logs show.</summary>
    public override string ToString() => Namespace is null ? Name : Namespace + "/" + Name;
}
