using System.Collections.Concurrent;
using KubeGen.Testing.Http;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The emulated kube-controller-manager: the garbage collector, the namespace controller, the
/// kubelet's side of pod deletion, the CRD controller and, when asked for, rollouts. It hears every
/// change of the store (in commit order, as an informer would) and does the work those changes call
/// for in <see cref="Settle"/>, which every write request runs before it answers. So the effects a
/// real cluster shows moments later (dependents gone, a namespace emptied and removed) are there when
/// the write returns, in the same order a real cluster makes them, and no test waits or sleeps for
/// them. Work waits where a real cluster's would: for a finalizer someone else must remove.
/// </summary>
internal sealed class ClusterControllers
{
    /// <summary>A bound on one drain, so a controller that keeps writing cannot hang a request; what is left stays queued.</summary>
    private const int MaxStepsPerSettle = 1_000_000;

    private readonly ConcurrentQueue<StoreEvent> _changes = new();
    private readonly Lock _drain = new();
    private readonly WorkQueue _work = new();
    private readonly List<IClusterController> _controllers = [];

    public OwnerIndex Owners { get; } = new();

    public void Add(IClusterController controller) => _controllers.Add(controller);

    /// <summary>Called by the store for each committed change, under its lock: only queues.</summary>
    public void Changed(StoreEvent change) => _changes.Enqueue(change);

    /// <summary>Runs the controllers until nothing they can do is left.</summary>
    public void Settle()
    {
        lock (_drain)
        {
            for (int step = 0; step < MaxStepsPerSettle; step++)
            {
                try
                {
                    if (_changes.TryDequeue(out StoreEvent? change))
                    {
                        Owners.Apply(change);
                        foreach (IClusterController controller in _controllers)
                        {
                            controller.Observe(change, _work);
                        }
                    }
                    else if (_work.TryTake(out WorkItem item))
                    {
                        item.Controller.Run(item.Key, _work);
                    }
                    else
                    {
                        return;
                    }
                }
                catch (StatusException)
                {
                    // The object changed or went away meanwhile (a 404 or 409): the change that did it
                    // queues whatever is still to do, as a controller's next sync would.
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException)
                {
                    // An object a controller cannot read (a field of an unexpected JSON type, possible in
                    // kinds served without a schema): like a real controller's failed sync, it is skipped,
                    // and the request that stored it is not failed for it.
                }
            }
        }
    }
}
