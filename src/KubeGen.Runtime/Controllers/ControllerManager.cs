namespace KubeGen.Runtime;

/// <summary>
/// Runs controllers the way controller-runtime's manager does: every replica starts the informers at once (warm caches,
/// so a new leader does not start from empty ones) and keeps its queues filled; only the replica that holds the Lease runs
/// workers. On shutdown the workers drain within their grace period, then the Lease is released, then the caches stop.
/// </summary>
public sealed class ControllerManager
{
    private readonly List<Controller> _controllers = [];
    private readonly ControllerManagerOptions _options;
    private LeaderElector? _elector;
    private int _leading;
    private int _running;

    /// <summary>Creates a manager; add controllers, then <see cref="RunAsync"/>.</summary>
    public ControllerManager(ControllerManagerOptions? options = null) => _options = options ?? new ControllerManagerOptions();

    /// <summary>The controllers.</summary>
    public IReadOnlyList<Controller> Controllers => _controllers;

    /// <summary>Whether this replica's workers run: it holds the Lease, or there is no election and the manager runs.</summary>
    public bool IsLeader => Volatile.Read(ref _leading) != 0;

    /// <summary>Whether every informer has synced: readiness (a standby is ready too, it can take over at once).</summary>
    public bool IsReady => _controllers.Count > 0 && _controllers.TrueForAll(c => c.HasSynced);

    /// <summary>Whether <see cref="RunAsync"/> is running: liveness.</summary>
    public bool IsRunning => Volatile.Read(ref _running) != 0;

    /// <summary>The elector, once <see cref="RunAsync"/> created it.</summary>
    public LeaderElector? Elector => _elector;

    /// <summary>Adds a controller (before <see cref="RunAsync"/>).</summary>
    public ControllerManager Add(Controller controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (IsRunning)
        {
            throw new InvalidOperationException("Controllers must be added before the manager runs.");
        }

        _controllers.Add(controller);
        return this;
    }

    /// <summary>
    /// Starts every informer, then works while leading until <paramref name="cancellationToken"/> is cancelled (SIGTERM):
    /// the workers take no new key, reconciles in progress get their grace period, the Lease is released, the queues shut down.
    /// After leadership is lost (a renewal did not succeed in time) the workers stop at once and the replica campaigns again.
    /// </summary>
    /// <exception cref="KubeApiException">An informer's first list failed for good (403: a missing RBAC rule).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The manager is already running.");
        }

        // The campaign's own token: a source that fails for good stops the campaign (the Lease is released) before the run fails.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            ISyncingSource[] sources = [.. _controllers.SelectMany(c => c.Sources).Distinct()];
            Task[] loops = [.. sources.Where(s => !s.IsStarted).Select(s => s.StartAsync(cancellationToken))];
            Task failed = loops.Length == 0 ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.WhenAny(loops).Unwrap();
            Task work = _options.LeaderElection is { } createElector
                ? CampaignAsync(createElector, running.Token, cancellationToken)
                : WorkAsync(running.Token, cancellationToken);
            Task first = await Task.WhenAny(work, failed).ConfigureAwait(false);
            if (first == failed && !cancellationToken.IsCancellationRequested)
            {
                // An informer ended on its own: its first list failed for good (403: a missing RBAC rule).
                await running.CancelAsync().ConfigureAwait(false);
                await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await failed.ConfigureAwait(false);
                throw new InvalidOperationException("An informer stopped.");
            }

            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
        finally
        {
            foreach (Controller controller in _controllers)
            {
                controller.Queue.ShutDown();
            }

            Volatile.Write(ref _running, 0);
        }
    }

    private async Task CampaignAsync(Func<LeaderElectionOptions, LeaderElector> createElector, CancellationToken cancellationToken, CancellationToken shutdown)
    {
        LeaderElectionOptions given = _options.Election ?? new LeaderElectionOptions();
        var election = new LeaderElectionOptions
        {
            LeaseDuration = given.LeaseDuration,
            RenewDeadline = given.RenewDeadline,
            RetryPeriod = given.RetryPeriod,
            Identity = given.Identity,
            ReleaseOnCancel = given.ReleaseOnCancel,
            TimeProvider = given.TimeProvider,
            OnNewLeader = given.OnNewLeader,
            OnStoppedLeading = given.OnStoppedLeading,
            OnStartedLeading = async leading =>
            {
                Task extra = given.OnStartedLeading is { } started ? started(leading) : Task.CompletedTask;
                await WorkAsync(leading, shutdown).ConfigureAwait(false);
                await extra.ConfigureAwait(false);
            },
        };
        _elector = createElector(election);

        // A term ends when leadership is lost or the run is cancelled; after a loss, campaign again.
        while (!cancellationToken.IsCancellationRequested)
        {
            await _elector.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The workers of every controller until <paramref name="stop"/>; a shutdown (<paramref name="shutdown"/>) drains, a lost term does not.</summary>
    private async Task WorkAsync(CancellationToken stop, CancellationToken shutdown)
    {
        Volatile.Write(ref _leading, 1);
        try
        {
            await Task.WhenAll(_controllers.Select(c => c.RunWorkersAsync(stop, () => shutdown.IsCancellationRequested ? Grace(c) : TimeSpan.Zero))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The term or the run ended before the caches synced.
        }
        finally
        {
            Volatile.Write(ref _leading, 0);
        }
    }

    private static TimeSpan Grace(Controller controller) => controller.ShutdownGracePeriod;
}
