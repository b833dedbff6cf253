using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests;

/// <summary>
/// The real Kubernetes specs in ../shared/openapi: generating every resource compiles with no
/// warning, and a small selection emits only the closure of the types it reaches.
/// </summary>
public sealed class RealSpecTests
{
    public static TheoryData<string> SwaggerSpecs => new()
    {
        "kubernetes-v1.31.1.json",
        "kubernetes-v1.33.1.json",
        "kubernetes-v1.34.0.json",
        "kubernetes-v1.35.0.json",
        "kubernetes-v1.36.0.json",
    };

    [Theory]
    [MemberData(nameof(SwaggerSpecs))]
    public void EveryResourceCompilesWithoutWarnings(string fileName)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.SharedSpec(fileName), resources: null, ns: "Full.Kube"));

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.True(result.Sources.Length > 500, $"only {result.Sources.Length} files generated");
    }

    [Theory]
    [MemberData(nameof(SwaggerSpecs))]
    public void SmallSelectionCompilesWithoutWarnings(string fileName)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.SharedSpec(fileName), "pods:get,list,watch;configmaps;leases.coordination.k8s.io", "Small.Kube"));

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("deployments.apps:get,list,watch,patch;leases.coordination.k8s.io")]
    public void OpenApi3DocumentsMergeAndCompile(string? resources)
    {
        var items = new[] { "apis__apps__v1_openapi.json", "apis__coordination.k8s.io__v1_openapi.json" }
            .Select(file => KubernetesApiItem.FromFile(Path.Combine(TestPaths.SharedSpecs(), "v3", file), resources, "V3.Kube"))
            .ToArray();

        var result = GeneratorHarness.Run(items);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        var root = result.Source("V3.Kube.KubeClient.g.cs");
        Assert.Contains("public global::V3.Kube.AppsV1.AppsV1Client AppsV1 { get; }", root);
        Assert.Contains("public global::V3.Kube.CoordinationV1.CoordinationV1Client CoordinationV1 { get; }", root);
        var leases = result.Source("V3.Kube.KubeClient.CoordinationV1.LeasesClient.g.cs");
        Assert.Contains("ReplaceAsync(string @namespace, string name, global::V3.Kube.CoordinationV1.Lease body", leases);
        Assert.Contains("WatchAsync(string @namespace", leases);
    }
}
