using System.Text.Json.Nodes;
using KubeGen.Generator.Tests.CrossVersion;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests.MultiCluster;

/// <summary>
/// One client for several clusters (items with a Cluster): the generated API is what every cluster
/// serves, what only some serve is marked and using it is a warning naming the cluster that lacks it, a
/// selected resource a cluster lacks is an error unless optional there, and a field typed differently
/// gets a type both accept.
/// </summary>
public sealed class MultiClusterTests
{
    private const string Selection = "pods;configmaps;deployments.apps;leases.coordination.k8s.io";

    private static KubernetesApiItem[] ProdAndDev(string selection = Selection, string? prodOptional = null)
        =>
        [
            KubernetesApiItem.FromFile(TestPaths.SharedSpec("kubernetes-v1.31.1.json"), selection, "App.Kube") with { Cluster = "prod", Optional = prodOptional },
            KubernetesApiItem.FromFile(TestPaths.SharedSpec("kubernetes-v1.36.0.json"), selection, "App.Kube") with { Cluster = "dev" },
        ];

    [Fact]
    public void Code_that_uses_what_both_clusters_serve_compiles_without_warnings()
    {
        var result = GeneratorHarness.RunWithAnalyzers(ProdAndDev(), UserPrograms.Workloads, UserPrograms.Core);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void A_query_parameter_only_the_newer_cluster_takes_is_a_warning_naming_the_older()
    {
        const string UsesShardSelector = """
            using App.Kube;
            public static class UsesShardSelector
            {
                public static System.Threading.Tasks.Task<App.Kube.CoreV1.PodList> Run(KubeClient kube)
                    => kube.CoreV1.Pods.ListAsync(kube.Namespace, new() { LabelSelector = "app=web", ShardSelector = "shard=1" });
            }
            """;

        var result = GeneratorHarness.RunWithAnalyzers(ProdAndDev(), UsesShardSelector);

        var warning = Assert.Single(result.CompilationDiagnostics);
        Assert.Equal(("KGEN0022", DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
        Assert.Equal("'ListOptions.ShardSelector' is not served by prod (v1.31.1) (only by dev (v1.36.0)): against that cluster the call fails or the value is ignored", warning.GetMessage());
        Assert.Contains("ShardSelector = \"shard=1\"", warning.Location.SourceTree!.ToString().Substring(warning.Location.SourceSpan.Start), StringComparison.Ordinal);
        Assert.Contains("/// <remarks>Served by dev (v1.36.0); not by prod (v1.31.1).</remarks>", result.Source("App.Kube.KubeClient.ListOptions.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_the_older_cluster_lacks_is_a_warning_naming_it()
    {
        const string UsesNewField = """
            using App.Kube;
            using App.Kube.MetaV1;
            public static class UsesNewField
            {
                public static System.Threading.Tasks.Task<App.Kube.CoreV1.ConfigMap?> Run(KubeClient kube)
                    => kube.CoreV1.ConfigMaps.DeleteAsync(kube.Namespace, "c", new DeleteOptions { IgnoreStoreReadErrorWithClusterBreakingPotential = true });
            }
            """;

        var result = GeneratorHarness.RunWithAnalyzers(ProdAndDev(), UsesNewField);

        var warning = Assert.Single(result.CompilationDiagnostics);
        Assert.Equal("KGEN0022", warning.Id);
        Assert.StartsWith("'DeleteOptions.IgnoreStoreReadErrorWithClusterBreakingPotential' is not served by prod (v1.31.1)", warning.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_selected_resource_a_cluster_does_not_serve_is_an_error_naming_it()
    {
        // ServiceCIDR is networking.k8s.io/v1 from Kubernetes 1.33: prod (1.31) serves only v1beta1.
        var result = GeneratorHarness.RunWithAnalyzers(ProdAndDev("servicecidrs.networking.k8s.io/v1"));

        var error = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "KGEN0020");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(
            "'servicecidrs.networking.k8s.io/v1', selected for client 'KubeClient', is served by dev (v1.36.0) but not by cluster prod (v1.31.1); select what every cluster serves, or mark it optional for that cluster (Optional=\"servicecidrs.networking.k8s.io/v1\" on its KubernetesApi item)",
            error.GetMessage());
    }

    [Fact]
    public void A_resource_optional_for_a_cluster_is_generated_marked_and_its_use_is_a_warning()
    {
        const string UsesServiceCidrs = """
            using App.Kube;
            public static class UsesServiceCidrs
            {
                public static object Run(KubeClient kube) => kube.NetworkingV1.ServiceCIDRs;
            }
            """;

        var result = GeneratorHarness.RunWithAnalyzers(ProdAndDev("pods;servicecidrs.networking.k8s.io/v1", prodOptional: "servicecidrs.networking.k8s.io"), UsesServiceCidrs);

        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var info = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "KGEN0021");
        Assert.Equal("'servicecidrs.networking.k8s.io/v1' is not served by cluster prod (v1.31.1) (optional there); the members it gives are marked as served by dev (v1.36.0) only", info.GetMessage());
        var warning = Assert.Single(result.CompilationDiagnostics);
        Assert.Equal("KGEN0022", warning.Id);
        Assert.StartsWith("'NetworkingV1Client.ServiceCIDRs' is not served by prod (v1.31.1)", warning.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_typed_differently_gets_a_type_both_accept_with_a_warning()
    {
        // The same fixture as two clusters, where one types ContainerPort.containerPort as a string.
        var spec = TestPaths.Fixture("mini-cluster.swagger.json");
        var text = File.ReadAllText(spec);
        var changed = JsonNode.Parse(text)!;
        changed["definitions"]!["io.k8s.api.core.v1.ContainerPort"]!["properties"]!["containerPort"] = new JsonObject { ["type"] = "string" };
        KubernetesApiItem[] items =
        [
            new KubernetesApiItem("/specs/a-v1.30.0.json", text, "pods", "App.Kube", Cluster: "a"),
            new KubernetesApiItem("/specs/b-v1.30.1.json", changed.ToJsonString(), "pods", "App.Kube", Cluster: "b"),
        ];

        var result = GeneratorHarness.RunWithAnalyzers(items);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        var warning = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "KGEN0023");
        Assert.Equal("'App.Kube.CoreV1.ContainerPort.containerPort' is Int32 in a (v1.30.0) but String in b (v1.30.1); it is generated as IntOrString", warning.GetMessage());
        Assert.Contains("public global::KubeGen.Runtime.IntOrString? ContainerPortValue { get; set; }", result.Source("App.Kube.CoreV1.ContainerPort.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Items_of_one_client_that_mix_named_and_unnamed_clusters_are_an_error()
    {
        var items = ProdAndDev();
        items[1] = items[1] with { Cluster = null };

        var result = GeneratorHarness.Run(items);

        var error = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "KGEN0024");
        Assert.Contains("name the clusters prod", error.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Sources.Where(s => s.HintName != "KubeGen.rbac.g.cs"));
    }
}
