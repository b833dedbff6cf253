using System.Runtime.InteropServices;
using ConfigMapOperator.Kube;
using KubeGen.Runtime;

namespace ConfigMapOperator;

/// <summary>
/// An operator in one Native AOT binary: every replica campaigns for a Lease; the one that holds it
/// writes a summary ConfigMap for each ConfigMap carrying the selected label (see
/// <see cref="SummaryController"/>), the others wait to take over. SIGTERM or Ctrl+C stops the work,
/// releases the Lease (so a standby takes over at once) and exits with 0.
/// It connects the way a pod does (<see cref="KubeClient.InCluster"/>): KUBERNETES_SERVICE_HOST/PORT
/// and the mounted service-account token, CA and namespace (or the directory in KUBEGEN_SERVICEACCOUNT_DIR).
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
                return await RunAsync(kube, options, stopping);
            }
            catch (ArgumentException ex)
            {
                // Lease timings that client-go would reject too.
                OperatorLog.Error($"error: {ex.Message}");
                return 2;
            }
        }
    }

    /// <summary>Campaigns, leads, campaigns again after a lost term, until stopped; the exit code.</summary>
    private static async Task<int> RunAsync(KubeClient kube, OperatorOptions options, CancellationTokenSource stopping)
    {
        string ns = kube.Namespace;
        var controller = new SummaryController(kube, ns, options.Selector);
        int exitCode = 0;
        string identity = string.Empty;
        bool led = false;
        var election = new LeaderElectionOptions
        {
            Identity = options.Identity,
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
            ReleaseOnCancel = true,
            OnNewLeader = holder =>
            {
                if (holder != identity)
                {
                    OperatorLog.Action($"leader: observed {holder}");
                }
            },
            OnStartedLeading = async leading =>
            {
                led = true;
                OperatorLog.Action($"leader: acquired {identity}");
                try
                {
                    await controller.RunAsync(leading);
                }
                catch (OperationCanceledException) when (leading.IsCancellationRequested)
                {
                    // The term ended (lost, or stopping).
                }
                catch (Exception ex)
                {
                    // A replica that leads but cannot work must not keep the Lease: stop, release it,
                    // and exit non-zero so that Kubernetes restarts this pod while a standby takes over.
                    OperatorLog.Error($"fatal: {ex.GetType().Name}: {ex.Message}");
                    exitCode = 1;
                    await stopping.CancelAsync();
                }
            },
            OnStoppedLeading = () =>
            {
                if (!stopping.IsCancellationRequested)
                {
                    OperatorLog.Action($"leader: lost {identity}");
                }
            },
        };

        LeaderElector elector = kube.CreateLeaderElector(options.LeaseName, ns, election);
        identity = elector.Identity;
        OperatorLog.Action($"started {identity} namespace={ns} selector={options.Selector} lease={options.LeaseName}");

        // RunAsync returns when a term ends (lost or stopped) or when stopped while waiting; when
        // stopped while leading, it returns after the work has ended and the Lease was released.
        while (!stopping.IsCancellationRequested)
        {
            led = false;
            await elector.RunAsync(stopping.Token);
        }

        if (led)
        {
            OperatorLog.Action($"leader: released {identity}");
        }

        OperatorLog.Action($"stopped {identity}");
        return exitCode;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stopping)
    {
        // Handled here: the process exits when Main returns, after the Lease is released.
        context.Cancel = true;
        stopping.Cancel();
    }
}
