namespace KubeGen.Runtime;

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
