using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using KubeGen.Runtime;
using KubeGen.Samples;

namespace ConfigMapOperator;

/// <summary>
/// An operator in one Native AOT binary with a plain Main, on KubeGen's controller runtime: two informer caches and one
/// controller (see <see cref="SummaryReconciler"/>), run under a Lease so that of two replicas one works and the other
/// stands by. SIGTERM or Ctrl+C drains the reconciles in progress, releases the Lease (so a standby takes over at once) and
/// exits with 0. The command line, signals, connecting as a pod and the manager with its health endpoint are the operator
/// samples' shared <see cref="OperatorProcess"/>.
/// </summary>
internal static class Program
{
    private const string DefaultLease = "configmap-operator";

    private const string SelectorOption = "--selector";

    private const string DefaultSelector = "kubegen.dev/mirror=true";

    private static Task<int> Main(string[] args)
        => OperatorProcess.MainAsync(
            args,
            OperatorOptions.Usage("ConfigMapOperator", DefaultLease, $"  {SelectorOption} SELECTOR      label selector of the source ConfigMaps (default {DefaultSelector})\n"),
            arguments => OperatorOptions.Parse(arguments, DefaultLease, SelectorOption),
            KubeClient.RbacRules,
            () => KubeClient.InCluster(),
            RunAsync);

    /// <summary>Builds the caches and the controller and runs them until stopped; the exit code.</summary>
    private static async Task<int> RunAsync(KubeClient kube, OperatorOptions options, CancellationToken stopping)
    {
        string ns = kube.Namespace;
        string selector = options.Extra.GetValueOrDefault(SelectorOption, DefaultSelector);

        // Two informer caches (warm on every replica): the sources, and the operator's own summaries (to repair edits).
        await using ResourceCache<ConfigMap, ConfigMapList> sources = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = selector });
        await using ResourceCache<ConfigMap, ConfigMapList> summaries = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = Summary.ManagedByLabel + "=" + Summary.ManagedByValue });
        sources.OnError += OperatorProcess.ReportCacheError("sources");
        summaries.OnError += OperatorProcess.ReportCacheError("summaries");

        await using var events = new EventRecorder(
            kube.CreateEventSink(),
            new EventRecorderOptions { ReportingController = "kubegen.dev/configmap-operator", ReportingInstance = options.Identity, OnError = ex => OperatorLog.Error($"error event: {ex.Message}") });

        var reconciler = new SummaryReconciler(kube, ns, sources, summaries, events);
        summaries.OnDeleted += reconciler.Forget;
        var controller = new Controller(Summary.FieldManager, reconciler, new ControllerOptions { MaxConcurrentReconciles = options.Workers })
            .For(sources)
            .Owns(summaries, ConfigMap.KubeApiVersion, ConfigMap.KubeKind);

        return await OperatorProcess.RunControllerAsync(
            controller,
            options,
            election => kube.CreateLeaderElector(options.LeaseName, ns, election),
            $"namespace={ns} selector={selector} lease={options.LeaseName}",
            () => OperatorProcess.Counts((sources.Count, "sources"), (summaries.Count, "summaries")),
            stopping);
    }
}
