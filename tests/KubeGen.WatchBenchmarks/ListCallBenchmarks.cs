using BenchmarkDotNet.Attributes;
using k8s;
using KubeGen.Runtime;
using WatchBench.Kube;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// One unpaged list of 5,000 pods through each client's real list call over HTTP on loopback (Kestrel serving the same
/// bytes with a Content-Length): KubeGen's generated <c>ListAsync</c> (known length: one buffer, parsed from memory) and
/// KubernetesClient 21.0.8's <c>ListNamespacedPodAsync</c>. I/O, HTTP and JSON together, as an operator sees them.
/// </summary>
[MemoryDiagnoser]
public class ListCallBenchmarks
{
    private LoopbackApiServer? _server;
    private KubeConnection? _connection;
    private KubeClient? _kube;
    private Kubernetes? _official;

    [Params(5_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LoopbackApiServer.StartAsync(StreamData.PodWatchStream(1), StreamData.ConfigMapList(1), StreamData.PodList(Pods));
        _connection = new KubeConnection(new KubeConnectionOptions { Server = _server.Address, Token = "bench", Namespace = StreamData.Namespace });
        _kube = new KubeClient(_connection);
        _official = new Kubernetes(new KubernetesClientConfiguration { Host = _server.Address.ToString(), AccessToken = "bench" });
        if (await KubeGenListAsync() != Pods || await KubernetesClientListAsync() != Pods)
        {
            throw new InvalidOperationException("A list did not return every pod.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _official?.Dispose();
        if (_kube is not null)
        {
            await _kube.DisposeAsync();
        }

        _connection?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> KubernetesClientListAsync()
        => (await _official!.CoreV1.ListNamespacedPodAsync(StreamData.Namespace)).Items.Count;

    [Benchmark]
    public async Task<int> KubeGenListAsync()
        => (await _kube!.CoreV1.Pods.ListAsync(StreamData.Namespace)).Items!.Count;
}
