namespace KubeGen.Runtime;

/// <summary>What a generated <c>WatchAsync</c> follows and how a <see cref="ResumableWatch"/> keeps a watch alive.</summary>
public sealed class ResumableWatchOptions
{
    /// <summary>Follow only objects with these labels (<c>app=web,tier!=db</c>); the generated <c>WatchAsync</c> sends it on every list and watch call.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Follow only objects with these fields (<c>metadata.name=web</c>); the generated <c>WatchAsync</c> sends it on every list and watch call.</summary>
    public string? FieldSelector { get; set; }

    /// <summary>
    /// Where the generated <c>WatchAsync</c> starts: null (the default) lists first and reports the current
    /// state as ADDED events; a resourceVersion (typically a list's) starts right after it without listing.
    /// </summary>
    public string? ResourceVersion { get; set; }

    /// <summary>Ask the server for BOOKMARK events (default true). They advance the resume point and keep a quiet watch provably alive.</summary>
    public bool AllowWatchBookmarks { get; set; } = true;

    /// <summary>How often the server is expected to send a bookmark on a quiet watch (default 60 s, the API server's interval).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a watch may stay without any event (bookmarks included) before its connection is
    /// considered dead and a new watch is started from the last resourceVersion. Null (the default):
    /// twice <see cref="BookmarkInterval"/> when bookmarks are requested; otherwise the longest
    /// server-side timeout plus a minute. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// The shortest server-side timeout (<c>timeoutSeconds</c>) of one watch call; each call picks a random
    /// one between this and twice this, as client-go does, so that many watchers do not reconnect at once. Default 5 minutes.
    /// </summary>
    public TimeSpan MinServerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first wait before reconnecting after a failure (default 0.8 s); it doubles up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The longest wait between reconnects (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pass BOOKMARK events on to the caller (default true). The resume point advances either way.</summary>
    public bool EmitBookmarks { get; set; } = true;

    /// <summary>
    /// For <see cref="ResumableWatch.FollowAsync{T, TList}"/> and <see cref="ResumableWatch.FollowWithInitialEventsAsync{T}"/>
    /// started from an explicit resourceVersion: on 410 Gone, read the state again and report the difference instead of
    /// ending with <see cref="WatchExpiredException"/> (default false). The difference is against what this enumeration
    /// delivered, so objects the caller knew from before it started are reported as ADDED again, and one deleted meanwhile
    /// that it never delivered gets no DELETED event. Following from the current state (no resourceVersion) always relists.
    /// </summary>
    public bool RelistOnExpired { get; set; }

    /// <summary>Called (for logging) when a watch or list call ended and a new one is about to start: the reason, or null after a clean end.</summary>
    public Action<Exception?>? OnReconnect { get; set; }

    /// <summary>The clock for timers (tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal TimeSpan EffectiveIdleTimeout
    {
        get
        {
            if (IdleTimeout is { } idle)
            {
                return idle;
            }

            return AllowWatchBookmarks ? BookmarkInterval * 2 : MinServerTimeout * 2 + TimeSpan.FromMinutes(1);
        }
    }

    internal void Validate()
    {
        if (IdleTimeout is { } idle && idle != Timeout.InfiniteTimeSpan && idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), idle, "The idle timeout must be positive or infinite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BookmarkInterval, TimeSpan.Zero, nameof(BookmarkInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinServerTimeout, TimeSpan.FromSeconds(1), nameof(MinServerTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
    }
}
