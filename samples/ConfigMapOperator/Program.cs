using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using KubeGen.Runtime;
using EventsV1Event = ConfigMapOperator.Kube.EventsV1.Event;

namespace ConfigMapOperator;

/// <summary>
/// An operator in one Native AOT binary with a plain Main, on KubeGen's controller runtime: every replica keeps its informer
/// caches warm, campaigns for a Lease, and the one that holds it reconciles (see <see cref="SummaryReconciler"/>). SIGTERM or
/// Ctrl+C drains the reconciles in progress, releases the Lease (so a standby takes over at once) and exits with 0.
/// It connects the way a pod does (<see cref="KubeClient.InCluster"/>): KUBERNETES_SERVICE_HOST/PORT and the mounted
/// service-account token, CA and namespace (or the directory in KUBEGEN_SERVICEACCOUNT_DIR).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        OperatorOptions options;
        try
        {
            options = OperatorOptions.Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(OperatorOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(OperatorOptions.Usage);
            return 0;
        }

        if (options.PrintRbac)
        {
            Console.Write(KubeClient.RbacRules);
            return 0;
        }

        using var stopping = new CancellationTokenSource();
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stopping));
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stopping));

        KubeClient kube;
        try
        {
            kube = KubeClient.InCluster();
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
                return await RunAsync(kube, options, stopping.Token);
            }
            catch (ArgumentException ex)
            {
                // Lease timings that client-go would reject too.
                OperatorLog.Error($"error: {ex.Message}");
                return 2;
            }
        }
    }

    /// <summary>Runs the controller until stopped; the exit code.</summary>
    private static async Task<int> RunAsync(KubeClient kube, OperatorOptions options, CancellationToken stopping)
    {
        string ns = kube.Namespace;

        // Two informer caches (warm on every replica): the sources, and the operator's own summaries (to repair edits).
        await using ResourceCache<ConfigMap, ConfigMapList> sources = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = options.Selector });
        await using ResourceCache<ConfigMap, ConfigMapList> summaries = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = Summary.ManagedByLabel + "=" + Summary.ManagedByValue });
        sources.OnError += ex => ReportCacheError("sources", ex);
        summaries.OnError += ex => ReportCacheError("summaries", ex);

        await using var events = new EventRecorder(
            EventSinks.EventsV1(
                EventsV1Event.JsonTypeInfo,
                (n, e, ct) => kube.EventsV1.Events.CreateAsync(n, e, cancellationToken: ct),
                (n, name, patch, ct) => kube.EventsV1.Events.PatchAsync(n, name, patch, cancellationToken: ct)),
            new EventRecorderOptions { ReportingController = "kubegen.dev/configmap-operator", ReportingInstance = options.Identity, OnError = ex => OperatorLog.Error($"error event: {ex.Message}") });

        var reconciler = new SummaryReconciler(kube, ns, sources, summaries, events);
        summaries.OnDeleted += reconciler.Forget;
        var controller = new Controller(Summary.FieldManager, reconciler, new ControllerOptions { MaxConcurrentReconciles = options.Workers })
            .For(sources)
            .Owns(summaries, ConfigMap.KubeApiVersion, ConfigMap.KubeKind);
        controller.ReconcileFailed += failure => OperatorLog.Error($"error {failure.Request}: {failure.Exception.GetType().Name}: {failure.Exception.Message}{(failure.Terminal ? " (not retried)" : string.Empty)}");

        string identity = string.Empty;
        bool led = false;
        var manager = new ControllerManager(new ControllerManagerOptions
        {
            LeaderElection = election =>
            {
                LeaderElector elector = kube.CreateLeaderElector(options.LeaseName, ns, election);
                identity = elector.Identity;
                OperatorLog.Action($"started {identity} namespace={ns} selector={options.Selector} lease={options.LeaseName}");
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
                    OperatorLog.Action(string.Create(CultureInfo.InvariantCulture, $"synced {sources.Count} sources, {summaries.Count} summaries"));
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

    private static void ReportCacheError(string cache, Exception ex)
    {
        if (ex is not WatchExpiredException)
        {
            OperatorLog.Error($"error cache {cache}: {ex.Message}");
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stopping)
    {
        // Handled here: the process exits when Main returns, after the work drained and the Lease was released.
        context.Cancel = true;
        stopping.Cancel();
    }
}
