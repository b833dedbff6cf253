namespace KubeGen.Runtime;

/// <summary>The type of a watch event. <c>ERROR</c> events are raised as <see cref="KubeApiException"/> instead.</summary>
public enum WatchEventType
{
    /// <summary>The object was added (or existed when the watch started).</summary>
    Added,

    /// <summary>The object was modified.</summary>
    Modified,

    /// <summary>The object was deleted; the event carries its last state.</summary>
    Deleted,

    /// <summary>
    /// No change: the object carries only <c>metadata.resourceVersion</c>, the point the watch
    /// can be resumed from (sent when <c>allowWatchBookmarks=true</c>).
    /// </summary>
    Bookmark,
}
