namespace KubeGen.Generator.Tests.CrossVersion;

/// <summary>
/// The user code that must compile, unchanged and without a warning, against the clients generated
/// from every cluster version: the calls an operator makes on workloads (deployments), on the core
/// resources (pods, configmaps) and for leader election (leases).
/// </summary>
internal static class UserPrograms
{
    /// <summary>Deployments and Leases: served by every Swagger spec and by the OpenAPI v3 documents.</summary>
    public const string Workloads = """"
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using KubeGen.Runtime;
        using App.Kube;
        using App.Kube.AppsV1;
        using App.Kube.AutoscalingV1;
        using App.Kube.CoordinationV1;
        using App.Kube.MetaV1;

        namespace App;

        public static class Workloads
        {
            public static async Task RunAsync(KubeClient kube, CancellationToken ct)
            {
                string ns = kube.Namespace;
                DeploymentList deployments = await kube.AppsV1.Deployments.ListAsync(ns, new() { LabelSelector = "app=web", Limit = 50 }, ct);
                DeploymentList everywhere = await kube.AppsV1.Deployments.ListForAllNamespacesAsync(new() { FieldSelector = "metadata.name=web" }, ct);
                Deployment web = await kube.AppsV1.Deployments.GetAsync(ns, "web", cancellationToken: ct);
                web.Spec!.Replicas = (web.Spec.Replicas ?? 1) + 1;
                web = await kube.AppsV1.Deployments.ReplaceAsync(ns, "web", web, new() { FieldManager = "app" }, ct);
                Deployment created = await kube.AppsV1.Deployments.CreateAsync(ns, new Deployment { Metadata = new ObjectMeta { Name = "api" } }, new() { DryRun = "All" }, ct);
                Deployment patched = await kube.AppsV1.Deployments.PatchAsync(ns, "web", KubePatch.Merge("""{"metadata":{"labels":{"a":"b"}}}"""), cancellationToken: ct);
                Deployment applied = await kube.AppsV1.Deployments.PatchAsync(ns, "web", KubePatch.Apply("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}"""), new() { FieldManager = "app", Force = true }, ct);
                Deployment status = await kube.AppsV1.Deployments.ReplaceStatusAsync(ns, "web", web, cancellationToken: ct);
                Scale scale = await kube.AppsV1.Deployments.GetScaleAsync(ns, "web", cancellationToken: ct);
                Deployment? pending = await kube.AppsV1.Deployments.DeleteAsync(ns, "api", new DeleteOptions { PropagationPolicy = "Foreground", Preconditions = new Preconditions { ResourceVersion = created.Metadata?.ResourceVersion } }, ct);
                await kube.AppsV1.Deployments.DeleteCollectionAsync(ns, new() { LabelSelector = "tier=test" }, ct);

                await foreach (WatchEvent<Deployment> e in kube.AppsV1.Deployments.WatchAsync(ns, new ResumableWatchOptions { LabelSelector = "app=web" }, ct))
                {
                    Console.WriteLine($"{e.Type} {e.Object.Metadata?.Name} {e.Object.Status?.ReadyReplicas}");
                }

                await foreach (WatchEvent<Deployment> e in kube.AppsV1.Deployments.WatchSingleConnectionAsync(ns, new() { ResourceVersion = deployments.Metadata?.ResourceVersion, TimeoutSeconds = 60 }, ct))
                {
                    Console.WriteLine(e.Type);
                }

                await using ResourceCache<Deployment, DeploymentList> cache = kube.AppsV1.Deployments.CreateCache(ns, new() { LabelSelector = "app=web" });
                await using ResourceCache<Deployment, DeploymentList> all = kube.AppsV1.Deployments.CreateCacheForAllNamespaces();

                Lease lease = await kube.CoordinationV1.Leases.GetAsync(ns, "lock", cancellationToken: ct);
                LeaseList leases = await kube.CoordinationV1.Leases.ListAsync(ns, cancellationToken: ct);
                LeaderElector elector = kube.CreateLeaderElector("lock", ns, new LeaderElectionOptions { ReleaseOnCancel = true });
                Console.WriteLine($"{everywhere.Items.Count} {patched.Metadata?.Name} {applied.Metadata?.Name} {status.Status?.Replicas} {scale.Spec?.Replicas} {pending?.Metadata?.Name} {lease.Spec?.HolderIdentity} {leases.Items.Count} {elector.Identity} {cache.List().Count} {all.List().Count}");
            }
        }
        """";

    /// <summary>Pods and ConfigMaps: the core group, served by every Swagger spec.</summary>
    public const string Core = """"
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using KubeGen.Runtime;
        using App.Kube;
        using App.Kube.CoreV1;
        using App.Kube.MetaV1;

        namespace App;

        public static class Core
        {
            public static async Task RunAsync(KubeClient kube, CancellationToken ct)
            {
                string ns = kube.Namespace;
                PodList pods = await kube.CoreV1.Pods.ListAsync(ns, new() { LabelSelector = "app=web", FieldSelector = "status.phase=Running", Limit = 100 }, ct);
                foreach (Pod pod in pods.Items)
                {
                    int restarts = 0;
                    foreach (ContainerStatus container in pod.Status?.ContainerStatuses ?? [])
                    {
                        restarts += container.RestartCount ?? 0;
                    }

                    Console.WriteLine($"{pod.Metadata?.Name} {pod.Status?.Phase} {restarts}");
                }

                Pod one = await kube.CoreV1.Pods.GetAsync(ns, "web-0", cancellationToken: ct);
                Pod status = await kube.CoreV1.Pods.GetStatusAsync(ns, "web-0", cancellationToken: ct);
                Pod? deleted = await kube.CoreV1.Pods.DeleteAsync(ns, "web-0", new DeleteOptions { GracePeriodSeconds = 0 }, ct);

                ConfigMap settings = await kube.CoreV1.ConfigMaps.CreateAsync(ns, new ConfigMap { Metadata = new ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, cancellationToken: ct);
                settings.Data!["b"] = "2";
                settings = await kube.CoreV1.ConfigMaps.ReplaceAsync(ns, "settings", settings, cancellationToken: ct);
                settings = await kube.CoreV1.ConfigMaps.PatchAsync(ns, "settings", KubePatch.Apply("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}"""), new() { FieldManager = "app" }, ct);
                ConfigMapList maps = await kube.CoreV1.ConfigMaps.ListForAllNamespacesAsync(cancellationToken: ct);
                await kube.CoreV1.ConfigMaps.DeleteAsync(ns, "settings", cancellationToken: ct);
                await kube.CoreV1.ConfigMaps.DeleteCollectionAsync(ns, new() { LabelSelector = "tmp=true" }, ct);

                await foreach (WatchEvent<ConfigMap> e in kube.CoreV1.ConfigMaps.WatchForAllNamespacesAsync(cancellationToken: ct))
                {
                    Console.WriteLine($"{e.Type} {e.Object.Metadata?.Namespace}/{e.Object.Metadata?.Name}");
                }

                await using ResourceCache<Pod, PodList> cache = kube.CoreV1.Pods.CreateCache(ns, new() { LabelSelector = "app=web", PageSize = 100 });
                Console.WriteLine($"{one.Metadata?.Name} {status.Status?.Phase} {deleted?.Metadata?.Name} {maps.Items.Count} {cache.List().Count} {KubeClient.RbacRules.Length}");
            }
        }
        """";
}
