using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests.Streaming;

/// <summary>
/// The streaming subresources on the real Kubernetes specs in ../shared/openapi, whose connect operations (exec,
/// attach, portforward, proxy) are annotated with kinds that have no definition: no diagnostic, code that compiles.
/// </summary>
public sealed class StreamingRealSpecTests
{
    private const string Selection = "pods:get;pods/log;pods/exec;pods/attach;pods/portforward;pods/eviction;pods/binding";

    [Theory]
    [MemberData(nameof(RealSpecTests.SwaggerSpecs), MemberType = typeof(RealSpecTests))]
    public void Every_pod_subresource_compiles_without_any_diagnostic(string fileName)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.SharedSpec(fileName), Selection, "Real.Kube"));

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.True(result.GeneratorDiagnostics.IsEmpty, result.DescribeProblems());
        var pods = result.Compilation.GetTypeByMetadataName("Real.Kube.CoreV1.PodsClient")!;
        var methods = pods.GetMembers().OfType<IMethodSymbol>().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { "StreamLogLinesAsync", "StreamLogAsync", "ExecAsync", "RunAsync", "AttachAsync", "PortForwardAsync", "ConnectPortAsync", "EvictAsync", "BindAsync" },
            methods);
        var rbac = result.Source("rbac.g.cs");
        Assert.Contains("  resources: [\"pods/binding\"]\n  verbs: [\"create\"]", rbac);
        Assert.Contains("  resources: [\"pods/exec\"]\n  verbs: [\"get\", \"create\"]", rbac);
    }

    [Fact]
    public void Two_clusters_of_different_versions_merge_their_streaming_calls_without_a_diagnostic()
    {
        var result = GeneratorHarness.Run(
        [
            KubernetesApiItem.FromFile(TestPaths.SharedSpec("kubernetes-v1.31.1.json"), Selection, "Merged.Kube") with { Cluster = "old" },
            KubernetesApiItem.FromFile(TestPaths.SharedSpec("kubernetes-v1.36.0.json"), Selection, "Merged.Kube") with { Cluster = "new" },
        ]);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.True(result.GeneratorDiagnostics.IsEmpty, result.DescribeProblems());
        var pods = result.Source("Merged.Kube.KubeClient.CoreV1.PodsClient.g.cs");
        Assert.Contains("StreamLogLinesAsync(string @namespace, string name, global::Merged.Kube.LogOptions? options = null", pods);
        Assert.Contains("RunAsync(string @namespace, string name, global::System.Collections.Generic.IEnumerable<string> command, string? stdin = null, global::Merged.Kube.ExecOptions? options = null", pods);
        // The log's stream parameter is newer than 1.31: a property of one cluster, which says so.
        var logOptions = result.Source("Merged.Kube.KubeClient.LogOptions.g.cs");
        Assert.Contains("public string? Stream { get; set; }", logOptions);
    }

    [Theory]
    [MemberData(nameof(RealSpecTests.SwaggerSpecs), MemberType = typeof(RealSpecTests))]
    public void A_binding_names_its_pod_from_the_path(string fileName)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.SharedSpec(fileName), "pods/binding", "Real.Kube"));

        Assert.True(result.GeneratorDiagnostics.IsEmpty, result.DescribeProblems());
        var pods = result.Source("Real.Kube.KubeClient.CoreV1.PodsClient.g.cs");
        Assert.Contains("public async global::System.Threading.Tasks.Task BindAsync(string @namespace, string name, global::Real.Kube.CoreV1.Binding body", pods);
        Assert.Contains("body.Metadata.Name ??= name;", pods);
        Assert.Contains("body.Metadata.Namespace ??= @namespace;", pods);
    }
}
