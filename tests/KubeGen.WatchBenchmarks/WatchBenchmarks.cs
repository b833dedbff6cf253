using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using KubeGen.Runtime;
using WatchBench.Kube;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// One whole watch stream of <see cref="Events"/> Pod events, read from the same loopback server by each client
/// through its public watch API. Events/s = Events / mean; bytes per event = allocated / Events.
/// </summary>
/// <remarks>
/// MemoryDiagnoser counts the whole process's allocations, so the server's share is included in every row;
/// <see cref="RawHttpDrain"/> (the same request, bytes discarded) measures that share plus HttpClient's.
/// </remarks>
[MemoryDiagnoser]
public class WatchBenchmarks
{
    private byte[] _stream = [];
    private LoopbackApiServer? _server;
    private KubeConnection? _connection;
    private KubeClient? _kubeGen;
    private Kubernetes? _kubernetesClient;
    private HttpClient? _raw;

    /// <summary>Events in the stream.</summary>
    [Params(10_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stream = StreamData.PodWatchStream(Events);
        _server = LoopbackApiServer.StartAsync(_stream, StreamData.ConfigMapList(1)).GetAwaiter().GetResult();
        _connection = new KubeConnection(new KubeConnectionOptions { Server = _server.Address, Token = "bench", Namespace = StreamData.Namespace });
        _kubeGen = new KubeClient(_connection);
        _kubernetesClient = new Kubernetes(new KubernetesClientConfiguration { Host = _server.Address.ToString(), AccessToken = "bench" });
        _raw = new HttpClient { BaseAddress = _server.Address };
        Console.WriteLine($"// stream: {Events} events, {_stream.Length} bytes, {_stream.Length / Events} bytes per event");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw?.Dispose();
        _kubernetesClient?.Dispose();
        _connection?.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// KubernetesClient 21.0.8: <c>CoreV1.WatchListNamespacedPodAsync(ns)</c>, its current watch API (the older
    /// <c>ListNamespacedPodWithHttpMessagesAsync(watch: true).WatchAsync&lt;V1Pod, V1PodList&gt;()</c> is marked obsolete in this version).
    /// </summary>
    [Benchmark(Baseline = true)]
    public async Task<int> KubernetesClientWatch()
    {
        int count = 0;
        long checksum = 0;
        Exception? error = null;
        await foreach (var (type, pod) in _kubernetesClient!.CoreV1.WatchListNamespacedPodAsync(StreamData.Namespace, onError: ex => error = ex))
        {
            count++;
            checksum += (int)type + pod.Spec.Containers.Count;
        }

        return Check(count, error, checksum);
    }

    /// <summary>KubeGen: the generated <c>kube.CoreV1.Pods.WatchAsync(ns)</c>.</summary>
    [Benchmark]
    public async Task<int> KubeGenWatch()
    {
        int count = 0;
        long checksum = 0;
        await foreach (var e in _kubeGen!.CoreV1.Pods.WatchAsync(StreamData.Namespace))
        {
            count++;
            checksum += (int)e.Type + e.Object.Spec!.Containers!.Count;
        }

        return Check(count, null, checksum);
    }

    /// <summary>The transport alone: the same request, the bytes read into one buffer and discarded.</summary>
    [Benchmark]
    public async Task<int> RawHttpDrain()
    {
        using var response = await _raw!.GetAsync($"api/v1/namespaces/{StreamData.Namespace}/pods?watch=true", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        if (total != _stream.Length)
        {
            throw new InvalidOperationException($"Read {total} bytes, expected {_stream.Length}.");
        }

        return Events;
    }

    private int Check(int count, Exception? error, long checksum)
    {
        if (error is not null)
        {
            throw new InvalidOperationException("The watch failed.", error);
        }

        if (count != Events || checksum < Events)
        {
            throw new InvalidOperationException($"Received {count} events, expected {Events}.");
        }

        return count;
    }
}
