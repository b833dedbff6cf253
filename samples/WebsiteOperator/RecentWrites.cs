using System.Collections.Concurrent;

namespace WebsiteOperator;

/// <summary>
/// Which generation of which Website (by uid) the operator last wrote something for, per written object. The caches learn
/// of a write only when its watch event arrives, and the Website's own events (the finalizer just added) often come first:
/// a reconcile in between would find the child missing or the status old and write them again, moving the Ready
/// condition's lastTransitionTime. A write this table remembers is taken as done until a cache shows otherwise.
/// </summary>
internal sealed class RecentWrites
{
    private readonly ConcurrentDictionary<string, (string? Uid, long? Generation)> _writes = new(StringComparer.Ordinal);

    /// <summary>Whether the object at <paramref name="key"/> was written for exactly this Website uid and generation.</summary>
    public bool Has(string key, string? uid, long? generation)
        => _writes.TryGetValue(key, out var write) && write.Uid == uid && write.Generation == generation;

    public void Record(string key, string? uid, long? generation) => _writes[key] = (uid, generation);

    /// <summary>The object is gone (a cache saw it deleted, or its Website went): the next reconcile writes it again.</summary>
    public void Forget(string key) => _writes.TryRemove(key, out _);
}
