namespace KubeGen.Runtime;

/// <summary>
/// Enqueues the owner of an owned object (<c>EnqueueRequestForOwner</c>): the owner reference whose kind and API group
/// match, by default only the one marked <c>controller: true</c>. The owner is in the owned object's namespace, or
/// cluster-scoped.
/// </summary>
/// <typeparam name="T">The owned kind.</typeparam>
/// <param name="ownerApiVersion">The owner's apiVersion ("v1", "example.com/v1"); only its group is compared, as the API server converts between versions.</param>
/// <param name="ownerKind">The owner's kind.</param>
/// <param name="onlyController">Only the controlling reference (default true); false enqueues every matching owner.</param>
/// <param name="ownerIsClusterScoped">The owner kind is cluster-scoped: requests carry no namespace.</param>
public sealed class EnqueueForOwner<T>(string ownerApiVersion, string ownerKind, bool onlyController = true, bool ownerIsClusterScoped = false) : IEventHandler<T>
    where T : class, IKubeObject
{
    /// <inheritdoc/>
    public void Map(T item, ICollection<ReconcileRequest> requests)
    {
        foreach (IKubeOwnerReference reference in OwnerReferences.Of(item))
        {
            if ((onlyController && reference.Controller != true)
                || !string.Equals(reference.Kind, ownerKind, StringComparison.Ordinal)
                || !OwnerReferences.SameGroup(reference.ApiVersion, ownerApiVersion))
            {
                continue;
            }

            requests.Add(new ReconcileRequest(ownerIsClusterScoped ? null : NamespaceOf(item), reference.Name));
        }
    }

    private static string? NamespaceOf(T item) => item.ObjectMetadata?.Namespace is { Length: > 0 } ns ? ns : null;
}
