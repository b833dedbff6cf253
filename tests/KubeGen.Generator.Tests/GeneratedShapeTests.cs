using System.Text.RegularExpressions;
using KubeGen.Generator.Tests.Infrastructure;

namespace KubeGen.Generator.Tests;

/// <summary>The public shape of generated clients: which methods exist for a selection, and their signatures.</summary>
public sealed class GeneratedShapeTests
{
    private static GenerationResult Generate(string resources)
    {
        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.Fixture("mini-cluster.swagger.json"), resources, "Shape.Kube"));
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        return result;
    }

    private static List<string> MethodNames(string source)
        => Regex.Matches(source, @"public [^\n(]+ (\w+Async)\(").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void OnlySelectedVerbsAreEmitted()
    {
        var pods = Generate("pods:get,list").Source("Shape.Kube.KubeClient.CoreV1.PodsClient.g.cs");

        Assert.Equal(new[] { "GetAsync", "GetStatusAsync", "ListAsync", "ListForAllNamespacesAsync" }, MethodNames(pods));
    }

    [Fact]
    public void EveryVerbWithSubresourcesWhenNoneAreNamed()
    {
        var deployments = Generate("deployments.apps").Source("Shape.Kube.KubeClient.AppsV1.DeploymentsClient.g.cs");

        Assert.Equal(
            new[]
            {
                "ApplyAsync", "ApplyStatusAsync", "CreateAsync", "DeleteAsync", "DeleteCollectionAsync", "GetAsync", "GetScaleAsync", "GetStatusAsync",
                "ListAsync", "ListForAllNamespacesAsync", "PatchAsync", "PatchScaleAsync", "PatchStatusAsync",
                "ReplaceAsync", "ReplaceScaleAsync", "ReplaceStatusAsync", "WatchAsync", "WatchForAllNamespacesAsync",
                "WatchSingleConnectionAsync", "WatchSingleConnectionForAllNamespacesAsync",
            },
            MethodNames(deployments));
        Assert.Contains("Task<global::Shape.Kube.AutoscalingV1.Scale> GetScaleAsync(string @namespace, string name, global::Shape.Kube.GetOptions? options = null,", deployments);
    }

    [Fact]
    public void WatchOnlySelectionStillTypesItsEventsAndFollowsWithInitialEvents()
    {
        var result = Generate("pods:watch");
        var pods = result.Source("Shape.Kube.KubeClient.CoreV1.PodsClient.g.cs");

        Assert.Equal(new[] { "WatchAsync", "WatchForAllNamespacesAsync", "WatchSingleConnectionAsync", "WatchSingleConnectionForAllNamespacesAsync" }, MethodNames(pods));
        Assert.Contains("IAsyncEnumerable<global::KubeGen.Runtime.WatchEvent<global::Shape.Kube.CoreV1.Pod>> WatchAsync(string @namespace, global::KubeGen.Runtime.ResumableWatchOptions? options = null,", pods);
        Assert.Contains("ResumableWatch.FollowWithInitialEventsAsync<global::Shape.Kube.CoreV1.Pod>(", pods);
        Assert.Contains("url.AddQuery(\"allowWatchBookmarks\", options.AllowWatchBookmarks);", pods);
        Assert.DoesNotContain("AddQuery(\"limit\"", pods);
        Assert.DoesNotContain(result.Sources, s => s.HintName.EndsWith(".ListOptions.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void ListAndWatchFollowByListingFirst()
    {
        var pods = Generate("pods:list,watch").Source("Shape.Kube.KubeClient.CoreV1.PodsClient.g.cs");

        Assert.Contains("ResumableWatch.FollowAsync<global::Shape.Kube.CoreV1.Pod, global::Shape.Kube.CoreV1.PodList>(", pods);
        Assert.Contains("CreateCache(string @namespace, global::KubeGen.Runtime.ResourceCacheOptions? options = null)", pods);
        Assert.Contains("CreateCacheForAllNamespaces(global::KubeGen.Runtime.ResourceCacheOptions? options = null)", pods);
    }

    [Fact]
    public void ClusterScopedKindsTakeNoNamespace()
    {
        var namespaces = Generate("namespaces").Source("Shape.Kube.KubeClient.CoreV1.NamespacesClient.g.cs");

        Assert.Contains("GetAsync(string name, global::Shape.Kube.GetOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)", namespaces);
        Assert.Contains("ListAsync(global::Shape.Kube.ListOptions? options = null, global::System.Threading.CancellationToken cancellationToken = default)", namespaces);
        Assert.DoesNotContain("string @namespace", namespaces);
        Assert.DoesNotContain("ForAllNamespaces", namespaces);
    }

    [Fact]
    public void CoreAndEventsGroupEventsAreDistinctTypes()
    {
        var result = Generate("events;events.events.k8s.io");

        Assert.Contains(result.Sources, s => s.HintName == "Shape.Kube.CoreV1.Event.g.cs");
        Assert.Contains(result.Sources, s => s.HintName == "Shape.Kube.EventsV1.Event.g.cs");
        var root = result.Source("Shape.Kube.KubeClient.g.cs");
        Assert.Contains("public global::Shape.Kube.CoreV1.CoreV1Client CoreV1 { get; }", root);
        Assert.Contains("public global::Shape.Kube.EventsV1.EventsV1Client EventsV1 { get; }", root);
    }

    [Fact]
    public void ResourceServedInTwoVersionsUsesThePreferredOne()
    {
        var result = Generate("horizontalpodautoscalers.autoscaling");

        Assert.Contains(result.Sources, s => s.HintName == "Shape.Kube.KubeClient.AutoscalingV2.HorizontalPodAutoscalersClient.g.cs");
        Assert.DoesNotContain(result.Sources, s => s.HintName.Contains("AutoscalingV1", StringComparison.Ordinal));
        var info = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "KGEN0006");
        Assert.Contains("using autoscaling/v2", info.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void UserSuppliedPathSegmentsAreValidatedNotConcatenated()
    {
        var pods = Generate("pods:get").Source("Shape.Kube.KubeClient.CoreV1.PodsClient.g.cs");

        Assert.Contains(".AppendSegment(@namespace, \"namespace\").AppendLiteral(\"/pods/\").AppendSegment(name, \"name\")", pods);
        Assert.DoesNotContain("+ name", pods);
    }

    [Fact]
    public void KindsImplementRuntimeInterfaces()
    {
        var result = Generate("pods:list");

        Assert.Contains("public sealed partial class Pod : global::KubeGen.Runtime.IKubeObject", result.Source("Shape.Kube.CoreV1.Pod.g.cs"));
        Assert.Contains("public sealed partial class PodList : global::KubeGen.Runtime.IKubeList<global::Shape.Kube.CoreV1.Pod>", result.Source("Shape.Kube.CoreV1.PodList.g.cs"));
        Assert.Contains("public sealed partial class ObjectMeta : global::KubeGen.Runtime.IKubeObjectMetadata", result.Source("Shape.Kube.MetaV1.ObjectMeta.g.cs"));
    }

    [Fact]
    public void SeveralItemsGiveIndependentClients()
    {
        var spec = TestPaths.Fixture("mini-cluster.swagger.json");
        var result = GeneratorHarness.Run(new[]
        {
            KubernetesApiItem.FromFile(spec, "pods:get", "First.Kube"),
            // One spec file per item: MSBuild keys item metadata by path, so a second client uses its own copy.
            new KubernetesApiItem(spec + ".copy.json", File.ReadAllText(spec), "configmaps:list", "Second.Kube", "ConfigClient"),
        });

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.Equal(new[] { "GetAsync", "GetStatusAsync" }, MethodNames(result.Source("First.Kube.KubeClient.CoreV1.PodsClient.g.cs")));
        Assert.Equal(new[] { "ListAsync", "ListForAllNamespacesAsync" }, MethodNames(result.Source("Second.Kube.ConfigClient.CoreV1.ConfigMapsClient.g.cs")));
        Assert.DoesNotContain(result.Sources, s => s.HintName is "First.Kube.CoreV1.ConfigMap.g.cs" or "First.Kube.KubeClient.CoreV1.ConfigMapsClient.g.cs");
        Assert.DoesNotContain(result.Sources, s => s.HintName is "Second.Kube.CoreV1.Pod.g.cs" or "Second.Kube.ConfigClient.CoreV1.PodsClient.g.cs");
    }

    [Fact]
    public void GeneratorReferencesARoslynThatDotNet8SdkCompilersLoad()
    {
        var roslyn = typeof(KubernetesApiGenerator).Assembly.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis");

        // The .NET 8 SDK (8.0.1xx) ships Roslyn 4.8; an analyzer built against a newer one fails to load there.
        Assert.True(roslyn.Version <= new Version(4, 8, 0, 0), $"references Microsoft.CodeAnalysis {roslyn.Version}");
    }
}
