using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using KubeGen.Runtime;
using WatchBench.Kube;
using WatchBench.Kube.CoreV1;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Managed heap kept alive by 10,000 ConfigMaps (measured as what dropping them frees, GC.GetTotalMemory(true) before and after): KubeGen's synced <see cref="ResourceCache{T, TList}"/>, and as references
/// KubeGen's plain list result and KubernetesClient's <c>V1ConfigMapList</c>. Each is measured in a fresh process.
/// <c>pods</c>: the same for 10,000 pods, with the cache's default transform (managedFields dropped), without it, and with a lean transform (<see cref="LeanPod"/>).
/// <c>realistic-pods</c>: the same for 10,000 pods shaped like a running Deployment's (<see cref="StreamData.RealisticPodList"/>).
/// </summary>
internal static class CacheMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = 10_000;
        int rounds = 5; // the median of five: one round caught mid-way (a buffer still referenced) does not move it
        string which = args.Length > 1 ? args[1] : "all";
        bool realistic = which.StartsWith("realistic-", StringComparison.Ordinal);
        string mode = realistic ? which["realistic-".Length..] : which;
        bool pods = mode is "pods" or "pod-cache" or "pod-cache-keep" or "pod-cache-lean" or "kubernetesclient-pods";
        byte[] list = !pods ? StreamData.ConfigMapList(count) : realistic ? StreamData.RealisticPodList(count) : StreamData.PodList(count);
        await using var server = await LoopbackApiServer.StartAsync(StreamData.PodWatchStream(1), StreamData.ConfigMapList(pods ? 1 : count), pods ? list : null);
        Console.WriteLine($"{(pods ? "PodList" : "ConfigMapList")}: {count} objects, {list.Length} bytes of JSON ({list.Length / count} per object)");
        Console.WriteLine($"{"what",-40} {"retained bytes",15} {"per object",12}");
        if (mode is "all" or "pods")
        {
            // Each in a fresh process, so that one's leftovers (pools, type info) do not count against another.
            foreach (string child in mode == "pods" ? (string[])["pod-cache", "pod-cache-keep", "pod-cache-lean", "kubernetesclient-pods"] : ["cache", "kubegen-list", "kubernetesclient-list"])
            {
                string childMode = realistic ? "realistic-" + child : child;
                using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!, ["--cache-memory", childMode]) { RedirectStandardOutput = true })!;
                string output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                foreach (string line in output.Split('\n').Where(l => l.StartsWith(childMode + " ", StringComparison.Ordinal)))
                {
                    Console.WriteLine(line);
                }

                if (process.ExitCode != 0)
                {
                    Console.WriteLine(output);
                    return process.ExitCode;
                }
            }

            return 0;
        }

        var connection = new KubeConnection(new KubeConnectionOptions { Server = server.Address, Token = "bench", Namespace = StreamData.Namespace });
        var kube = new KubeClient(connection);
        var official = new Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString(), AccessToken = "bench" });

        // Round 0 warms up (JIT, type info, connection pools); the later rounds are measured and the median is reported.
        // Each round runs in its own async method, so that nothing from an earlier round is still referenced.
        var samples = new List<long>();
        for (int round = 0; round <= rounds; round++)
        {
            long retained = MeasureOnce(mode, count, kube, official, server);
            if (round > 0)
            {
                samples.Add(retained);
            }
        }

        samples.Sort();
        long median = samples[samples.Count / 2];
        string label = mode switch
        {
            "cache" => "KubeGen ResourceCache (synced)",
            "kubegen-list" => "KubeGen ListAsync().Items",
            "pod-cache" => "KubeGen pod cache (default transform)",
            "pod-cache-keep" => "KubeGen pod cache (managedFields kept)",
            "pod-cache-lean" => "KubeGen pod cache (lean transform)",
            "kubernetesclient-pods" => "KubernetesClient V1PodList.Items",
            _ => "KubernetesClient V1ConfigMapList.Items",
        };
        Console.WriteLine($"{which} {label,-40} {median,15:N0} {median / count,12:N0}   (samples: {string.Join(", ", samples.Select(s => s.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))})");
        official.Dispose();
        await kube.DisposeAsync();
        await connection.DisposeAsync();
        return 0;
    }

    /// <summary>What the measured round keeps alive (a static field, so that no async state machine holds on to anything).</summary>
    private static object? s_kept;

    private static long MeasureOnce(string which, int count, KubeClient kube, Kubernetes official, LoopbackApiServer server)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        int seen = Create(which, kube, official);
        if (which is "cache" or "pod-cache" or "pod-cache-keep" or "pod-cache-lean" && !server.WaitForWatch(TimeSpan.FromMinutes(1)))
        {
            throw new InvalidOperationException($"{which}: the synced cache did not start its watch.");
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        Release();
        long released = GC.GetTotalMemory(forceFullCollection: true);
        if (seen != count)
        {
            throw new InvalidOperationException($"{which}: {seen} objects, expected {count}.");
        }

        // after - released: what dropping the objects frees. after - before would also count buffers the process keeps
        // pooled after the list (ArrayPool), which grew by tens of MB in some rounds; the stderr line shows all three.
        Console.Error.WriteLine($"// {which}: before {before:N0}, after {after:N0}, after release {released:N0}");
        return after - released;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Create(string which, KubeClient kube, Kubernetes official)
    {
        switch (which)
        {
            case "cache":
                var cache = kube.CoreV1.ConfigMaps.CreateCache(StreamData.Namespace, options: new ResourceCacheOptions { PageSize = null });
                _ = cache.StartAsync();
                cache.WaitForSyncAsync().GetAwaiter().GetResult();
                s_kept = cache;
                return cache.Count;
            case "kubegen-list":
                var items = kube.CoreV1.ConfigMaps.ListAsync(StreamData.Namespace).GetAwaiter().GetResult().Items;
                s_kept = items;
                return items.Count;
            case "pod-cache" or "pod-cache-keep" or "pod-cache-lean":
                var podCache = kube.CoreV1.Pods.CreateCache(StreamData.Namespace, options: new ResourceCacheOptions { PageSize = null, KeepManagedFields = which == "pod-cache-keep" });
                if (which == "pod-cache-lean")
                {
                    podCache.Transform = LeanPod;
                }

                _ = podCache.StartAsync();
                podCache.WaitForSyncAsync().GetAwaiter().GetResult();
                s_kept = podCache;
                return podCache.Count;
            case "kubernetesclient-pods":
                var v1Pods = official.CoreV1.ListNamespacedPodAsync(StreamData.Namespace).GetAwaiter().GetResult().Items;
                s_kept = v1Pods;
                return v1Pods.Count;
            case "kubernetesclient-list":
                var v1Items = official.CoreV1.ListNamespacedConfigMapAsync(StreamData.Namespace).GetAwaiter().GetResult().Items;
                s_kept = v1Items;
                return v1Items.Count;
            default:
                throw new ArgumentException($"Unknown mode '{which}'.");
        }
    }

    /// <summary>
    /// What a controller that watches pods for their placement and readiness might keep: the default transform, then no
    /// annotations, no container env, probes or volume mounts, no volumes, and conditions without their messages.
    /// </summary>
    private static Pod LeanPod(Pod pod)
    {
        CacheTransforms.StripManagedFields(pod);
        pod.Metadata!.Annotations = null;
        foreach (Container container in pod.Spec?.Containers ?? [])
        {
            container.Env = null;
            container.LivenessProbe = null;
            container.ReadinessProbe = null;
            container.VolumeMounts = null;
        }

        if (pod.Spec is { } spec)
        {
            spec.Volumes = null;
        }

        foreach (PodCondition condition in pod.Status?.Conditions ?? [])
        {
            condition.Message = null;
        }

        return pod;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Release()
    {
        if (s_kept is IAsyncDisposable disposable)
        {
            disposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        s_kept = null;
    }
}
