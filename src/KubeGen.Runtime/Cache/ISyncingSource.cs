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
