using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using KubeGen.Runtime;
using WebsiteOperator.Kube;
using WebsiteOperator.Kube.CoreV1;
using WebsiteOperator.Kube.DemoV1;

namespace WebsiteOperator;

/// <summary>
/// An operator for a custom resource in one Native AOT binary with a plain Main, on KubeGen's controller runtime: every
/// replica keeps its informer caches warm and campaigns for a Lease; the one that holds it reconciles the Websites of its
/// namespace (see <see cref="WebsiteReconciler"/>), the other stands by to take over. SIGTERM or Ctrl+C drains the
/// reconciles in progress, releases the Lease (so the standby takes over at once) and exits with 0.
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

        // Two informer caches, warm on every replica: the Websites, and the operator's children (to repair edits and deletions).
        await using ResourceCache<Website, WebsiteList> websites = kube.DemoV1.Websites.CreateCache(ns);
        await using ResourceCache<ConfigMap, ConfigMapList> contents = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = Content.ManagedByLabel + "=" + Content.ManagedByValue });
        websites.OnError += ex => ReportCacheError("websites", ex);
        contents.OnError += ex => ReportCacheError("contents", ex);

        await using var events = new EventRecorder(
            kube.CreateEventSink(),
            new EventRecorderOptions { ReportingController = "demo.kubegen.dev/website-operator", ReportingInstance = options.Identity, OnError = ex => OperatorLog.Error($"error event: {ex.Message}") });

        var reconciler = new WebsiteReconciler(kube, ns, websites, contents, new Registry(kube, ns), events, TimeProvider.System);
        contents.OnDeleted += reconciler.Forget;
        // For: a change of a Website reconciles it. Owns: a change of a child reconciles the Website that controls it.
        var controller = new Controller(Content.FieldManager, reconciler, new ControllerOptions { MaxConcurrentReconciles = options.Workers })
            .For(websites)
            .Owns(contents, Website.KubeApiVersion, Website.KubeKind);
        controller.ReconcileFailed += failure => OperatorLog.Error($"error {failure.Request}: {failure.Exception.GetType().Name}: {failure.Exception.Message}{(failure.Terminal ? " (not retried)" : string.Empty)}");

        string identity = string.Empty;
        bool led = false;
        var manager = new ControllerManager(new ControllerManagerOptions
        {
            LeaderElection = election =>
            {
                LeaderElector elector = kube.CreateLeaderElector(options.LeaseName, ns, election);
                identity = elector.Identity;
                OperatorLog.Action($"started {identity} namespace={ns} lease={options.LeaseName}");
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
                    OperatorLog.Action(string.Create(CultureInfo.InvariantCulture, $"synced {websites.Count} websites, {contents.Count} contents"));
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
            // it; exit non-zero so that Kubernetes restarts this pod while the standby takes over.
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
