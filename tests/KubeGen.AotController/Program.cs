using System.Globalization;
using System.Runtime.InteropServices;
using AotController.Kube;
using AotController.Kube.CoreV1;
using KubeGen.Runtime;

namespace AotController;

/// <summary>
/// A Native AOT controller: it campaigns for the Lease <c>aot-controller</c> in its namespace and,
/// while it leads, watches the ConfigMaps labelled <c>app=demo</c> through the informer cache. Each
/// added or updated ConfigMap without a <c>derived</c> key gets one (merge patch):
/// <c>data.derived = upper-case(data.input)</c>. Its stdout is line-oriented for
/// tests/KubeGen.EndToEnd.Tests:
/// <code>
/// IDENTITY id
/// LEADER id                 (a leader was observed, possibly another elector)
/// LEADING id                (this process now leads)
/// SYNCED n                  (the cache listed n ConfigMaps)
/// DERIVED name VALUE
/// STOPPED LEADING id
/// EXIT 0
/// </code>
/// Options: <c>--identity ID</c> (default HOSTNAME), <c>--lease-duration S</c>, <c>--renew-deadline S</c>,
/// <c>--retry-period S</c> (defaults 2 / 1.5 / 0.3 s), <c>--run-seconds N</c> (default: until SIGTERM/SIGINT).
/// </summary>
internal static class Program
{
    private const string LeaseName = "aot-controller";
    private const string LabelSelector = "app=demo";

    private static readonly Lock OutputLock = new();

    private static async Task<int> Main(string[] args)
    {
        Settings settings;
        try
        {
            settings = Settings.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"usage: KubeGen.AotController [--identity ID] [--lease-duration S] [--renew-deadline S] [--retry-period S] [--run-seconds N]: {ex.Message}");
            return 2;
        }

        using var stopping = new CancellationTokenSource();
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
        if (settings.RunTime is { } runTime)
        {
            stopping.CancelAfter(runTime);
        }

        try
        {
            await using KubeClient kube = KubeClient.InCluster();
            string ns = kube.Namespace;
            var options = new LeaderElectionOptions
            {
                Identity = settings.Identity,
                LeaseDuration = settings.LeaseDuration,
                RenewDeadline = settings.RenewDeadline,
                RetryPeriod = settings.RetryPeriod,
                ReleaseOnCancel = true,
                OnNewLeader = id => WriteLine($"LEADER {id}"),
                OnStoppedLeading = () => WriteLine($"STOPPED LEADING {settings.Identity}"),
            };
            options.OnStartedLeading = ct => LeadAsync(kube, ns, settings.Identity, ct);

            LeaderElector elector = kube.CreateLeaderElector(LeaseName, ns, options);
            WriteLine($"IDENTITY {elector.Identity}");

            // RunAsync returns when leadership ends (lost or cancelled); campaign again until stopped.
            while (!stopping.IsCancellationRequested)
            {
                await elector.RunAsync(stopping.Token);
            }

            WriteLine("EXIT 0");
            return 0;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            WriteLine("EXIT 0");
            return 0;
        }
        catch (KubeApiException ex)
        {
            Console.Error.WriteLine($"ERROR {(int)ex.StatusCode} {ex.Status.Reason}: {ex.Status.Message}");
            return 1;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"FAILED {ex.GetType().FullName}: {ex.Message}");
            return 3;
        }
    }

    /// <summary>The controller's work while this process leads; <paramref name="ct"/> ends with leadership.</summary>
    private static async Task LeadAsync(KubeClient kube, string ns, string identity, CancellationToken ct)
    {
        WriteLine($"LEADING {identity}");
        await using ResourceCache<ConfigMap, ConfigMapList> cache = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = LabelSelector });

        // Handlers run one at a time on the cache's loop: queue the work, patch on this task.
        var pending = System.Threading.Channels.Channel.CreateUnbounded<ConfigMap>(new() { SingleReader = true });
        cache.OnAdded += cm => pending.Writer.TryWrite(cm);
        cache.OnUpdated += (_, cm) => pending.Writer.TryWrite(cm);
        cache.OnError += ex => Console.Error.WriteLine($"CACHE ERROR {ex.GetType().Name}: {ex.Message}");

        Task running = cache.StartAsync(ct);
        try
        {
            await cache.WaitForSyncAsync(ct);
            WriteLine($"SYNCED {cache.Count.ToString(CultureInfo.InvariantCulture)}");

            await foreach (ConfigMap cm in pending.Reader.ReadAllAsync(ct))
            {
                await ReconcileAsync(kube, cm, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task ReconcileAsync(KubeClient kube, ConfigMap cm, CancellationToken ct)
    {
        string? name = cm.Metadata?.Name;
        if (name is null || cm.Data is null || cm.Data.ContainsKey("derived") || !cm.Data.TryGetValue("input", out string? input))
        {
            return;
        }

        string derived = input.ToUpperInvariant();
        string patch = "{\"data\":{\"derived\":" + JsonString(derived) + "}}";
        try
        {
            await kube.CoreV1.ConfigMaps.PatchAsync(cm.Metadata!.Namespace ?? kube.Namespace, name, KubePatch.Merge(patch), cancellationToken: ct);
            WriteLine($"DERIVED {name} {derived}");
        }
        catch (KubeApiException ex)
        {
            Console.Error.WriteLine($"PATCH {name} failed: {(int)ex.StatusCode} {ex.Status.Message}");
        }
    }

    private static string JsonString(string value)
        => "\"" + System.Text.Json.JsonEncodedText.Encode(value).ToString() + "\"";

    private static void WriteLine(string line)
    {
        lock (OutputLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private sealed record Settings(string Identity, TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod, TimeSpan? RunTime)
    {
        public static Settings Parse(string[] args)
        {
            string identity = Environment.GetEnvironmentVariable("HOSTNAME") is { Length: > 0 } host ? host : "aot-controller-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            double leaseDuration = 2, renewDeadline = 1.5, retryPeriod = 0.3;
            double? runSeconds = null;
            for (int i = 0; i < args.Length; i++)
            {
                string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--identity": identity = value; break;
                    case "--lease-duration": leaseDuration = Seconds(value); break;
                    case "--renew-deadline": renewDeadline = Seconds(value); break;
                    case "--retry-period": retryPeriod = Seconds(value); break;
                    case "--run-seconds": runSeconds = Seconds(value); break;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }

                i++;
            }

            return new Settings(
                identity,
                TimeSpan.FromSeconds(leaseDuration),
                TimeSpan.FromSeconds(renewDeadline),
                TimeSpan.FromSeconds(retryPeriod),
                runSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        }

        private static double Seconds(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
