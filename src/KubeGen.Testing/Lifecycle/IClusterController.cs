using KubeGen.Testing.Store;

namespace KubeGen.Testing.Lifecycle;

/// <summary>An emulated controller: it sees every change, in commit order, and queues the work the change calls for.</summary>
internal interface IClusterController
{
    /// <summary>Looks at one change (the owner index is already up to date with it) and queues work.</summary>
    void Observe(StoreEvent change, WorkQueue queue);

    /// <summary>Does the work queued for <paramref name="key"/>; more may be queued for later.</summary>
    void Run(string key, WorkQueue queue);
}
