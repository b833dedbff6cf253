namespace KubeGen.Runtime;

/// <summary>
/// Turns a watched object into the requests to reconcile (controller-runtime's <c>handler.EventHandler</c>). The
/// controller calls it with the new object of an add, the old and the new object of an update, and the last state of a
/// deleted object; the queue merges the requests. Handlers are named for what they enqueue.
/// </summary>
/// <typeparam name="T">The watched kind.</typeparam>
public interface IEventHandler<in T>
    where T : class, IKubeObject
{
    /// <summary>Adds the requests <paramref name="item"/> maps to.</summary>
    void Map(T item, ICollection<ReconcileRequest> requests);
}

/// <summary>Enqueues the object itself: the handler of a controller's primary kind (<c>EnqueueRequestForObject</c>).</summary>
/// <typeparam name="T">The primary kind.</typeparam>
public sealed class EnqueueForObject<T> : IEventHandler<T>
    where T : class, IKubeObject
{
    /// <inheritdoc/>
    public void Map(T item, ICollection<ReconcileRequest> requests)
    {
        if (ReconcileRequest.For(item) is { } request)
        {
            requests.Add(request);
        }
    }
}

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

/// <summary>Enqueues whatever a function maps the object to (<c>EnqueueRequestsFromMapFunc</c>): label maps, references in a spec, a fixed key.</summary>
/// <typeparam name="T">The watched kind.</typeparam>
/// <param name="map">The requests for an object; it runs on the cache's loop, so keep it quick and read only caches.</param>
public sealed class EnqueueFromMap<T>(Func<T, IEnumerable<ReconcileRequest>> map) : IEventHandler<T>
    where T : class, IKubeObject
{
    private readonly Func<T, IEnumerable<ReconcileRequest>> _map = map ?? throw new ArgumentNullException(nameof(map));

    /// <summary>Enqueues the object named by a label's value, in the object's namespace (children labelled with their parent's name).</summary>
    public static EnqueueFromMap<T> ByLabel(string labelKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(labelKey);
        return new EnqueueFromMap<T>(item =>
            item.ObjectMetadata is { Labels: { } labels } metadata && labels.TryGetValue(labelKey, out string? name) && !string.IsNullOrEmpty(name)
                ? [new ReconcileRequest(string.IsNullOrEmpty(metadata.Namespace) ? null : metadata.Namespace, name)]
                : []);
    }

    /// <inheritdoc/>
    public void Map(T item, ICollection<ReconcileRequest> requests)
    {
        foreach (ReconcileRequest request in _map(item))
        {
            requests.Add(request);
        }
    }
}
