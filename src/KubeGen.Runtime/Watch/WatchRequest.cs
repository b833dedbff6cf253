namespace KubeGen.Runtime;

/// <summary>
/// What a <see cref="ResumableWatch"/> asks one watch call for: the resourceVersion to start after,
/// the server-side timeout, whether to ask for bookmarks and, to stream the current state first,
/// <c>sendInitialEvents</c> with <c>resourceVersionMatch</c>. Generated <c>WatchAsync</c> methods take
/// these as <c>resourceVersion</c>, <c>timeoutSeconds</c>, <c>allowWatchBookmarks</c>,
/// <c>sendInitialEvents</c> and <c>resourceVersionMatch</c>; pass every one the method has.
/// </summary>
/// <param name="ResourceVersion">
/// Start after this resourceVersion. With <see cref="SendInitialEvents"/> it is <c>""</c>: the current state
/// (a consistent read) is streamed first.
/// </param>
/// <param name="TimeoutSeconds">The server-side timeout of this watch call.</param>
/// <param name="AllowWatchBookmarks">Whether to ask for BOOKMARK events.</param>
public readonly record struct WatchRequest(string? ResourceVersion, int? TimeoutSeconds, bool AllowWatchBookmarks)
{
    /// <summary>
    /// <c>sendInitialEvents</c>: true when the watch must begin with an ADDED event for every object of the
    /// current state, ended by a BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c>; otherwise null (not sent).
    /// </summary>
    public bool? SendInitialEvents { get; init; }

    /// <summary><c>resourceVersionMatch</c>: <c>NotOlderThan</c> together with <see cref="SendInitialEvents"/>; otherwise null (not sent).</summary>
    public string? ResourceVersionMatch { get; init; }
}

/// <summary>What a <see cref="ResourceCache{T, TList}"/> or <see cref="ResumableWatch.FollowAsync{T, TList}"/> asks one list call (one page) for.</summary>
/// <param name="Continue">The continue token of the previous page; null for the first page.</param>
/// <param name="Limit">The page size; null lists everything at once.</param>
/// <param name="ResourceVersion">The resourceVersion to list at; null reads the current state (a consistent read).</param>
public readonly record struct ListRequest(string? Continue, int? Limit, string? ResourceVersion);
