namespace KubeGen.Runtime;

/// <summary>
/// What a <see cref="ResumableWatch"/> asks one watch call for: the resourceVersion to start after,
/// the server-side timeout and whether to ask for bookmarks. Generated <c>WatchAsync</c> methods take
/// these as <c>resourceVersion</c>, <c>timeoutSeconds</c> and <c>allowWatchBookmarks</c>.
/// </summary>
/// <param name="ResourceVersion">Start after this resourceVersion; null starts at the current state (with synthetic ADDED events).</param>
/// <param name="TimeoutSeconds">The server-side timeout of this watch call.</param>
/// <param name="AllowWatchBookmarks">Whether to ask for BOOKMARK events.</param>
public readonly record struct WatchRequest(string? ResourceVersion, int? TimeoutSeconds, bool AllowWatchBookmarks);

/// <summary>What a <see cref="ResourceCache{T, TList}"/> asks one list call (one page) for.</summary>
/// <param name="Continue">The continue token of the previous page; null for the first page.</param>
/// <param name="Limit">The page size; null lists everything at once.</param>
/// <param name="ResourceVersion">The resourceVersion to list at; null reads the current state (a consistent read).</param>
public readonly record struct ListRequest(string? Continue, int? Limit, string? ResourceVersion);
