using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KubeGen.Runtime;

/// <summary>
/// Watches that do not end or hang: they re-watch from the last resourceVersion seen (bookmarks advance it)
/// after a clean end, a dropped connection or a connection that went quiet for longer than
/// <see cref="ResumableWatchOptions.IdleTimeout"/>, so the caller sees every change once and in order.
/// </summary>
/// <remarks>
/// <para>Behaves like client-go's reflector watch loop: each call gets a random server-side timeout between
/// <see cref="ResumableWatchOptions.MinServerTimeout"/> and twice that; failures back off exponentially
/// (0.8 s doubling to 30 s, with jitter) until events flow again. Errors other than connection failures,
/// timeouts, truncated streams, 429 and 5xx end the enumeration (as <see cref="KubeApiException"/>).</para>
/// <para>A resumable watch needs a real starting point. <see cref="WatchAsync{T}"/> resumes from a given
/// resourceVersion (client-go's RetryWatcher). <see cref="FollowAsync{T, TList}"/> and
/// <see cref="FollowWithInitialEventsAsync{T}"/> start from the current state, reported as ADDED events, and
/// keep following it (client-go's informers): when the server can no longer resume (410 Gone) they read the
/// state again and report only the difference.</para>
/// </remarks>
public static class ResumableWatch
{
    /// <summary>
    /// Watches through <paramref name="watch"/> from <paramref name="resourceVersion"/>, resuming after every
    /// interruption. When the server no longer has the events after the resume point (410 Gone / <c>Expired</c>),
    /// the enumeration ends with <see cref="WatchExpiredException"/>: list again, then watch from the list's resourceVersion.
    /// </summary>
    /// <typeparam name="T">The watched kind.</typeparam>
    /// <param name="watch">
    /// Starts one watch call; pass <see cref="WatchRequest.ResourceVersion"/>, <see cref="WatchRequest.TimeoutSeconds"/>
    /// and <see cref="WatchRequest.AllowWatchBookmarks"/> on to the generated <c>WatchAsync</c>.
    /// </param>
    /// <param name="resourceVersion">Where to start: a list's <c>metadata.resourceVersion</c>, or the last one a previous watch delivered.</param>
    /// <param name="options">Idle bound, timeouts, backoff; null uses the defaults.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="resourceVersion"/> is null, empty or "0": the server would start with the current state in
    /// key order, and no event of it is a point to resume from. Use <see cref="FollowAsync{T, TList}"/> instead.
    /// </exception>
    public static IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        string? resourceVersion,
        ResumableWatchOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(watch);
        if (WatchResumePoint.IsUnset(resourceVersion))
        {
            throw new ArgumentException(
                $"A resumable watch needs the resourceVersion to start from (a list's metadata.resourceVersion), but it is {(resourceVersion is null ? "null" : $"\"{resourceVersion}\"")}. "
                + "Without one the server starts with the current state as ADDED events in key order, and resuming from any of them loses objects. "
                + "To watch from the current state, use ResumableWatch.FollowAsync (lists, then watches; the generated WatchAsync does this), "
                + "or ResumableWatch.FollowWithInitialEventsAsync when only watching is allowed.",
                nameof(resourceVersion));
        }

        options ??= new ResumableWatchOptions();
        options.Validate();
        IAsyncEnumerable<WatchEvent<T>> events = ResumeAsync(watch, WatchResumePoint.After(resourceVersion!), options, cancellationToken);
        return options.EmitBookmarks ? events : WithoutBookmarks(events, cancellationToken);
    }

    /// <summary>
    /// Follows a collection from its current state: lists it (page by page) and reports every object as ADDED,
    /// then watches from the list's resourceVersion, resuming after every interruption. When the server can no
    /// longer resume (410 Gone), it lists again and reports the difference to what it delivered: ADDED for new
    /// objects, MODIFIED for changed ones (another resourceVersion), DELETED for vanished ones. Nothing is
    /// delivered twice at the same version and nothing is lost.
    /// </summary>
    /// <typeparam name="T">The kind (<c>ConfigMap</c>).</typeparam>
    /// <typeparam name="TList">Its list (<c>ConfigMapList</c>).</typeparam>
    /// <param name="list">Lists one page; pass <see cref="ListRequest"/>'s continue, limit and resourceVersion on to the generated <c>ListAsync</c>.</param>
    /// <param name="watch">Starts one watch call; pass <see cref="WatchRequest"/>'s resourceVersion, timeoutSeconds and allowWatchBookmarks on.</param>
    /// <param name="objectType">
    /// The kind's JSON metadata (<c>ConfigMap.JsonTypeInfo</c>), used to build the object of a DELETED event for an
    /// object that vanished while the watch was interrupted. Only keys and versions are remembered, so that object
    /// holds <c>metadata.namespace</c>, <c>metadata.name</c> and <c>metadata.resourceVersion</c> (the last version
    /// delivered) and nothing else. DELETED events the server sends carry the object's last state as usual.
    /// </param>
    /// <param name="resourceVersion">
    /// Null, empty or "0": start from the current state (list first). Otherwise start after this version without
    /// listing; a 410 then ends the enumeration with <see cref="WatchExpiredException"/>, unless
    /// <see cref="ResumableWatchOptions.RelistOnExpired"/> is set.
    /// </param>
    /// <param name="options">Idle bound, timeouts, backoff, bookmarks; null uses the defaults.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <remarks>
    /// A list that fails with a connection failure, a timeout, 429 or 5xx is retried with the watch's backoff; other
    /// errors (403: the list permission is missing) end the enumeration as <see cref="KubeApiException"/>.
    /// Memory: one resourceVersion per followed object, never the objects.
    /// </remarks>
    public static IAsyncEnumerable<WatchEvent<T>> FollowAsync<T, TList>(
        Func<ListRequest, CancellationToken, Task<TList>> list,
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        JsonTypeInfo<T> objectType,
        string? resourceVersion = null,
        ResumableWatchOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : class, IKubeObject
        where TList : class, IKubeList<T>
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(objectType);
        options ??= new ResumableWatchOptions();
        options.Validate();
        return WatchFollower.ListThenWatchAsync(list, watch, objectType, resourceVersion, options, cancellationToken);
    }

    /// <summary>
    /// Follows a collection from its current state with watch calls only (for a selection that may watch but not
    /// list): the first call asks the server to stream the current state (<c>sendInitialEvents=true</c>,
    /// <c>resourceVersionMatch=NotOlderThan</c>, bookmarks on), reported as ADDED events, and the watch resumes only
    /// from the version of the BOOKMARK annotated <c>k8s.io/initial-events-end: "true"</c> that ends it. If the
    /// connection drops before that bookmark, the stream starts over and only the difference to what was already
    /// delivered is reported; after a 410 Gone likewise. Events and DELETED objects are as in <see cref="FollowAsync{T, TList}"/>.
    /// </summary>
    /// <typeparam name="T">The kind.</typeparam>
    /// <param name="watch">
    /// Starts one watch call; pass every <see cref="WatchRequest"/> field on (resourceVersion, timeoutSeconds,
    /// allowWatchBookmarks, sendInitialEvents and resourceVersionMatch).
    /// </param>
    /// <param name="objectType">The kind's JSON metadata, for DELETED objects (see <see cref="FollowAsync{T, TList}"/>).</param>
    /// <param name="resourceVersion">
    /// Null, empty or "0": start from the current state. Otherwise start after this version; a 410 then ends the
    /// enumeration with <see cref="WatchExpiredException"/>, unless <see cref="ResumableWatchOptions.RelistOnExpired"/> is set.
    /// </param>
    /// <param name="options">Idle bound, timeouts, backoff, bookmarks; null uses the defaults.</param>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    /// <remarks>
    /// Needs an API server that streams initial events (the WatchList feature: Kubernetes 1.27 and later, on by
    /// default from 1.32). A server that refuses the parameters ends the enumeration with <see cref="KubeApiException"/>.
    /// </remarks>
    public static IAsyncEnumerable<WatchEvent<T>> FollowWithInitialEventsAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        JsonTypeInfo<T> objectType,
        string? resourceVersion = null,
        ResumableWatchOptions? options = null,
        CancellationToken cancellationToken = default)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(objectType);
        options ??= new ResumableWatchOptions();
        options.Validate();
        return WatchFollower.InitialEventsThenWatchAsync(watch, objectType, resourceVersion, options, cancellationToken);
    }

    /// <summary>The cache's watch: from a list's resourceVersion, bookmarks included (they advance the resume point and the cache records them).</summary>
    internal static IAsyncEnumerable<WatchEvent<T>> WatchCoreForCache<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        string resourceVersion,
        ResumableWatchOptions options,
        CancellationToken cancellationToken)
        where T : class, IKubeObject
        => ResumeAsync(watch, WatchResumePoint.After(resourceVersion), options, cancellationToken);

    /// <summary>The server-side timeout of one watch call: random between the minimum and twice the minimum (client-go).</summary>
    internal static int RandomTimeoutSeconds(TimeSpan minimum)
    {
        double seconds = minimum.TotalSeconds;
        return (int)Math.Min(int.MaxValue, seconds + (Random.Shared.NextDouble() * seconds));
    }

    /// <summary>client-go's backoff: initial × 2^(failures-1), at most the maximum, plus up to 50% jitter (capped at the maximum).</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan initial, TimeSpan maximum)
    {
        if (failures <= 0 || initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        double baseMs = initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        baseMs = Math.Min(baseMs, maximum.TotalMilliseconds);
        double withJitter = baseMs * (1 + (Random.Shared.NextDouble() * 0.5));
        return TimeSpan.FromMilliseconds(Math.Min(withJitter, maximum.TotalMilliseconds));
    }

    /// <summary>Whether a watch or list that failed this way is worth starting again.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        KubeApiException api => api.Status.Code is 429 or >= 500 || (int)api.StatusCode is 429 or >= 500,
        HttpRequestException or IOException or JsonException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// The resume loop: one watch call after another from <paramref name="position"/>, which every event advances
    /// (and classifies, see <see cref="WatchResumePoint.LastPhase"/>) before it is yielded. Yields bookmarks too.
    /// Ends only by cancellation or by an error that is not transient; 410 becomes <see cref="WatchExpiredException"/>.
    /// </summary>
    internal static async IAsyncEnumerable<WatchEvent<T>> ResumeAsync<T>(
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        WatchResumePoint position,
        ResumableWatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubeObject
    {
        TimeSpan idleTimeout = options.EffectiveIdleTimeout;
        bool idleBound = idleTimeout != Timeout.InfiniteTimeSpan;
        int failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WatchRequest request = position.NextRequest(RandomTimeoutSeconds(options.MinServerTimeout), options.AllowWatchBookmarks);
            Exception? failure = null;
            bool progressed = false;

            // The attempt's own token: cancelled by the caller, or by the idle timer (on options.TimeProvider).
            using var attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
            using CancellationTokenRegistration link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attempt);
            IAsyncEnumerator<WatchEvent<T>>? events = null;
            try
            {
                while (true)
                {
                    WatchEvent<T> current;
                    try
                    {
                        if (idleBound)
                        {
                            attempt.CancelAfter(idleTimeout);
                        }

                        events ??= watch(request, attempt.Token).GetAsyncEnumerator(attempt.Token);
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            break; // a clean end: the server's timeout, or an API server shutting down
                        }

                        current = events.Current;
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        failure = new TimeoutException($"The watch sent nothing for {idleTimeout.TotalSeconds:0.###} s; the connection is treated as dead.");
                        break;
                    }
                    catch (KubeApiException ex) when (ex.IsGone)
                    {
                        throw new WatchExpiredException(position.ResourceVersion, ex);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransient(ex))
                    {
                        failure = ex;
                        break;
                    }

                    // The caller's time handling the event does not count as idle time.
                    attempt.CancelAfter(Timeout.InfiniteTimeSpan);
                    position.Observe(current.Type, current.Object);
                    progressed = true;
                    yield return current;
                }
            }
            finally
            {
                if (events is not null)
                {
                    attempt.Cancel(); // closes the response stream of an abandoned watch at once
                    try
                    {
                        await events.DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // The connection is being abandoned; how it ends does not matter.
                    }
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            failures = progressed ? 0 : failures + 1;
            options.OnReconnect?.Invoke(failure);
            TimeSpan wait = failures == 0 ? TimeSpan.Zero : Backoff(failures, options.InitialBackoff, options.MaxBackoff);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async IAsyncEnumerable<WatchEvent<T>> WithoutBookmarks<T>(IAsyncEnumerable<WatchEvent<T>> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (WatchEvent<T> watchEvent in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (watchEvent.Type != WatchEventType.Bookmark)
            {
                yield return watchEvent;
            }
        }
    }
}
