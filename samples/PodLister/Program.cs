using System.Globalization;
using System.Runtime.InteropServices;
using KubeGen.Runtime;
using PodLister.Kube;
using PodLister.Kube.CoreV1;

namespace PodLister;

/// <summary>
/// Lists the pods of the namespace it runs in as a table (NAME, PHASE, RESTARTS, AGE, NODE), like
/// <c>kubectl get pods</c>. With <c>--watch</c> it then follows the changes, one line per event,
/// until Ctrl+C or SIGTERM. It connects with <see cref="KubeClient.Connect"/>, so the same binary
/// runs in a pod (KUBERNETES_SERVICE_HOST/PORT and the mounted service-account token, CA and
/// namespace) and on a laptop (KUBECONFIG, else ~/.kube/config: the current context's cluster,
/// credentials and namespace).
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: PodLister [--watch|-w] [--namespace|-n NAMESPACE] [--context NAME] [--print-rbac]
          (no options)   list the pods of the pod's own namespace (or the kubeconfig context's)
          --watch, -w    then follow changes, one line per event, until Ctrl+C
          --namespace    list another namespace than the service account's or context's
          --context      use this kubeconfig context instead of the current one
          --print-rbac   print the RBAC rules this build needs (a Role's rules) and exit
        """;

    private static async Task<int> Main(string[] args)
    {
        bool watch = false, printRbac = false;
        string? ns = null, context = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--watch" or "-w":
                    watch = true;
                    break;
                case "--namespace" or "-n" when i + 1 < args.Length:
                    ns = args[++i];
                    break;
                case "--context" when i + 1 < args.Length:
                    context = args[++i];
                    break;
                case "--print-rbac":
                    printRbac = true;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"error: unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (printRbac)
        {
            Console.Write(KubeClient.RbacRules);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        KubeClient kube;
        try
        {
            // KUBECONFIG, else in-cluster (service-account token and CA), else ~/.kube/config.
            kube = KubeClient.Connect(new KubeConnectOptions { Context = context });
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A KubeconfigException names the file and the field; "no source" names every place looked at.
            Console.Error.WriteLine($"error: cannot connect: {ex.Message}");
            return 1;
        }

        await using (kube)
        {
            try
            {
                var lister = new PodTable(kube, ns ?? kube.Namespace);
                await lister.ListAsync(stop.Token);
                if (watch)
                {
                    await lister.WatchAsync(stop.Token);
                }

                return 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
            catch (KubeApiException ex)
            {
                // The message is the API server's Status message with its code and reason, and for a
                // 403 also the RBAC permission the request needed (verb, resource, namespace).
                Console.Error.WriteLine($"error: {ex.Message}");
                if (ex.IsForbidden)
                {
                    Console.Error.WriteLine("The service account needs the rules of `PodLister --print-rbac` (deploy/role.yaml).");
                }

                return 1;
            }
            catch (HttpRequestException ex)
            {
                Console.Error.WriteLine($"error: cannot reach the API server: {ex.Message}");
                return 1;
            }
            catch (KubeconfigException ex)
            {
                // The kubeconfig user's exec plugin failed (its message and error output, never the credential).
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }
        }
    }
}

/// <summary>Prints the pods of one namespace and follows them.</summary>
internal sealed class PodTable(KubeClient kube, string ns)
{
    private static readonly string[] Header = ["NAME", "PHASE", "RESTARTS", "AGE", "NODE"];

    private int[] _widths = Header.Select(h => h.Length).ToArray();

    private string? _resourceVersion;

    public async Task ListAsync(CancellationToken cancellationToken)
    {
        PodList list = await kube.CoreV1.Pods.ListAsync(ns, cancellationToken: cancellationToken);
        _resourceVersion = list.Metadata?.ResourceVersion;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        List<string[]> rows = list.Items
            .OrderBy(p => p.Metadata?.Name, StringComparer.Ordinal)
            .Select(p => Row(p, now))
            .ToList();
        if (rows.Count == 0)
        {
            Console.WriteLine($"No resources found in {ns} namespace.");
            return;
        }

        foreach (string[] row in rows)
        {
            Widen(row);
        }

        Console.WriteLine(Format(Header));
        foreach (string[] row in rows)
        {
            Console.WriteLine(Format(row));
        }
    }

    /// <summary>
    /// Follows the pods from the list's resourceVersion: the generated WatchAsync resumes after dropped or
    /// silent connections and, when that version has expired (410), lists again and reports what changed.
    /// </summary>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        var options = new ResumableWatchOptions { ResourceVersion = _resourceVersion, RelistOnExpired = true, EmitBookmarks = false };
        await foreach (WatchEvent<Pod> e in kube.CoreV1.Pods.WatchAsync(ns, options, cancellationToken))
        {
            PrintEvent(EventName(e.Type), e.Object);
        }
    }

    private void PrintEvent(string type, Pod pod)
    {
        string[] row = Row(pod, DateTimeOffset.UtcNow);
        Widen(row);
        Console.WriteLine($"{type,-9}{Format(row)}");
    }

    private static string EventName(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        _ => type.ToString().ToUpperInvariant(),
    };

    private static string[] Row(Pod pod, DateTimeOffset now)
    {
        int restarts = pod.Status?.ContainerStatuses?.Sum(s => s.RestartCount ?? 0) ?? 0;
        string phase = pod.Metadata?.DeletionTimestamp is not null ? "Terminating" : pod.Status?.Phase ?? "Unknown";
        string age = pod.Metadata?.CreationTimestamp is { } created ? Age.Format(now - created) : "<unknown>";
        string node = string.IsNullOrEmpty(pod.Spec?.NodeName) ? "<none>" : pod.Spec.NodeName;
        return [pod.Metadata?.Name ?? string.Empty, phase, restarts.ToString(CultureInfo.InvariantCulture), age, node];
    }

    private void Widen(string[] row)
    {
        for (int i = 0; i < row.Length; i++)
        {
            _widths[i] = Math.Max(_widths[i], row[i].Length);
        }
    }

    /// <summary>kubectl's layout: left-aligned columns, three spaces apart, no trailing padding.</summary>
    private string Format(string[] row)
    {
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < row.Length; i++)
        {
            line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(_widths[i] + 3));
        }

        return line.ToString();
    }
}

/// <summary>The AGE column as kubectl prints it (apimachinery's <c>duration.HumanDuration</c>).</summary>
internal static class Age
{
    public static string Format(TimeSpan d)
    {
        long seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        long minutes = seconds / 60;
        if (minutes < 10)
        {
            long s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        long hours = minutes / 60;
        if (hours < 8)
        {
            long m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            long h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            long dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
