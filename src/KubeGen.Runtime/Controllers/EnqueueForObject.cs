namespace KubeGen.Runtime;

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
