using System.Diagnostics;
using k8s;
using KubeGen.Runtime;
using WatchBench.Kube;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Peak RSS of one large unpaged list (10,000 pods, one response) in a fresh process per client, and what the managed heap
/// and the process keep after the list is dropped: does the read buffer go back? Peak RSS is the kernel's high-water mark
/// (VmHWM). The loopback server runs in the same process and holds the list's JSON in both cases (subtract nothing: it is the same for both).
/// </summary>
internal static class ListPeakMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.WriteLine("| client | peak RSS | RSS after dropping the list | managed heap after dropping it |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            foreach (string mode in (string[])["kubegen", "kubernetesclient"])
            {
                using var process = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["--list-peak", mode]) { RedirectStandardOutput = true })!;
                Console.Write(await process.StandardOutput.ReadToEndAsync());
                await process.WaitForExitAsync();
            }

            return 0;
        }

        string which = args[1];
        byte[] list = StreamData.PodList(10_000);
        await using var server = await LoopbackApiServer.StartAsync(StreamData.PodWatchStream(1), StreamData.ConfigMapList(1), list);
        GC.Collect();
        int count = which == "kubegen" ? await KubeGenAsync(server) : await KubernetesClientAsync(server);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"| {which} ({count} pods, {list.Length / 1024 / 1024} MiB of JSON) | {Mib(self.PeakWorkingSet64)} | {Mib(self.WorkingSet64)} | {Mib(GC.GetTotalMemory(false))} |");
        return 0;
    }

    private static async Task<int> KubeGenAsync(LoopbackApiServer server)
    {
        await using var connection = new KubeConnection(new KubeConnectionOptions { Server = server.Address, Token = "bench", Namespace = StreamData.Namespace });
        var kube = new KubeClient(connection);
        return (await kube.CoreV1.Pods.ListAsync(StreamData.Namespace)).Items!.Count;
    }

    private static async Task<int> KubernetesClientAsync(LoopbackApiServer server)
    {
        using var official = new Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString(), AccessToken = "bench" });
        return (await official.CoreV1.ListNamespacedPodAsync(StreamData.Namespace)).Items.Count;
    }

    private static string Mib(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";
}
