using System.Globalization;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Store;

/// <summary>One change, as kept in the watch history.</summary>
/// <param name="ResourceVersion">The store version this change produced.</param>
/// <param name="Resource">The resource the object belongs to.</param>
/// <param name="Namespace">The object's namespace (empty for cluster-scoped objects).</param>
/// <param name="Name">The object's name.</param>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="Object">The object after the change (for DELETED: the last state, with the deletion's version).</param>
/// <param name="Previous">The object before the change (null for ADDED).</param>
internal sealed record StoreEvent(long ResourceVersion, ResourceKey Resource, string Namespace, string Name, string Type, JsonObject Object, JsonObject? Previous);

/// <summary>What a mutation function decided.</summary>
internal abstract record Mutation
{
    public static readonly Mutation None = new NoChange();

    public sealed record NoChange : Mutation;

    public sealed record Put(JsonObject Object) : Mutation;

    public sealed record Remove : Mutation;
}

/// <summary>
/// The in-memory store: one global resourceVersion counter, every object immutable once stored,
/// a bounded history of changes (for watch resume, consistent list pages and exact-version
/// lists), and the subscribed watchers. All writes go through one lock, so versions and the order
/// watchers see are the order of commits.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKey, SortedDictionary<string, JsonObject>> _data = [];
    private readonly LinkedList<StoreEvent> _history = new();
    private readonly List<StoreWatcher> _watchers = [];
    private readonly int _historyWindow;
    private readonly int _watchQueueLimit;
    private long _rv;
    private long _floor;
    private int _mostQueuedWatchEvents;

    public ObjectStore(int historyWindow, int watchQueueLimit, long initialResourceVersion = 1)
    {
        _historyWindow = Math.Max(1, historyWindow);
        _watchQueueLimit = Math.Max(1, watchQueueLimit);
        _rv = initialResourceVersion;
        _floor = initialResourceVersion;
    }

    /// <summary>The most events any watcher has had queued at once (what <see cref="KubeApiServerEmulatorOptions.WatchQueueLimit"/> bounds).</summary>
    public int MostQueuedWatchEvents
    {
        get
        {
            lock (_gate)
            {
                return _mostQueuedWatchEvents;
            }
        }
    }

    public long CurrentResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _rv;
            }
        }
    }

    /// <summary>Versions older than this are gone from the history (kube-apiserver's <c>oldest-1</c>).</summary>
    public long HistoryFloor
    {
        get
        {
            lock (_gate)
            {
                return _floor;
            }
        }
    }

    /// <summary>Called with every committed change, under the store's lock and in commit order (the emulated controllers' informer); it must only queue.</summary>
    public Action<StoreEvent>? Changed { get; set; }

    public static string StorageKey(string ns, string name) => ns + "/" + name;

    public JsonObject? Get(ResourceKey resource, string ns, string name)
    {
        lock (_gate)
        {
            return _data.TryGetValue(resource, out SortedDictionary<string, JsonObject>? objects) && objects.TryGetValue(StorageKey(ns, name), out JsonObject? obj) ? obj : null;
        }
    }

    /// <summary>The current objects (in key order) and the version they are consistent with.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(ResourceKey resource, string? ns)
    {
        lock (_gate)
        {
            return (Select(resource, ns).Select(p => p.Value).ToList(), _rv);
        }
    }

    /// <summary>The objects as they were at <paramref name="resourceVersion"/>, rebuilt from the history.</summary>
    /// <exception cref="StatusException">410 when that version is older than the retained history.</exception>
    public List<JsonObject> ListAt(ResourceKey resource, string? ns, long resourceVersion, Func<StatusException> expired)
    {
        lock (_gate)
        {
            if (resourceVersion < _floor)
            {
                throw expired();
            }

            var state = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, JsonObject> pair in Select(resource, ns))
            {
                state[pair.Key] = pair.Value;
            }

            for (LinkedListNode<StoreEvent>? node = _history.Last; node is not null && node.Value.ResourceVersion > resourceVersion; node = node.Previous)
            {
                StoreEvent e = node.Value;
                if (e.Resource != resource || (ns is not null && e.Namespace != ns))
                {
                    continue;
                }

                string key = StorageKey(e.Namespace, e.Name);
                if (e.Previous is null)
                {
                    state.Remove(key);
                }
                else
                {
                    state[key] = e.Previous;
                }
            }

            return state.Values.ToList();
        }
    }

    private IEnumerable<KeyValuePair<string, JsonObject>> Select(ResourceKey resource, string? ns)
    {
        if (!_data.TryGetValue(resource, out SortedDictionary<string, JsonObject>? objects))
        {
            return [];
        }

        return ns is null ? objects : objects.Where(p => p.Key.StartsWith(ns + "/", StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads the current object and commits what <paramref name="mutate"/> decides, atomically.
    /// A Put gets the next resourceVersion written into its metadata.
    /// </summary>
    /// <returns>The stored object after the mutation (the removed one for Remove; null if absent and unchanged).</returns>
    public JsonObject? Mutate(ResourceKey resource, string ns, string name, Func<JsonObject?, long, Mutation> mutate)
    {
        lock (_gate)
        {
            if (!_data.TryGetValue(resource, out SortedDictionary<string, JsonObject>? objects))
            {
                objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                _data[resource] = objects;
            }

            string key = StorageKey(ns, name);
            JsonObject? current = objects.GetValueOrDefault(key);
            Mutation mutation = mutate(current, _rv + 1);
            switch (mutation)
            {
                case Mutation.Put put:
                {
                    long rv = ++_rv;
                    JsonObject stored = put.Object.DeepClone().AsObject();
                    JsonObject metadata = stored["metadata"] as JsonObject ?? new JsonObject();
                    stored["metadata"] = metadata;
                    metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                    objects[key] = stored;
                    Record(new StoreEvent(rv, resource, ns, name, current is null ? "ADDED" : "MODIFIED", stored, current));
                    return stored;
                }

                case Mutation.Remove when current is not null:
                {
                    long rv = ++_rv;
                    objects.Remove(key);
                    JsonObject last = current.DeepClone().AsObject();
                    ((JsonObject)last["metadata"]!)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                    Record(new StoreEvent(rv, resource, ns, name, "DELETED", last, current));
                    return current;
                }

                default:
                    return current;
            }
        }
    }

    /// <summary>Every stored object across resources (for garbage collection and namespace cleanup).</summary>
    public List<(ResourceKey Resource, JsonObject Object)> All()
    {
        lock (_gate)
        {
            return _data.SelectMany(d => d.Value.Values.Select(o => (d.Key, o))).ToList();
        }
    }

    private void Record(StoreEvent e)
    {
        Changed?.Invoke(e);
        _history.AddLast(e);
        while (_history.Count > _historyWindow)
        {
            _floor = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        List<StoreWatcher>? behind = null;
        foreach (StoreWatcher watcher in _watchers)
        {
            if (watcher.Resource != e.Resource || (watcher.Namespace is not null && watcher.Namespace != e.Namespace))
            {
                continue;
            }

            if (watcher.TryEnqueue(e))
            {
                _mostQueuedWatchEvents = Math.Max(_mostQueuedWatchEvents, watcher.Pending);
            }
            else
            {
                (behind ??= []).Add(watcher);
            }
        }

        // A full queue: the client has stopped taking changes. Writers never wait for a watcher
        // (kube-apiserver's cacher waits a little, then gives up the same way): it is closed.
        foreach (StoreWatcher watcher in behind ?? [])
        {
            _watchers.Remove(watcher);
            watcher.CloseForFallingBehind();
        }
    }

    /// <summary>
    /// Subscribes to changes of a resource. With a version, the backlog holds the retained changes
    /// after it; without (null), it holds a synthetic ADDED for every current object.
    /// </summary>
    /// <exception cref="StatusException">410 Expired when the version is older than the history.</exception>
    public StoreWatcher Subscribe(ResourceKey resource, string? ns, long? fromVersion, out List<StoreEvent> backlog, out long snapshotVersion)
    {
        lock (_gate)
        {
            snapshotVersion = _rv;
            backlog = [];
            if (fromVersion is long from)
            {
                if (from < _floor)
                {
                    throw StatusErrors.Expired($"too old resource version: {from} ({_floor})");
                }

                foreach (StoreEvent e in _history)
                {
                    if (e.ResourceVersion > from && e.Resource == resource && (ns is null || e.Namespace == ns))
                    {
                        backlog.Add(e);
                    }
                }
            }
            else
            {
                foreach (KeyValuePair<string, JsonObject> pair in Select(resource, ns))
                {
                    string rvText = pair.Value["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "0";
                    long rv = long.Parse(rvText, CultureInfo.InvariantCulture);
                    string objectNs = pair.Value["metadata"]?["namespace"]?.GetValue<string>() ?? "";
                    string name = pair.Value["metadata"]?["name"]?.GetValue<string>() ?? "";
                    backlog.Add(new StoreEvent(rv, resource, objectNs, name, "ADDED", pair.Value, null));
                }
            }

            var watcher = new StoreWatcher(this, resource, ns, _watchQueueLimit);
            _watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Unsubscribe(StoreWatcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }

        watcher.Complete();
    }

    /// <summary>
    /// The version a bookmark may carry for this watcher now: the current version, if every change
    /// up to it has already been taken from the watcher's queue; otherwise null (try again later).
    /// Never for a watcher closed for falling behind: its queue is empty because changes were dropped.
    /// </summary>
    public long? BookmarkVersion(StoreWatcher watcher)
    {
        lock (_gate)
        {
            return watcher.Pending == 0 && !watcher.FellBehind ? _rv : null;
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }
}
