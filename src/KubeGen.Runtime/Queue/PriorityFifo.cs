using System.Diagnostics.CodeAnalysis;

namespace KubeGen.Runtime;

/// <summary>
/// The storage behind <see cref="WorkQueue{T}"/> (client-go keeps storage apart from the queue's semantics too):
/// items by descending priority, first in first out within a priority. An item is held once; raising its priority
/// moves it to the back of its new priority, as if it had just been added there.
/// </summary>
/// <remarks>Not thread-safe: the queue holds its lock around every call.</remarks>
internal sealed class PriorityFifo<T>
    where T : notnull
{
    // Lazy deletion: a raised item is pushed again, and the stale entry is skipped when it comes out.
    private readonly PriorityQueue<T, (int NegatedPriority, long Sequence)> _heap = new();
    private readonly Dictionary<T, (int Priority, long Sequence)> _held = new();
    private long _sequence;

    public int Count => _held.Count;

    public bool Contains(T item) => _held.ContainsKey(item);

    /// <summary>Adds the item, or raises the priority of the one held; false when it was held at that priority or higher.</summary>
    public bool Push(T item, int priority)
    {
        if (_held.TryGetValue(item, out (int Priority, long Sequence) held) && held.Priority >= priority)
        {
            return false;
        }

        long sequence = _sequence++;
        _held[item] = (priority, sequence);
        _heap.Enqueue(item, (-priority, sequence));
        return true;
    }

    public bool TryPop([MaybeNullWhen(false)] out T item, out int priority)
    {
        while (_heap.TryDequeue(out T? candidate, out (int NegatedPriority, long Sequence) key))
        {
            if (_held.TryGetValue(candidate, out (int Priority, long Sequence) held) && held.Sequence == key.Sequence)
            {
                _held.Remove(candidate);
                item = candidate;
                priority = held.Priority;
                return true;
            }
        }

        item = default;
        priority = 0;
        return false;
    }
}
