using System.Text.Json;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using WatchBench.Kube.CoreV1;

namespace KubeGen.WatchBenchmarks;

/// <summary>
/// Side by side with KubernetesClient (docs/benchmarks.md): one realistic unpaged PodList of <see cref="Pods"/> pods,
/// already in memory as UTF-8 JSON, deserialized by KubeGen's generated model (<c>PodList.JsonTypeInfo</c>, no
/// reflection) and by KubernetesClient 21.0.8's <c>KubernetesJson.Deserialize&lt;V1PodList&gt;</c> (reflection-based
/// System.Text.Json, JIT). No I/O: only JSON reading and object building.
/// </summary>
/// <remarks>
/// Both read from a <see cref="MemoryStream"/> over the same bytes (the shape both clients read a response in);
/// <see cref="KubeGenFromBytes"/> shows the span overload for reference.
/// </remarks>
[MemoryDiagnoser]
public class PodListDeserializationBenchmarks
{
    private byte[] _json = [];

    /// <summary>Pods in the list.</summary>
    [Params(5_000)]
    public int Pods { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _json = StreamData.PodList(Pods);

        // Both must build the same pods before anything is timed.
        int kubeGen = KubeGenFromStream(), kubernetesClient = KubernetesClientFromStream(), bytes = KubeGenFromBytes();
        if (kubeGen != kubernetesClient || bytes != kubeGen)
        {
            throw new InvalidOperationException($"Checksums differ: KubeGen {kubeGen}, KubernetesClient {kubernetesClient}, KubeGen (bytes) {bytes}.");
        }

        Console.WriteLine($"// PodList: {Pods} pods, {_json.Length} bytes of JSON, {_json.Length / Pods} bytes per pod");
    }

    /// <summary>KubernetesClient 21.0.8: <c>KubernetesJson.Deserialize&lt;V1PodList&gt;(Stream)</c>, as its list calls read a response.</summary>
    [Benchmark(Baseline = true)]
    public int KubernetesClientFromStream()
    {
        using var stream = new MemoryStream(_json, writable: false);
        V1PodList list = KubernetesJson.Deserialize<V1PodList>(stream);
        int checksum = 0;
        foreach (V1Pod pod in list.Items)
        {
            checksum += pod.Metadata.Name.Length + pod.Spec.Containers.Count + pod.Status.ContainerStatuses.Count + pod.Metadata.ManagedFields.Count;
        }

        return Check(list.Items.Count, checksum);
    }

    /// <summary>KubeGen: <c>JsonSerializer.Deserialize(Stream, PodList.JsonTypeInfo)</c>.</summary>
    [Benchmark]
    public int KubeGenFromStream()
    {
        using var stream = new MemoryStream(_json, writable: false);
        PodList list = JsonSerializer.Deserialize(stream, PodList.JsonTypeInfo)!;
        return Sum(list);
    }

    /// <summary>KubeGen from the bytes directly (<c>JsonSerializer.Deserialize(ReadOnlySpan&lt;byte&gt;, ...)</c>).</summary>
    [Benchmark]
    public int KubeGenFromBytes() => Sum(JsonSerializer.Deserialize(_json, PodList.JsonTypeInfo)!);

    private int Sum(PodList list)
    {
        int checksum = 0;
        foreach (Pod pod in list.Items)
        {
            checksum += pod.Metadata!.Name!.Length + pod.Spec!.Containers!.Count + pod.Status!.ContainerStatuses!.Count + pod.Metadata.ManagedFields!.Count;
        }

        return Check(list.Items.Count, checksum);
    }

    private int Check(int count, int checksum) => count == Pods
        ? checksum
        : throw new InvalidOperationException($"Deserialized {count} pods, expected {Pods}.");
}
