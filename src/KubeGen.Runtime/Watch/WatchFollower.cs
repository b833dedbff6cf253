using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// The two ways <see cref="ResumableWatch"/> follows a collection from its current state, like kube-rs'
/// watcher and client-go's reflector: read the full state (a paged list, or a watch streaming initial events),
/// report it, then resume the watch from the version of that state. Reading the state again (after a 410, or an
/// initial-events stream cut short) reports only the difference to what was delivered (<see cref="DeliveredVersions"/>).
/// </summary>
internal static class WatchFollower
{
    public static async IAsyncEnumerable<WatchEvent<T>> ListThenWatchAsync<T, TList>(
        Func<ListRequest, CancellationToken, Task<TList>> list,
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        JsonTypeInfo<T> objectType,
        string? resourceVersion,
        ResumableWatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
        where TList : class, IKubeList<T>
    {
        var delivered = new DeliveredVersions();
        bool listed = WatchResumePoint.IsUnset(resourceVersion);
        string? listVersion = listed ? null : resourceVersion;
        int listFailures = 0;
        int expirations = 0;
        while (true)
        {
            if (listVersion is null)
            {
                var listing = new ListSession();
                await foreach (WatchEvent<T> change in ListStateAsync(list, delivered, objectType, listing, cancellationToken).ConfigureAwait(false))
                {
                    yield return change;
                }

                if (listing.Failure is { } failure)
                {
                    // A broken list starts over (objects already delivered are not reported again).
                    options.OnReconnect?.Invoke(failure);
                    await BackOffAsync(++listFailures, options, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                listFailures = 0;
                listVersion = listing.ResourceVersion;
                listed = true;
            }

            var session = new WatchSession();
            await foreach (WatchEvent<T> current in UntilExpiredAsync(watch, WatchResumePoint.After(listVersion!), options, listed || options.RelistOnExpired, session, cancellationToken).ConfigureAwait(false))
            {
                if (Live(delivered, current, options) is { } change)
                {
                    yield return change;
                }
            }

            if (!session.Expired)
            {
                yield break;
            }

            // 410: the events after the resume point are gone; the state is read again.
            listVersion = null;
            await BackOffAfterExpiryAsync(ref expirations, session.Progressed, options, cancellationToken).ConfigureAwait(false);
        }
    }

    public static async IAsyncEnumerable<WatchEvent<T>> InitialEventsThenWatchAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        JsonTypeInfo<T> objectType,
        string? resourceVersion,
        ResumableWatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        var delivered = new DeliveredVersions();
        bool fromState = WatchResumePoint.IsUnset(resourceVersion);
        WatchResumePoint position = fromState ? WatchResumePoint.WithInitialEvents() : WatchResumePoint.After(resourceVersion!);
        int stateCall = 0; // the watch call whose initial state is being read
        int expirations = 0;
        while (true)
        {
            var session = new WatchSession();
            await foreach (WatchEvent<T> current in UntilExpiredAsync(watch, position, options, fromState || options.RelistOnExpired, session, cancellationToken).ConfigureAwait(false))
            {
                if (position.LastPhase == WatchPhase.Live)
                {
                    if (Live(delivered, current, options) is { } change)
                    {
                        yield return change;
                    }

                    continue;
                }

                if (position.Calls != stateCall)
                {
                    // A new stream of the state: an earlier one that broke off before its end counts for nothing.
                    stateCall = position.Calls;
                    delivered.BeginState();
                }

                if (position.LastPhase == WatchPhase.InitialStateEnd)
                {
                    foreach (WatchEvent<T> gone in Gone(delivered, objectType))
                    {
                        yield return gone;
                    }

                    if (options.EmitBookmarks)
                    {
                        yield return current; // tells the caller the initial state is complete
                    }
                }
                else if (current.Type == WatchEventType.Deleted)
                {
                    if (Live(delivered, current, options) is { } deleted)
                    {
                        yield return deleted;
                    }
                }
                else if (current.Type != WatchEventType.Bookmark && InState(delivered, current.Object) is { } change)
                {
                    yield return change;
                }
            }

            if (!session.Expired)
            {
                yield break;
            }

            // 410: the events after the resume point are gone; the state is streamed again.
            position.RestartInitialEvents();
            await BackOffAfterExpiryAsync(ref expirations, session.Progressed, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the state by listing it (page by page) and reports the difference to what was delivered: each object that is
    /// new or changed as it comes, then the delivered ones that are gone. A transient failure ends the enumeration early
    /// with <see cref="ListSession.Failure"/> set; otherwise <see cref="ListSession.ResourceVersion"/> is the list's.
    /// </summary>
    private static async IAsyncEnumerable<WatchEvent<T>> ListStateAsync<T, TList>(
        Func<ListRequest, CancellationToken, Task<TList>> list,
        DeliveredVersions delivered,
        JsonTypeInfo<T> objectType,
        ListSession session,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
        where TList : class, IKubeList<T>
    {
        delivered.BeginState();
        string? listVersion = null;
        await using IAsyncEnumerator<ListPage<TList>> pages = PagedList.ReadAsync<T, TList>(list, PagedList.DefaultPageSize, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await pages.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ResumableWatch.IsTransient(ex))
            {
                session.Failure = ex;
                yield break;
            }

            (TList page, bool startedOver) = pages.Current;
            if (startedOver)
            {
                delivered.BeginState();
            }

            foreach (T item in page.Items ?? [])
            {
                if (InState(delivered, item) is { } change)
                {
                    yield return change;
                }
            }

            listVersion = page.ResourceVersion;
        }

        foreach (WatchEvent<T> gone in Gone(delivered, objectType))
        {
            yield return gone;
        }

        session.ResourceVersion = listVersion;
    }

    /// <summary>
    /// One run of the resume loop from <paramref name="position"/>: its events until the server can no longer resume (410).
    /// Then, when the state may be read again, the enumeration just ends with <see cref="WatchSession.Expired"/> set;
    /// otherwise the <see cref="WatchExpiredException"/> surfaces to the caller.
    /// </summary>
    private static async IAsyncEnumerable<WatchEvent<T>> UntilExpiredAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        WatchResumePoint position,
        ResumableWatchOptions options,
        bool mayReadStateAgain,
        WatchSession session,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        await using IAsyncEnumerator<WatchEvent<T>> events = ResumableWatch.ResumeAsync(watch, position, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (WatchExpiredException) when (mayReadStateAgain)
            {
                session.Expired = true;
                yield break;
            }

            session.Progressed = true;
            yield return events.Current;
        }
    }

    /// <summary>An object of the state: reported when new or changed since it was delivered.</summary>
    private static WatchEvent<T>? InState<T>(DeliveredVersions delivered, T item)
        where T : class, IKubeObject
    {
        if (ObjectKey.Of(item) is not { } key)
        {
            return null;
        }

        return delivered.InState(key, item.ObjectMetadata?.ResourceVersion) is { } type ? new WatchEvent<T>(type, item) : null;
    }

    /// <summary>A live event: recorded and passed on (bookmarks only when asked for).</summary>
    private static WatchEvent<T>? Live<T>(DeliveredVersions delivered, WatchEvent<T> watchEvent, ResumableWatchOptions options)
        where T : class, IKubeObject
    {
        if (watchEvent.Type == WatchEventType.Bookmark)
        {
            return options.EmitBookmarks ? watchEvent : null;
        }

        if (ObjectKey.Of(watchEvent.Object) is { } key)
        {
            delivered.Apply(watchEvent.Type, key, watchEvent.Object.ObjectMetadata?.ResourceVersion);
        }

        return watchEvent;
    }

    private static IEnumerable<WatchEvent<T>> Gone<T>(DeliveredVersions delivered, JsonTypeInfo<T> objectType)
    {
        foreach ((ObjectKey key, string? version) in delivered.EndState())
        {
            yield return new WatchEvent<T>(WatchEventType.Deleted, DeletedObject.Create(objectType, key, version));
        }
    }

    /// <summary>The first read of the state after a 410 is immediate; another 410 before any event backs off.</summary>
    private static Task BackOffAfterExpiryAsync(ref int expirations, bool progressed, ResumableWatchOptions options, CancellationToken cancellationToken)
    {
        expirations = progressed ? 1 : expirations + 1;
        return BackOffAsync(expirations - 1, options, cancellationToken);
    }

    /// <summary>How one reading of the state by a list ended.</summary>
    private sealed class ListSession
    {
        /// <summary>The list's resourceVersion, once it has been read completely.</summary>
        public string? ResourceVersion { get; set; }

        /// <summary>The transient failure that broke it off.</summary>
        public Exception? Failure { get; set; }
    }

    /// <summary>How one run of the resume loop ended.</summary>
    private sealed class WatchSession
    {
        /// <summary>It ended with 410 Gone, and the state is to be read again.</summary>
        public bool Expired { get; set; }

        /// <summary>It delivered at least one event.</summary>
        public bool Progressed { get; set; }
    }

    private static Task BackOffAsync(int failures, ResumableWatchOptions options, CancellationToken cancellationToken)
    {
        TimeSpan wait = ResumableWatch.Backoff(failures, options.InitialBackoff, options.MaxBackoff);
        return wait > TimeSpan.Zero ? Task.Delay(wait, options.TimeProvider, cancellationToken) : Task.CompletedTask;
    }
}
