using System.Runtime.InteropServices;

namespace KubeGen.Runtime;

/// <summary>An object's identity within one resource: namespace (null for cluster-scoped kinds) and name.</summary>
internal readonly record struct ObjectKey(string? Namespace, string Name)
{
    /// <summary>The key of an object, or null when it has no name.</summary>
    public static ObjectKey? Of(IKubeObject item)
        => item.ObjectMetadata is { Name: { Length: > 0 } name } metadata
            ? new ObjectKey(string.IsNullOrEmpty(metadata.Namespace) ? null : metadata.Namespace, name)
            : null;
}

/// <summary>
/// What a follower has delivered: the resourceVersion of every object it reported, by key, and nothing more
/// (memory grows with the number of objects, not their size). When the full state is read again (a relist, a
/// restarted initial-events stream), <see cref="InState"/> says what to report for each object and
/// <see cref="EndState"/> which delivered objects are gone.
/// </summary>
internal sealed class DeliveredVersions
{
    private readonly Dictionary<ObjectKey, Entry> _entries = new();
    private int _state;

    /// <summary>The number of objects delivered and not deleted.</summary>
    public int Count => _entries.Count;

    /// <summary>A new reading of the full state begins (one that broke off earlier is abandoned).</summary>
    public void BeginState() => _state++;

    /// <summary>
    /// An object of the state being read: <see cref="WatchEventType.Added"/> when it was not delivered,
    /// <see cref="WatchEventType.Modified"/> when its version changed since, null when it was delivered at this version.
    /// </summary>
    public WatchEventType? InState(ObjectKey key, string? resourceVersion)
    {
        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out bool delivered);
        string? previous = entry.ResourceVersion;
        entry = new Entry(resourceVersion, _state);
        if (!delivered)
        {
            return WatchEventType.Added;
        }

        return string.Equals(previous, resourceVersion, StringComparison.Ordinal) ? null : WatchEventType.Modified;
    }

    /// <summary>The state has been read completely: removes and returns the delivered objects it did not hold.</summary>
    public List<(ObjectKey Key, string? ResourceVersion)> EndState()
    {
        var gone = new List<(ObjectKey, string?)>();
        foreach ((ObjectKey key, Entry entry) in _entries)
        {
            if (entry.State != _state)
            {
                gone.Add((key, entry.ResourceVersion));
            }
        }

        foreach ((ObjectKey key, _) in gone)
        {
            _entries.Remove(key);
        }

        return gone;
    }

    /// <summary>A live change is being delivered.</summary>
    public void Apply(WatchEventType type, ObjectKey key, string? resourceVersion)
    {
        if (type == WatchEventType.Deleted)
        {
            _entries.Remove(key);
        }
        else if (type != WatchEventType.Bookmark)
        {
            _entries[key] = new Entry(resourceVersion, _state);
        }
    }

    private readonly record struct Entry(string? ResourceVersion, int State);
}
