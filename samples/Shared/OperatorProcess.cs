using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using KubeGen.Runtime;

namespace KubeGen.Samples;

/// <summary>
/// What an operator sample's plain <c>Main</c> does around its controller, the same for every operator: the command line,
/// SIGTERM and Ctrl+C, connecting as a pod, and running a <see cref="ControllerManager"/> under a Lease with the health and
/// metrics endpoint. Every replica keeps its informer caches warm and campaigns for the Lease; the one that holds it runs
/// the controller's workers. Stopping drains the reconciles in progress, releases the Lease (so a standby takes over at
/// once) and exits with 0. Exit codes: 0 after a clean stop, 1 for a connection or fatal error, 2 for a bad command line.
/// </summary>
internal static class OperatorProcess
{
    /// <summary>Main's body: parses <paramref name="args"/>, prints the usage or the RBAC rules, or connects and runs <paramref name="run"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="usage">The usage text (<see cref="OperatorOptions.Usage"/>).</param>
    /// <param name="parse">Parses the command line (<see cref="OperatorOptions.Parse"/> with the sample's defaults and options).</param>
    /// <param name="rbacRules">The generated client's <c>KubeClient.RbacRules</c>.</param>
    /// <param name="connect">The generated client's <c>KubeClient.InCluster</c>: KUBERNETES_SERVICE_HOST/PORT and the mounted
    /// service-account token, CA and namespace (or the directory in KUBEGEN_SERVICEACCOUNT_DIR).</param>
    /// <param name="run">Builds the caches and the controller and runs them with <see cref="RunControllerAsync"/>; the exit code.</param>
    public static async Task<int> MainAsync<TClient>(
        IReadOnlyList<string> args,
        string usage,
        Func<IReadOnlyList<string>, OperatorOptions> parse,
        string rbacRules,
        Func<TClient> connect,
        Func<TClient, OperatorOptions, CancellationToken, Task<int>> run)
        where TClient : IAsyncDisposable
    {
        OperatorOptions options;
        try
        {
            options = parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(usage);
            return 0;
        }

        if (options.PrintRbac)
        {
            Console.Write(rbacRules);
            return 0;
        }

        using var stopping = new CancellationTokenSource();
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stopping));
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stopping));

        TClient kube;
        try
        {
            kube = connect();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            OperatorLog.Error($"error: not running in a cluster: {ex.Message}");
            OperatorLog.Error("Outside a cluster, set KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and KUBEGEN_SERVICEACCOUNT_DIR (see README.md).");
            return 1;
        }

        await using (kube)
        {
            try
            {
                return await run(kube, options, stopping.Token);
            }
            catch (ArgumentException ex)
            {
                // Lease timings that client-go would reject too.
                OperatorLog.Error($"error: {ex.Message}");
                return 2;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="controller"/> under the Lease until <paramref name="stopping"/>, logging the election
    /// (<c>leader: acquired|observed|lost|released</c>); the exit code.
    /// </summary>
    /// <param name="controller">The controller, its sources added.</param>
    /// <param name="options">The command line.</param>
    /// <param name="createElector">The generated client's <c>kube.CreateLeaderElector(options.LeaseName, ns, election)</c>.</param>
    /// <param name="started">What the <c>started</c> line says after the identity (<c>namespace=default lease=…</c>).</param>
    /// <param name="synced">What the <c>synced</c> line says once the caches have synced (their sizes).</param>
    /// <param name="stopping">SIGTERM or Ctrl+C.</param>
    public static async Task<int> RunControllerAsync(
        Controller controller,
        OperatorOptions options,
        Func<LeaderElectionOptions, LeaderElector> createElector,
        string started,
        Func<string> synced,
        CancellationToken stopping)
    {
        controller.ReconcileFailed += failure => OperatorLog.Error($"error {failure.Request}: {failure.Exception.GetType().Name}: {failure.Exception.Message}{(failure.Terminal ? " (not retried)" : string.Empty)}");
        string identity = string.Empty;
        bool led = false;
        var manager = new ControllerManager(new ControllerManagerOptions
        {
            LeaderElection = election =>
            {
                LeaderElector elector = createElector(election);
                identity = elector.Identity;
                OperatorLog.Action($"started {identity} {started}");
                return elector;
            },
            Election = new LeaderElectionOptions
            {
                Identity = options.Identity,
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
                OnNewLeader = holder =>
                {
                    if (holder != identity && holder.Length > 0)
                    {
                        OperatorLog.Action($"leader: observed {holder}");
                    }
                },
                OnStartedLeading = async leading =>
                {
                    led = true;
                    OperatorLog.Action($"leader: acquired {identity}");
                    await controller.StartSourcesAsync(leading);
                    OperatorLog.Action("synced " + synced());
                },
                OnStoppedLeading = () =>
                {
                    if (!stopping.IsCancellationRequested)
                    {
                        OperatorLog.Action($"leader: lost {identity}");
                    }
                },
            },
        }).Add(controller);

        await using HealthServer? health = options.HealthPort is int port
            ? HealthServer.Start(new IPEndPoint(IPAddress.Any, port), () => manager.IsRunning, () => manager.IsReady, new PrometheusMetrics())
            : null;

        int exitCode = 0;
        try
        {
            await manager.RunAsync(stopping);
        }
        catch (Exception ex) when (ex is not ArgumentException)
        {
            // A replica that cannot work (a 403 from a missing RBAC rule) must not keep the Lease: the manager has released
            // it; exit non-zero so that Kubernetes restarts this pod while a standby takes over.
            Exception reason = ex is InvalidOperationException { InnerException: { } inner } ? inner : ex;
            OperatorLog.Error($"fatal: {reason.GetType().Name}: {reason.Message}");
            exitCode = 1;
        }

        if (led)
        {
            OperatorLog.Action($"leader: released {identity}");
        }

        OperatorLog.Action($"stopped {identity}");
        return exitCode;
    }

    /// <summary>An informer cache's <c>OnError</c>: logs what the cache will retry, except the routine expiry of a watch.</summary>
    public static Action<Exception> ReportCacheError(string cache) => ex =>
    {
        if (ex is not WatchExpiredException)
        {
            OperatorLog.Error($"error cache {cache}: {ex.Message}");
        }
    };

    /// <summary>The sizes of caches for the <c>synced</c> line: "2 sources, 1 summaries".</summary>
    public static string Counts(params (int Count, string What)[] caches)
        => string.Join(", ", caches.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} {c.What}")));

    private static void Stop(PosixSignalContext context, CancellationTokenSource stopping)
    {
        // Handled here: the process exits when Main returns, after the work drained and the Lease was released.
        context.Cancel = true;
        stopping.Cancel();
    }
}
