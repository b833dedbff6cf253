namespace KubeGen.Runtime;

/// <summary>
/// Something that must start and catch up with the server before a controller's workers may trust it
/// (controller-runtime's <c>SyncingSource</c>): an informer cache.
/// </summary>
public interface ISyncingSource
{
    /// <summary>Whether <see cref="StartAsync"/> has been called.</summary>
    bool IsStarted { get; }

    /// <summary>Whether the first full state has been stored.</summary>
    bool HasSynced { get; }

    /// <summary>Starts in the background; returns the source's loop, which ends when it is stopped or fails for good.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for the first sync; throws when the source failed for good (403 on its first list).</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken = default);
}

/// <summary>An informer: a synced store of one kind plus change notifications (<see cref="ResourceCache{T, TList}"/>).</summary>
/// <typeparam name="T">The kind.</typeparam>
public interface IInformer<T> : ISyncingSource
    where T : class, IKubeObject
{
    /// <summary>An object appeared (or existed at the first list).</summary>
    event Action<T>? OnAdded;

    /// <summary>An object changed: (old, new); at a resync old and new are the same object.</summary>
    event Action<T, T>? OnUpdated;

    /// <summary>An object was deleted (its last known state).</summary>
    event Action<T>? OnDeleted;

    /// <summary>The stored object, or null.</summary>
    T? Get(string? @namespace, string name);

    /// <summary>A snapshot of every stored object.</summary>
    IReadOnlyList<T> List();
}
