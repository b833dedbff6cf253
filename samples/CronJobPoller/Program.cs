using System.Runtime.InteropServices;
using KubeGen.Runtime;
using CronJobPoller.Kube;

namespace CronJobPoller;

/// <summary>
/// One run of the job a CronJob starts: lists the Backup custom resources of its namespace, runs
/// the ones that are due and records each run in the Backup's status, prints what it did, and
/// exits (0, or 1 when the API refused something). It connects the way a pod does
/// (<see cref="KubeClient.InCluster"/>): KUBERNETES_SERVICE_HOST/PORT and the mounted
/// service-account token, CA and namespace (or the directory in KUBEGEN_SERVICEACCOUNT_DIR).
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: CronJobPoller [--namespace|-n NAMESPACE] [--selector|-l SELECTOR] [--dry-run] [--print-rbac]
          (no options)   run the due Backups of the pod's own namespace and record the runs
          --namespace    another namespace than the service account's
          --selector     only the Backups with these labels (a label selector, e.g. tier=db)
          --dry-run      say what is due, change nothing
          --print-rbac   print the RBAC rules this build needs (a Role's rules) and exit
        """;

    private static async Task<int> Main(string[] args)
    {
        string? ns = null;
        string? selector = null;
        bool dryRun = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--namespace" or "-n" when i + 1 < args.Length:
                    ns = args[++i];
                    break;
                case "--selector" or "-l" when i + 1 < args.Length:
                    selector = args[++i];
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--print-rbac":
                    Console.Write(KubeClient.RbacRules);
                    return 0;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"error: unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        // A CronJob's pod is stopped with SIGTERM (activeDeadlineSeconds, a node drain): stop between calls.
        using var stop = new CancellationTokenSource();
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        KubeClient kube;
        try
        {
            kube = KubeClient.InCluster();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"error: not running in a cluster: {ex.Message}");
            Console.Error.WriteLine("Outside a cluster, set KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and KUBEGEN_SERVICEACCOUNT_DIR (see README.md).");
            return 1;
        }

        await using (kube)
        {
            try
            {
                var poller = new BackupPoller(kube, ns ?? kube.Namespace, TimeProvider.System);
                RunSummary summary = await poller.RunAsync(selector, dryRun, stop.Token);
                summary.Print(Console.Out);
                return 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Console.Error.WriteLine("stopped before the run finished; the next run picks up what is left");
                return 1;
            }
            catch (KubeApiException ex)
            {
                // The API server's Status message; for a 403 it names the verb, resource and namespace.
                Console.Error.WriteLine($"error: {ex.Message}");
                if (ex.IsForbidden)
                {
                    Console.Error.WriteLine("The service account needs the rules of `CronJobPoller --print-rbac` (rbac.yaml, deploy/role.yaml).");
                }

                return 1;
            }
            catch (HttpRequestException ex)
            {
                Console.Error.WriteLine($"error: cannot reach the API server: {ex.Message}");
                return 1;
            }
        }
    }
}
