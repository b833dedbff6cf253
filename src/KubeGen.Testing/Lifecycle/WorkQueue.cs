namespace KubeGen.Testing.Lifecycle;

/// <summary>One piece of a controller's work: the controller and the key it works on (an object's uid, a namespace's name).</summary>
internal sealed record WorkItem(IClusterController Controller, string Key);

/// <summary>
/// The controllers' to-do list: first in, first out, and a key already waiting is not added again
/// (as client-go's work queue coalesces), so a namespace whose thousand objects go reconciles once.
/// </summary>
internal sealed class WorkQueue
{
    private readonly Queue<WorkItem> _order = new();
    private readonly HashSet<WorkItem> _waiting = [];

    public int Count => _order.Count;

    public void Add(IClusterController controller, string key)
    {
        var item = new WorkItem(controller, key);
        if (_waiting.Add(item))
        {
            _order.Enqueue(item);
        }
    }

    public bool TryTake(out WorkItem item)
    {
        if (_order.TryDequeue(out WorkItem? next))
        {
            _waiting.Remove(next);
            item = next;
            return true;
        }

        item = null!;
        return false;
    }
}
