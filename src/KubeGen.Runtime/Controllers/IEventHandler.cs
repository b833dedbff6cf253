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
