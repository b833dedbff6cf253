using KubeGen.Generator.Tests.Infrastructure;

namespace KubeGen.Generator.Tests;

/// <summary>Golden files of everything generated for the project's fixture specs (see Infrastructure/Snapshot.cs).</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void MiniClusterSelection()
    {
        var item = KubernetesApiItem.FromFile(
            TestPaths.Fixture("mini-cluster.swagger.json"),
            "pods:get,list,watch,create,update,patch,delete;configmaps;leases.coordination.k8s.io;crontabs.stable.example.com;deployments.apps:get,update,patch",
            "Snap.Cluster");
        Verify("mini-cluster-selection", item);
    }

    [Fact]
    public void OpenApi3DocumentsMergeIntoOneClient()
    {
        var items = new[]
        {
            KubernetesApiItem.FromFile(TestPaths.Fixture("mini-apps-v1.openapi3.json"), "deployments.apps;leases.coordination.k8s.io:get,update", "Snap.V3"),
            KubernetesApiItem.FromFile(TestPaths.Fixture("mini-coordination-v1.openapi3.json"), "deployments.apps;leases.coordination.k8s.io:get,update", "Snap.V3"),
        };
        Verify("openapi3-merged", items);
    }

    private static void Verify(string caseName, params KubernetesApiItem[] items)
    {
        var result = GeneratorHarness.Run(items);
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Snapshot.Match(caseName, result.Sources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal));
    }
}
