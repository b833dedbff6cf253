namespace KubeGen.Runtime;

/// <summary>
/// The reconcile loop (controller-runtime's controller, kube-rs' <c>Controller</c>): informers feed event handlers,
/// handlers put keys on a rate-limited work queue, and workers reconcile one key at a time each.
/// </summary>
/// <remarks>
/// <para>What happens after a reconcile is decided in one place (controller-runtime's <c>reconcileHandler</c>):
/// an exception requeues the key with backoff, unless it is terminal (<see cref="ControllerOptions.IsTerminal"/>: then it is
/// reported once and the key's backoff forgotten); <see cref="ReconcileResult.RequeueAfter"/> forgets the backoff and
/// requeues after the delay; <see cref="ReconcileResult.Requeue"/> requeues with backoff; <see cref="ReconcileResult.Done"/>
/// forgets the backoff. The key is always marked done, so a change that arrived meanwhile is reconciled next.</para>
/// <para>Handlers are attached when a source is registered and keep queueing keys whether workers run or not, so a standby
/// replica's queue and caches are warm when it starts leading. Keys of an informer's initial list and of resyncs are queued
/// at <see cref="WorkQueuePriority.Low"/>: fresh changes are served first (controller-runtime's priority queue).</para>
/// </remarks>
public sealed class Controller : IAsyncDisposable
{
    private readonly IReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ISyncingSource> _sources = [];
    private readonly List<Func<IEnumerable<IKubeObject>>> _primaries = [];
    private int _running;

    /// <summary>Creates a controller; register its sources with <see cref="For{T}"/>, <see cref="Owns{T}"/> and <see cref="Watches{T}"/>.</summary>
    /// <param name="name">The controller's name: its queue's metrics, its field manager by convention, its logs.</param>
    /// <param name="reconciler">Reconciles one key.</param>
    /// <param name="options">Concurrency, backoff, timeouts; null uses the defaults.</param>
    public Controller(string name, IReconciler reconciler, ControllerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        _options = options ?? new ControllerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentReconciles, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ShutdownGracePeriod, TimeSpan.Zero, nameof(options));
        Name = name;
        _reconciler = reconciler;
        _time = _options.TimeProvider;
        Queue = new RateLimitingQueue<ReconcileRequest>(
            _options.RateLimiter ?? RateLimiters.Default<ReconcileRequest>(_time),
            new WorkQueueOptions { Name = name, TimeProvider = _time });
        Metrics = new ControllerMetrics(name);
    }

    /// <summary>Creates a controller from a reconcile function.</summary>
    public Controller(string name, Func<ReconcileRequest, CancellationToken, Task<ReconcileResult>> reconcile, ControllerOptions? options = null)
        : this(name, new Reconciler(reconcile), options)
    {
    }

    /// <summary>A reconcile threw: the key, the error, and whether it is retried. Handlers run on a worker; keep them quick.</summary>
    public event Action<ReconcileFailure>? ReconcileFailed;

    /// <summary>The controller's name.</summary>
    public string Name { get; }

    /// <summary>The work queue of keys.</summary>
    public RateLimitingQueue<ReconcileRequest> Queue { get; }

    /// <summary>Reconcile counts and timings.</summary>
    public ControllerMetrics Metrics { get; }

    /// <summary>The informers registered with this controller.</summary>
    public IReadOnlyList<ISyncingSource> Sources => _sources;

    /// <summary>How long reconciles in progress may finish after shutdown begins.</summary>
    public TimeSpan ShutdownGracePeriod => _options.ShutdownGracePeriod;

    /// <summary>Whether every source has synced (readiness).</summary>
    public bool HasSynced => _sources.TrueForAll(s => s.HasSynced);

    /// <summary>
    /// The primary kind: every change of an object enqueues its own key, and every object is enqueued (at low priority)
    /// whenever workers start, so a new leader reconciles everything once.
    /// </summary>
    public Controller For<T>(IInformer<T> informer)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(informer);
        _primaries.Add(informer.List);
        return Watches(informer, new EnqueueForObject<T>());
    }

    /// <summary>An owned kind: a change of an object enqueues the key of its controlling owner of <paramref name="ownerKind"/>.</summary>
    public Controller Owns<T>(IInformer<T> informer, string ownerApiVersion, string ownerKind, bool ownerIsClusterScoped = false)
        where T : class, IKubeObject
        => Watches(informer, new EnqueueForOwner<T>(ownerApiVersion, ownerKind, onlyController: true, ownerIsClusterScoped));

    /// <summary>Any watched kind: <paramref name="handler"/> maps each changed object to the keys to reconcile.</summary>
    public Controller Watches<T>(IInformer<T> informer, IEventHandler<T> handler)
        where T : class, IKubeObject
    {
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(handler);
        if (Volatile.Read(ref _running) != 0)
        {
            throw new InvalidOperationException("Sources must be registered before the controller runs.");
        }

        if (!_sources.Contains(informer))
        {
            _sources.Add(informer);
        }

        // Before the first sync, adds are the initial list's; an update to the same version is a resync: neither is news.
        informer.OnAdded += item => Enqueue(handler, item, null, informer.HasSynced ? WorkQueuePriority.Normal : WorkQueuePriority.Low);
        informer.OnUpdated += (old, item) => Enqueue(
            handler, item, ReferenceEquals(old, item) ? null : old, ReferenceEquals(old, item) || SameVersion(old, item) ? WorkQueuePriority.Low : WorkQueuePriority.Normal);
        informer.OnDeleted += item => Enqueue(handler, item, null, WorkQueuePriority.Normal);
        return this;
    }

    /// <summary>Starts every source not started yet (in the background) and waits until all have synced.</summary>
    /// <exception cref="KubeApiException">A source's first list failed for good (403: a missing RBAC rule).</exception>
    public async Task StartSourcesAsync(CancellationToken cancellationToken = default)
    {
        foreach (ISyncingSource source in _sources)
        {
            if (!source.IsStarted)
            {
                _ = source.StartAsync(cancellationToken);
            }
        }

        await Task.WhenAll(_sources.Select(s => s.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the sources, waits for them to sync, then reconciles with <see cref="ControllerOptions.MaxConcurrentReconciles"/>
    /// workers until <paramref name="cancellationToken"/> is cancelled; then no new reconcile starts, those in progress get
    /// <see cref="ControllerOptions.ShutdownGracePeriod"/> to finish, and the queue shuts down. Use a
    /// <see cref="ControllerManager"/> for leader election and several controllers.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartSourcesAsync(cancellationToken).ConfigureAwait(false);
            await RunWorkersAsync(cancellationToken, () => _options.ShutdownGracePeriod).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
        finally
        {
            Queue.ShutDown();
        }
    }

    /// <summary>Shuts the queue down (sources belong to whoever created them).</summary>
    public ValueTask DisposeAsync()
    {
        Queue.ShutDown();
        Queue.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs the workers until <paramref name="stop"/>; then waits for the reconciles in progress for <paramref name="grace"/>
    /// (asked at that moment: a shutdown drains, a lost leadership does not) before cancelling them. The queue stays up.
    /// </summary>
    internal async Task RunWorkersAsync(CancellationToken stop, Func<TimeSpan> grace)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException($"Controller {Name} is already running.");
        }

        try
        {
            await Task.WhenAll(_sources.Select(s => s.WaitForSyncAsync(stop))).ConfigureAwait(false);
            foreach (Func<IEnumerable<IKubeObject>> primary in _primaries)
            {
                foreach (IKubeObject item in primary())
                {
                    if (ReconcileRequest.For(item) is { } request)
                    {
                        Queue.Add(request, WorkQueuePriority.Low);
                    }
                }
            }

            using var abort = new CancellationTokenSource();
            Task[] workers = new Task[_options.MaxConcurrentReconciles];
            for (int i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(stop, abort.Token), CancellationToken.None);
            }

            Task all = Task.WhenAll(workers);
            try
            {
                await all.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Workers take no new key now; the reconciles in hand may finish within the grace period.
                TimeSpan wait = grace();
                if (wait > TimeSpan.Zero)
                {
                    await Task.WhenAny(all, Task.Delay(wait, _time, CancellationToken.None)).ConfigureAwait(false);
                }

                await abort.CancelAsync().ConfigureAwait(false);
                await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task WorkAsync(CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            ReconcileRequest request;
            try
            {
                (request, bool shutDown) = await Queue.GetAsync(stop).ConfigureAwait(false);
                if (shutDown)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await ReconcileAsync(request, abort).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(request);
            }
        }
    }

    /// <summary>One reconcile and everything that follows from how it ended.</summary>
    private async Task ReconcileAsync(ReconcileRequest request, CancellationToken abort)
    {
        int retries = Queue.NumRequeues(request);
        long started = _time.GetTimestamp();
        Metrics.Started();
        ReconcileResult result;
        using CancellationTokenSource? timeout = _options.ReconcileTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(abort);
        if (_options.ReconcileTimeout is { } limit)
        {
            timeout!.CancelAfter(limit);
        }

        try
        {
            result = await _reconciler.ReconcileAsync(request, timeout?.Token ?? abort).ConfigureAwait(false);
        }
        catch (Exception ex) when (abort.IsCancellationRequested && ex is OperationCanceledException)
        {
            // Stopped in the middle: the key goes back (another term, or after leadership moves, the next leader lists everything anyway).
            Metrics.Ended("error", _time.GetElapsedTime(started), error: false, terminal: false);
            Queue.Add(request);
            return;
        }
        catch (Exception ex)
        {
            bool terminal = _options.IsTerminal(ex);
            Metrics.Ended("error", _time.GetElapsedTime(started), error: true, terminal);
            if (terminal)
            {
                Queue.Forget(request);
            }
            else
            {
                Queue.AddRateLimited(request);
            }

            Report(new ReconcileFailure(Name, request, ex, terminal, retries));
            return;
        }

        if (result.After is { } after)
        {
            Metrics.Ended("requeue_after", _time.GetElapsedTime(started), error: false, terminal: false);
            Queue.Forget(request);
            Queue.AddAfter(request, after);
        }
        else if (result.RateLimited)
        {
            Metrics.Ended("requeue", _time.GetElapsedTime(started), error: false, terminal: false);
            Queue.AddRateLimited(request);
        }
        else
        {
            Metrics.Ended("success", _time.GetElapsedTime(started), error: false, terminal: false);
            Queue.Forget(request);
        }
    }

    /// <summary>The requests of an object (and of its previous state, whose owner may differ), each queued once.</summary>
    private void Enqueue<T>(IEventHandler<T> handler, T item, T? previous, int priority)
        where T : class, IKubeObject
    {
        var requests = new HashSet<ReconcileRequest>();
        if (previous is not null)
        {
            handler.Map(previous, requests);
        }

        handler.Map(item, requests);
        foreach (ReconcileRequest request in requests)
        {
            Queue.Add(request, priority);
        }
    }

    private void Report(ReconcileFailure failure)
    {
        try
        {
            ReconcileFailed?.Invoke(failure);
        }
        catch (Exception)
        {
            // A failing log handler must not stop the worker.
        }
    }

    private static bool SameVersion(IKubeObject old, IKubeObject item)
        => old.ObjectMetadata?.ResourceVersion is { Length: > 0 } version
            && string.Equals(version, item.ObjectMetadata?.ResourceVersion, StringComparison.Ordinal);
}
