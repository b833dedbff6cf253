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

    /// <summary>The first wait after a failed list (default 0.8 s, doubling to <see cref="ResumableWatchOptions.MaxBackoff"/>).</summary>
    public TimeSpan ListBackoff { get; set; } = TimeSpan.FromMilliseconds(800);
}
