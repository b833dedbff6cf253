namespace KubeGen.Runtime;

/// <summary>How a <see cref="ResourceCache{T, TList}"/> lists, watches and resyncs.</summary>
public sealed class ResourceCacheOptions
{
    /// <summary>Cache only objects with these labels (<c>app=web</c>); the generated <c>CreateCache</c> sends it on every list and watch call.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Cache only objects with these fields (<c>spec.nodeName=node-1</c>); the generated <c>CreateCache</c> sends it on every list and watch call.</summary>
    public string? FieldSelector { get; set; }

    /// <summary>Items per list page (default 500, like client-go); null lists everything in one response.</summary>
    public int? PageSize { get; set; } = 500;

    /// <summary>
    /// When positive, every object in the store is reported again through <see cref="ResourceCache{T, TList}.OnUpdated"/>
    /// (old and new being the same object) at this interval, so that handlers can re-check their work. Default off.
    /// </summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.Zero;

    /// <summary>The watch's idle bound, server timeouts and reconnect backoff (its <see cref="ResumableWatchOptions.EmitBookmarks"/> is ignored).</summary>
    public ResumableWatchOptions Watch { get; set; } = new();

    /// <summary>
    /// Keep metadata.managedFields in stored objects (default false: the default transform drops them, as controller-runtime
    /// recommends; a controller that applies with server-side apply does not need to read them).
    /// </summary>
    public bool KeepManagedFields { get; set; }

    /// <summary>
    /// How the state is read before watching: <see cref="InitialListMode.List"/> (default; paged lists, every API server) or
    /// <see cref="InitialListMode.Stream"/> (one watch with <c>sendInitialEvents</c>, ended by the <c>k8s.io/initial-events-end</c>
    /// bookmark: no large list response in memory on either side; Kubernetes 1.32+ by default). A server that refuses
    /// streaming (400/422), or does not end the stream with the bookmark within <see cref="InitialEventsTimeout"/> (an API
    /// server older than 1.27 ignores the parameter), makes the cache fall back to lists for good.
    /// </summary>
    public InitialListMode InitialList { get; set; } = InitialListMode.List;

    /// <summary>How long a streamed initial state may take to reach its end bookmark before the cache falls back to lists (default 2 min).</summary>
    public TimeSpan InitialEventsTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first wait after a failed list (default 0.8 s, doubling to <see cref="ResumableWatchOptions.MaxBackoff"/>).</summary>
    public TimeSpan ListBackoff { get; set; } = TimeSpan.FromMilliseconds(800);
}
