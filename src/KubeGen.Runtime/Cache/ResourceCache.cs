using System.Runtime.ExceptionServices;
using System.Diagnostics.CodeAnalysis;

namespace KubeGen.Runtime;

/// <summary>
/// An informer: lists a resource (page by page), then watches it from the list's resourceVersion, keeping
/// a thread-safe in-memory copy keyed by namespace/name and reporting every change to the handlers.
/// </summary>
/// <typeparam name="T">The kind (<c>Pod</c>).</typeparam>
/// <typeparam name="TList">Its list (<c>PodList</c>).</typeparam>
/// <remarks>
/// <para>The watch resumes by itself after dropped or silent connections (<see cref="ResumableWatch"/>); when the
/// server can no longer resume it (410 Gone) or the watch fails otherwise, the cache lists again and reports the
/// difference: objects created meanwhile as added, changed ones as updated, and objects deleted while it was not
/// watching as deleted, so that the store always converges to the server's state.</para>
/// <para>Handlers run one at a time, in order, on the cache's loop; an exception from a handler goes to
/// <see cref="OnError"/> and does not stop the cache. Objects handed out are shared: do not modify them.</para>
/// </remarks>
public sealed class ResourceCache<T, TList> : IInformer<T>, IAsyncDisposable
    where T : class, IKubeObject
    where TList : class, IKubeList<T>
{
    private readonly Func<ListRequest, CancellationToken, Task<TList>> _list;
    private readonly Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> _watch;
    private readonly ResourceCacheOptions _options;
    private readonly object _storeLock = new();
    private readonly SemaphoreSlim _dispatch = new(1, 1);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, T> _store = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stop;
    private Task? _running;
    private string? _lastResourceVersion;
    private int _relists;

    /// <summary>Creates a cache over a list and a watch call (generated clients wire these up in <c>CreateCache</c>).</summary>
    /// <param name="list">Lists one page; pass <see cref="ListRequest"/>'s continue, limit and resourceVersion on.</param>
    /// <param name="watch">Starts one watch; pass <see cref="WatchRequest"/>'s resourceVersion, timeoutSeconds and allowWatchBookmarks on.</param>
    /// <param name="options">Paging, resync and watch settings; null uses the defaults.</param>
    public ResourceCache(
        Func<ListRequest, CancellationToken, Task<TList>> list,
        Func<WatchRequest, CancellationToken, IAsyncEnumerable<WatchEvent<T>>> watch,
        ResourceCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(watch);
        _list = list;
        _watch = watch;
        _options = options ?? new ResourceCacheOptions();
        if (_options.PageSize is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.PageSize, "PageSize must be positive or null.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ResyncPeriod, TimeSpan.Zero, nameof(options));
        _options.Watch.Validate();
    }

    /// <summary>An object appeared (or existed at the first list).</summary>
    public event Action<T>? OnAdded;

    /// <summary>An object changed: (old, new). Also raised for every object at each resync, with old and new the same.</summary>
    public event Action<T, T>? OnUpdated;

    /// <summary>An object was deleted (its last known state), including objects deleted while the cache was not watching.</summary>
    public event Action<T>? OnDeleted;

    /// <summary>
    /// A list or watch failed or a handler threw. The cache retries failed lists and watches, except a first list that
    /// fails with an error retrying cannot fix (see <see cref="WaitForSyncAsync"/>).
    /// </summary>
    public event Action<Exception>? OnError;

    /// <summary>Whether the first list has been stored.</summary>
    public bool HasSynced => _synced.Task.IsCompletedSuccessfully;

    /// <summary>Whether <see cref="StartAsync"/> has been called.</summary>
    public bool IsStarted => _running is not null;

    /// <summary>
    /// Applied to every object before it is stored and handed to the handlers (client-go's informer transform): drop what
    /// the controller never reads to save memory. Default: <see cref="CacheTransforms.StripManagedFields"/> (managedFields are
    /// about 40 % of an object), unless <see cref="ResourceCacheOptions.KeepManagedFields"/>. Set it before
    /// <see cref="StartAsync"/>; it may change the object it is given (nothing else holds it yet) and returns the object to store.
    /// </summary>
    public Func<T, T>? Transform { get; set; }

    /// <summary>How the first state was read: by a streamed watch (<c>sendInitialEvents</c>) or a paged list; null before the first sync.</summary>
    public InitialListMode? InitialListUsed { get; private set; }

    /// <summary>The resourceVersion of the last list or event applied.</summary>
    public string? LastSyncResourceVersion => Volatile.Read(ref _lastResourceVersion);

    /// <summary>How many times the cache has listed (1 after the first sync; more after 410s or failed watches).</summary>
    public int ListCount => Volatile.Read(ref _relists);

    /// <summary>The number of objects in the store.</summary>
    public int Count
    {
        get
        {
            lock (_storeLock)
            {
                return _store.Count;
            }
        }
    }

    /// <summary>The store key of an object: "namespace/name", or "name" for cluster-scoped objects.</summary>
    public static string KeyOf(string? @namespace, string name)
        => string.IsNullOrEmpty(@namespace) ? name : @namespace + "/" + name;

    /// <summary>The stored object, or null.</summary>
    public T? Get(string? @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(KeyOf(@namespace, name), out T? value) ? value : null;
    }

    /// <summary>The stored object with this key ("namespace/name").</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out T? value)
    {
        lock (_storeLock)
        {
            return _store.TryGetValue(key, out value);
        }
    }

    /// <summary>A snapshot of every stored object.</summary>
    public IReadOnlyList<T> List()
    {
        lock (_storeLock)
        {
            return _store.Values.ToArray();
        }
    }

    /// <summary>Starts listing and watching in the background; <see cref="DisposeAsync"/> or <paramref name="cancellationToken"/> stops it.</summary>
    /// <returns>The cache's loop; it ends when the cache is stopped, or with the error of a first list that retrying cannot fix.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_running is not null)
        {
            throw new InvalidOperationException("The cache is already running.");
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken stop = _stop.Token;
        _running = Task.Run(() => RunAsync(stop), CancellationToken.None);
        return _running;
    }

    /// <summary>Waits until the first list has been stored and reported.</summary>
    /// <exception cref="KubeApiException">
    /// The first list failed with an error other than a connection failure, a timeout, 429 or 5xx, for example 403 when
    /// the list permission is missing (the message names it); the error also went to <see cref="OnError"/>, and the
    /// cache has stopped.
    /// </exception>
    /// <exception cref="OperationCanceledException">The cache was stopped before its first sync, or <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default)
        => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Stops the cache and waits for its loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is { } stop)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (_running is { } running)
            {
                try
                {
                    await running.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Stopping: the loop's last error has already gone to OnError.
                }
            }

            stop.Dispose();
        }

        _synced.TrySetCanceled();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        Task resync = _options.ResyncPeriod > TimeSpan.Zero ? ResyncLoopAsync(cancellationToken) : Task.CompletedTask;
        int listFailures = 0;
        bool stream = _options.InitialList == InitialListMode.Stream;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (stream)
                {
                    try
                    {
                        await StreamThenWatchAsync(cancellationToken).ConfigureAwait(false);
                        listFailures = 0;
                    }
                    catch (StreamingUnsupportedException ex)
                    {
                        // The server does not stream initial events: read the state by lists from now on.
                        Report(ex);
                        stream = false;
                    }
                    catch (WatchExpiredException ex)
                    {
                        Report(ex); // 410: stream the state again at once
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
                    {
                        await ReadFailedAsync(ex, ++listFailures, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                string resourceVersion;
                try
                {
                    resourceVersion = await RelistAsync(cancellationToken).ConfigureAwait(false);
                    listFailures = 0;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    await ReadFailedAsync(ex, ++listFailures, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await foreach (WatchEvent<T> watchEvent in ResumableWatch.WatchCoreForCache(_watch, resourceVersion, _options.Watch, cancellationToken).ConfigureAwait(false))
                    {
                        await ApplyAsync(watchEvent, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (WatchExpiredException ex)
                {
                    Report(ex); // 410: list again at once
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    Report(ex);
                    listFailures++;
                    await Task.Delay(ResumableWatch.Backoff(listFailures, _options.ListBackoff, _options.Watch.MaxBackoff), _options.Watch.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
        finally
        {
            _synced.TrySetCanceled(cancellationToken); // stopped before the first sync: waiters are released
            try
            {
                await resync.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Reading the state (a list, or a streamed initial state) failed: reported, then backed off. A first read that retrying
    /// cannot fix (403: a missing RBAC rule, 404: no such resource) fails the sync and the loop instead, since waiting for
    /// the sync would hang forever. After the sync the store keeps serving its last state (permissions may be restored).
    /// </summary>
    private Task ReadFailedAsync(Exception exception, int failures, CancellationToken cancellationToken)
    {
        Report(exception);
        if (!HasSynced && !ResumableWatch.IsTransient(exception))
        {
            _synced.TrySetException(exception);
            ExceptionDispatchInfo.Throw(exception);
        }

        return Task.Delay(ResumableWatch.Backoff(failures, _options.ListBackoff, _options.Watch.MaxBackoff), _options.Watch.TimeProvider, cancellationToken);
    }

    /// <summary>Lists every page and replaces the store, reporting the difference. Returns the list's resourceVersion.</summary>
    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<string, T>(StringComparer.Ordinal);
        string? listVersion = null;
        await foreach ((TList page, bool startedOver) in PagedList.ReadAsync<T, TList>(_list, _options.PageSize, cancellationToken).ConfigureAwait(false))
        {
            if (startedOver)
            {
                fresh.Clear();
            }

            foreach (T item in page.Items ?? [])
            {
                if (KeyOf(item) is { } key)
                {
                    fresh[key] = Prepare(item);
                }
            }

            listVersion = page.ResourceVersion;
        }

        await ReplaceAsync(fresh, listVersion!, InitialListMode.List, cancellationToken).ConfigureAwait(false);
        return listVersion!;
    }

    /// <summary>
    /// One watch that streams the state first (<c>sendInitialEvents</c>), then goes on live, resuming as any watch does; a
    /// connection lost before the initial-events-end bookmark streams the state again. Returns or throws like a watch
    /// (<see cref="WatchExpiredException"/> on 410); <see cref="StreamingUnsupportedException"/> when the server refuses the
    /// parameters or never ends the stream with the bookmark.
    /// </summary>
    private async Task StreamThenWatchAsync(CancellationToken cancellationToken)
    {
        WatchResumePoint position = WatchResumePoint.WithInitialEvents();
        var fresh = new Dictionary<string, T>(StringComparer.Ordinal);
        int stateCall = 0;
        bool streamed = false;
        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _options.Watch.TimeProvider);
        using CancellationTokenRegistration link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        deadline.CancelAfter(_options.InitialEventsTimeout);
        IAsyncEnumerator<WatchEvent<T>> events = ResumableWatch.ResumeAsync(_watch, position, _options.Watch, deadline.Token).GetAsyncEnumerator(deadline.Token);
        await using (events.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync().ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !streamed)
                {
                    throw new StreamingUnsupportedException($"The initial-events-end bookmark did not come within {_options.InitialEventsTimeout}.");
                }
                catch (KubeApiException ex) when (!streamed && position.Calls == 1 && ((int)ex.StatusCode is 400 or 422 || ex.Status.Code is 400 or 422))
                {
                    throw new StreamingUnsupportedException(ex.Message, ex);
                }

                WatchEvent<T> current = events.Current;
                if (position.LastPhase == WatchPhase.InitialState)
                {
                    if (position.Calls != stateCall)
                    {
                        stateCall = position.Calls; // a restarted stream: what the broken one sent counts for nothing
                        fresh.Clear();
                    }

                    if (current.Type != WatchEventType.Bookmark && KeyOf(current.Object) is { } key)
                    {
                        if (current.Type == WatchEventType.Deleted)
                        {
                            fresh.Remove(key);
                        }
                        else
                        {
                            fresh[key] = Prepare(current.Object);
                        }
                    }

                    continue;
                }

                if (position.LastPhase == WatchPhase.InitialStateEnd)
                {
                    deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                    streamed = true;
                    await ReplaceAsync(fresh, position.ResourceVersion!, InitialListMode.Stream, cancellationToken).ConfigureAwait(false);
                    fresh = new Dictionary<string, T>(StringComparer.Ordinal);
                    continue;
                }

                await ApplyAsync(current, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Replaces the store with a full state and reports the difference: added, updated (another version or uid), deleted.</summary>
    private async Task ReplaceAsync(Dictionary<string, T> fresh, string resourceVersion, InitialListMode how, CancellationToken cancellationToken)
    {
        await _dispatch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<string, T> old;
            lock (_storeLock)
            {
                old = _store;
                _store = fresh;
            }

            Volatile.Write(ref _lastResourceVersion, resourceVersion);
            Interlocked.Increment(ref _relists);
            InitialListUsed ??= how;
            foreach ((string key, T current) in fresh)
            {
                if (!old.TryGetValue(key, out T? previous))
                {
                    Raise(OnAdded, current);
                }
                else if (!string.Equals(previous.ObjectMetadata?.ResourceVersion, current.ObjectMetadata?.ResourceVersion, StringComparison.Ordinal)
                    || !string.Equals(previous.ObjectMetadata?.Uid, current.ObjectMetadata?.Uid, StringComparison.Ordinal))
                {
                    Raise(OnUpdated, previous, current);
                }
            }

            foreach ((string key, T previous) in old)
            {
                if (!fresh.ContainsKey(key))
                {
                    Raise(OnDeleted, previous); // deleted while the cache was not watching
                }
            }
        }
        finally
        {
            _dispatch.Release();
        }

        _synced.TrySetResult();
    }

    private async Task ApplyAsync(WatchEvent<T> watchEvent, CancellationToken cancellationToken)
    {
        T item = watchEvent.Object;
        if (watchEvent.Type != WatchEventType.Bookmark)
        {
            item = Prepare(item);
        }

        if (watchEvent.Type == WatchEventType.Bookmark)
        {
            if (item.ObjectMetadata?.ResourceVersion is { Length: > 0 } bookmarkVersion)
            {
                Volatile.Write(ref _lastResourceVersion, bookmarkVersion);
            }

            return;
        }

        if (KeyOf(item) is not { } key)
        {
            return;
        }

        await _dispatch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            T? previous;
            lock (_storeLock)
            {
                _store.TryGetValue(key, out previous);
                if (watchEvent.Type == WatchEventType.Deleted)
                {
                    _store.Remove(key);
                }
                else
                {
                    _store[key] = item;
                }
            }

            if (item.ObjectMetadata?.ResourceVersion is { Length: > 0 } version)
            {
                Volatile.Write(ref _lastResourceVersion, version);
            }

            if (watchEvent.Type == WatchEventType.Deleted)
            {
                Raise(OnDeleted, previous ?? item);
            }
            else if (previous is null)
            {
                Raise(OnAdded, item);
            }
            else
            {
                Raise(OnUpdated, previous, item);
            }
        }
        finally
        {
            _dispatch.Release();
        }
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _options.Watch.TimeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!HasSynced)
            {
                continue;
            }

            await _dispatch.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (T item in List())
                {
                    Raise(OnUpdated, item, item);
                }
            }
            finally
            {
                _dispatch.Release();
            }
        }
    }

    /// <summary>The object as it is stored: transformed, by default without managedFields.</summary>
    private T Prepare(T item)
    {
        if (Transform is { } transform)
        {
            return transform(item);
        }

        return _options.KeepManagedFields ? item : CacheTransforms.StripManagedFields(item);
    }

    private static string? KeyOf(T item)
        => item.ObjectMetadata is { Name: { Length: > 0 } name } metadata ? KeyOf(metadata.Namespace, name) : null;

    private void Raise(Action<T>? handler, T item)
    {
        try
        {
            handler?.Invoke(item);
        }
        catch (Exception ex)
        {
            Report(ex);
        }
    }

    private void Raise(Action<T, T>? handler, T previous, T item)
    {
        try
        {
            handler?.Invoke(previous, item);
        }
        catch (Exception ex)
        {
            Report(ex);
        }
    }

    private void Report(Exception exception)
    {
        try
        {
            OnError?.Invoke(exception);
        }
        catch (Exception)
        {
            // An error handler that throws is ignored.
        }
    }
}
