using KubeGen.Runtime;
using KubeGen.Samples;
using WebsiteOperator.Kube;
using WebsiteOperator.Kube.CoreV1;
using WebsiteOperator.Kube.DemoV1;

namespace WebsiteOperator;

/// <summary>
/// An operator for a custom resource in one Native AOT binary with a plain Main, on KubeGen's controller runtime: two
/// informer caches, one controller for the Websites of the pod's namespace (see <see cref="WebsiteReconciler"/>), run under
/// a Lease so that of two replicas one works and the other stands by. The command line, signals, connecting as a pod and
/// the manager with its health endpoint are the operator samples' shared <see cref="OperatorProcess"/>.
/// </summary>
internal static class Program
{
    private const string DefaultLease = "website-operator";

    private static Task<int> Main(string[] args)
        => OperatorProcess.MainAsync(
            args,
            OperatorOptions.Usage("WebsiteOperator", DefaultLease),
            arguments => OperatorOptions.Parse(arguments, DefaultLease),
            KubeClient.RbacRules,
            () => KubeClient.InCluster(),
            RunAsync);

    /// <summary>Builds the caches and the controller and runs them until stopped; the exit code.</summary>
    private static async Task<int> RunAsync(KubeClient kube, OperatorOptions options, CancellationToken stopping)
    {
        string ns = kube.Namespace;

        // Two informer caches, warm on every replica: the Websites, and the operator's children (to repair edits and deletions).
        await using ResourceCache<Website, WebsiteList> websites = kube.DemoV1.Websites.CreateCache(ns);
        await using ResourceCache<ConfigMap, ConfigMapList> contents = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = Content.Child.Selector });
        websites.OnError += OperatorProcess.ReportCacheError("websites");
        contents.OnError += OperatorProcess.ReportCacheError("contents");

        await using var events = new EventRecorder(
            kube.CreateEventSink(),
            new EventRecorderOptions { ReportingController = "demo.kubegen.dev/website-operator", ReportingInstance = options.Identity, OnError = ex => OperatorLog.Error($"error event: {ex.Message}") });

        var reconciler = new WebsiteReconciler(kube, ns, websites, contents, new Registry(kube, ns), events, TimeProvider.System);
        contents.OnDeleted += reconciler.Forget;

        // For: a change of a Website reconciles it. Owns: a change of a child reconciles the Website that controls it.
        var controller = new Controller(Content.FieldManager, reconciler, new ControllerOptions { MaxConcurrentReconciles = options.Workers })
            .For(websites)
            .Owns(contents, Website.KubeApiVersion, Website.KubeKind);

        return await OperatorProcess.RunControllerAsync(
            controller,
            options,
            election => kube.CreateLeaderElector(options.LeaseName, ns, election),
            $"namespace={ns} lease={options.LeaseName}",
            () => OperatorProcess.Counts((websites.Count, "websites"), (contents.Count, "contents")),
            stopping);
    }
}
