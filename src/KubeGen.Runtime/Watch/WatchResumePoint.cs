namespace KubeGen.Runtime;

/// <summary>What the last event observed by a <see cref="WatchResumePoint"/> was part of.</summary>
internal enum WatchPhase
{
    /// <summary>A change after the resume point (or a bookmark advancing it).</summary>
    Live,

    /// <summary>An object of the current state streamed before the initial-events-end bookmark (or a bookmark before it).</summary>
    InitialState,

    /// <summary>The BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c>: the initial state is complete.</summary>
    InitialStateEnd,
}

/// <summary>
/// Where a resumable watch continues from, and what its next watch call asks for. Only versions that really
/// order the stream are resume points: a live event's or a bookmark's, and the initial-events-end bookmark's.
/// The ADDED events of a state streamed at the start of a watch come in key order, not version order, so
/// resuming from one of them would skip every object listed after it with a lower version.
/// </summary>
internal sealed class WatchResumePoint
{
    /// <summary>The annotation of the bookmark that ends a streamed initial state.</summary>
    public const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";

    /// <summary>The <c>resourceVersionMatch</c> that <c>sendInitialEvents</c> requires.</summary>
    public const string NotOlderThan = "NotOlderThan";

    private WatchResumePoint(string? resourceVersion, bool awaitingInitialEvents)
    {
        ResourceVersion = resourceVersion;
        AwaitingInitialEvents = awaitingInitialEvents;
    }

    /// <summary>The last version it is safe to resume from; null while the initial state is being streamed.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>Whether the next watch call streams the current state first (its end bookmark has not arrived yet).</summary>
    public bool AwaitingInitialEvents { get; private set; }

    /// <summary>How many watch calls were started; a follower tells a restarted initial-state stream by it.</summary>
    public int Calls { get; private set; }

    /// <summary>What the last observed event was part of.</summary>
    public WatchPhase LastPhase { get; private set; }

    /// <summary>Resumes after <paramref name="resourceVersion"/> (a list's, or the caller's).</summary>
    public static WatchResumePoint After(string resourceVersion) => new(resourceVersion, awaitingInitialEvents: false);

    /// <summary>Starts with the current state streamed as initial events.</summary>
    public static WatchResumePoint WithInitialEvents() => new(null, awaitingInitialEvents: true);

    /// <summary>Whether a resourceVersion names no point in history: unset, or "0" (any version, served from the cache).</summary>
    public static bool IsUnset(string? resourceVersion) => string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0";

    /// <summary>From now on, resume after <paramref name="resourceVersion"/> (a new list's).</summary>
    public void MoveTo(string resourceVersion)
    {
        ResourceVersion = resourceVersion;
        AwaitingInitialEvents = false;
    }

    /// <summary>From now on, stream the current state again (the resume point has expired).</summary>
    public void RestartInitialEvents()
    {
        ResourceVersion = null;
        AwaitingInitialEvents = true;
    }

    /// <summary>The next watch call.</summary>
    public WatchRequest NextRequest(int timeoutSeconds, bool allowWatchBookmarks)
    {
        Calls++;
        return AwaitingInitialEvents
            // The end of the initial state is only marked by a bookmark, so bookmarks are needed whatever the options say.
            ? new WatchRequest(string.Empty, timeoutSeconds, AllowWatchBookmarks: true) { SendInitialEvents = true, ResourceVersionMatch = NotOlderThan }
            : new WatchRequest(ResourceVersion, timeoutSeconds, allowWatchBookmarks);
    }

    /// <summary>Advances past an event and records its <see cref="LastPhase"/>.</summary>
    public void Observe(WatchEventType type, IKubeObject item)
    {
        string? version = item.ObjectMetadata?.ResourceVersion;
        if (!AwaitingInitialEvents)
        {
            LastPhase = WatchPhase.Live;
            if (!string.IsNullOrEmpty(version))
            {
                ResourceVersion = version;
            }

            return;
        }

        if (type == WatchEventType.Bookmark && IsInitialEventsEnd(item) && !string.IsNullOrEmpty(version))
        {
            LastPhase = WatchPhase.InitialStateEnd;
            ResourceVersion = version;
            AwaitingInitialEvents = false;
            return;
        }

        LastPhase = WatchPhase.InitialState;
    }

    private static bool IsInitialEventsEnd(IKubeObject bookmark)
        => bookmark.ObjectMetadata?.Annotations is { } annotations
            && annotations.TryGetValue(InitialEventsEndAnnotation, out string? value)
            && string.Equals(value, "true", StringComparison.Ordinal);
}
