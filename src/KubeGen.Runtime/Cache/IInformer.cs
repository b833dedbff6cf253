namespace KubeGen.Runtime;

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
