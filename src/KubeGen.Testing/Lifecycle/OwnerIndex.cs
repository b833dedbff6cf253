using System.Text.Json.Nodes;
using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>
/// The garbage collector's graph (kube-controller-manager's <c>GraphBuilder</c>), kept from the
/// store's changes: every object by uid, and the dependents that name each uid as their owner, so
/// that a delete finds its dependents without scanning the store. Only the controllers' drain
/// (one thread at a time) reads and writes it.
/// </summary>
internal sealed class OwnerIndex
{
    private readonly Dictionary<string, ObjectRef> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ObjectRef>> _dependents = new(StringComparer.Ordinal);

    public void Apply(StoreEvent e)
    {
        if (e.Previous is not null && ObjectRef.Of(e.Resource, e.Previous) is ObjectRef before)
        {
            foreach (OwnerReference owner in OwnerReference.Of(e.Previous))
            {
                if (_dependents.TryGetValue(owner.Uid, out HashSet<ObjectRef>? set))
                {
                    set.Remove(before);
                    if (set.Count == 0)
                    {
                        _dependents.Remove(owner.Uid);
                    }
                }
            }
        }

        ObjectRef? current = ObjectRef.Of(e.Resource, e.Object);
        if (current is null)
        {
            return;
        }

        if (e.Type == "DELETED")
        {
            _byUid.Remove(current.Uid);
            return;
        }

        _byUid[current.Uid] = current;
        foreach (OwnerReference owner in OwnerReference.Of(e.Object))
        {
            if (!_dependents.TryGetValue(owner.Uid, out HashSet<ObjectRef>? set))
            {
                set = [];
                _dependents[owner.Uid] = set;
            }

            set.Add(current);
        }
    }

    public ObjectRef? Find(string uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>The objects that name <paramref name="uid"/> as an owner, in a stable order.</summary>
    public IReadOnlyList<ObjectRef> DependentsOf(string uid)
        => _dependents.TryGetValue(uid, out HashSet<ObjectRef>? set)
            ? [.. set.OrderBy(d => d.Resource.Group, StringComparer.Ordinal).ThenBy(d => d.Resource.Plural, StringComparer.Ordinal).ThenBy(d => d.Namespace, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal)]
            : [];

    public bool HasDependents(string uid) => _dependents.ContainsKey(uid);
}
