using ConfigMapOperator;
using ConfigMapOperator.Kube;
using ConfigMapOperator.Kube.CoreV1;
using KubeGen.Hosting;
using KubeGen.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using EventsV1Event = ConfigMapOperator.Kube.EventsV1.Event;

// The sample's operator on the generic host: configuration, DI, ILogger, the hosted controller manager.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(_ => KubeClient.InCluster());
builder.Services.AddKubeControllers(options => options.HealthPort = int.TryParse(builder.Configuration["HealthPort"], out int port) ? port : 8081)
    .WithLeaderElection((services, election) =>
    {
        KubeClient kube = services.GetRequiredService<KubeClient>();
        return kube.CreateLeaderElector("configmap-operator", kube.Namespace, election);
    })
    .AddController(services =>
    {
        KubeClient kube = services.GetRequiredService<KubeClient>();
        string ns = kube.Namespace;
        ResourceCache<ConfigMap, ConfigMapList> sources = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = "kubegen.dev/mirror=true" });
        ResourceCache<ConfigMap, ConfigMapList> summaries = kube.CoreV1.ConfigMaps.CreateCache(ns, new() { LabelSelector = Summary.ManagedByLabel + "=" + Summary.ManagedByValue });
        var events = new EventRecorder(
            EventSinks.EventsV1(
                EventsV1Event.JsonTypeInfo,
                (n, e, ct) => kube.EventsV1.Events.CreateAsync(n, e, cancellationToken: ct),
                (n, name, patch, ct) => kube.EventsV1.Events.PatchAsync(n, name, patch, cancellationToken: ct)),
            new EventRecorderOptions { ReportingController = "kubegen.dev/configmap-operator" });
        var reconciler = new SummaryReconciler(kube, ns, sources, summaries, events);
        summaries.OnDeleted += reconciler.Forget;
        return new Controller(Summary.FieldManager, reconciler, new ControllerOptions { MaxConcurrentReconciles = 2 })
            .For(sources)
            .Owns(summaries, ConfigMap.KubeApiVersion, ConfigMap.KubeKind);
    });
await builder.Build().RunAsync();
