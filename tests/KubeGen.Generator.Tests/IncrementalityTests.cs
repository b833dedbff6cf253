using System.Collections.Immutable;
using System.Text;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeGen.Generator.Tests;

/// <summary>
/// The generator's caching, proved with the driver's step tracking: the spec is parsed once per
/// content, a C# edit reuses everything, a selector edit rebuilds the model but does not re-read the
/// spec and rewrites only the files whose part of the model changed, and the output is deterministic.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Selection = "pods:get,list,watch;configmaps;leases.coordination.k8s.io";

    private static readonly string[] s_steps =
    {
        KubernetesApiGenerator.Steps.ParseSpec,
        KubernetesApiGenerator.Steps.ReadSettings,
        KubernetesApiGenerator.Steps.BuildModel,
        KubernetesApiGenerator.Steps.PlanFiles,
        KubernetesApiGenerator.Steps.GeneratedFile,
    };

    private static string ClusterPath => TestPaths.Fixture("mini-cluster.swagger.json");

    private static string ClusterText => File.ReadAllText(ClusterPath);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void UnrelatedCSharpEditReusesEveryStepAndEveryOutput()
    {
        var item = new KubernetesApiItem(ClusterPath, ClusterText, Selection);
        var compilation = GeneratorHarness.CreateCompilation("namespace App; public class Program { }");
        var driver = GeneratorHarness.CreateDriver(item).RunGenerators(compilation, Token);
        var before = Sources(driver);

        // Edit the existing file and add another one.
        var edited = compilation
            .ReplaceSyntaxTree(compilation.SyntaxTrees[0], CSharpSyntaxTree.ParseText("namespace App; public class Program { public int X; }", GeneratorHarness.ParseOptions, "Source0.cs", cancellationToken: Token))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; internal static class Other { }", GeneratorHarness.ParseOptions, "Other.cs", cancellationToken: Token));
        driver = driver.RunGenerators(edited, Token);
        var result = Result(driver);

        foreach (var step in s_steps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutputsReused(result);
        Assert.Equal(before, Sources(driver));
    }

    [Fact]
    public void RepeatedRunWithoutChangesIsFullyCached()
    {
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(new KubernetesApiItem(ClusterPath, ClusterText, Selection)).RunGenerators(compilation, Token);
        driver = driver.RunGenerators(compilation, Token);
        var result = Result(driver);

        foreach (var step in s_steps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached);
        }

        AssertOutputsReused(result);
    }

    [Fact]
    public void SelectorEditRebuildsTheModelWithoutReparsingTheSpec()
    {
        var item = new KubernetesApiItem(ClusterPath, ClusterText, "pods:get");
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(item).RunGenerators(compilation, Token);
        var before = Sources(driver);
        Assert.DoesNotContain(before.Keys, k => k.EndsWith("ConfigMapsClient.g.cs", StringComparison.Ordinal));

        driver = driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.CreateOptions(item with { Resources = "pods:get;configmaps" }));
        driver = driver.RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, KubernetesApiGenerator.Steps.ReadSettings, IncrementalStepRunReason.Modified);
        AssertReasons(result, KubernetesApiGenerator.Steps.BuildModel, IncrementalStepRunReason.Modified);

        var after = Sources(driver);
        Assert.Contains(after.Keys, k => k.EndsWith(".CoreV1.ConfigMapsClient.g.cs", StringComparison.Ordinal));
        Assert.Contains(after.Keys, k => k.EndsWith(".CoreV1.ConfigMap.g.cs", StringComparison.Ordinal));
        Assert.Empty(before.Keys.Except(after.Keys));

        // Sources that do not depend on the new resource are byte-identical.
        Assert.Equal(before["Test.Kube.CoreV1.Pod.g.cs"], after["Test.Kube.CoreV1.Pod.g.cs"]);
        Assert.Equal(before["Test.Kube.KubeClient.CoreV1.PodsClient.g.cs"], after["Test.Kube.KubeClient.CoreV1.PodsClient.g.cs"]);
        Assert.NotEqual(before["Test.Kube.KubeClient.CoreV1.CoreV1Client.g.cs"], after["Test.Kube.KubeClient.CoreV1.CoreV1Client.g.cs"]);
    }

    [Fact]
    public void OneResourcesVerbEditRewritesOnlyTheFilesThatDependOnIt()
    {
        // pods gains get: its client and the root (RbacRules) change; GetOptions, Pod and the
        // ConfigMap files exist already and are not written again.
        var item = new KubernetesApiItem(ClusterPath, ClusterText, "configmaps:get,list,watch;pods:list");
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(item).RunGenerators(compilation, Token);
        var before = Sources(driver);

        driver = driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.CreateOptions(item with { Resources = "configmaps:get,list,watch;pods:get,list" }));
        driver = driver.RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        var files = Outputs(result, KubernetesApiGenerator.Steps.GeneratedFile);
        var rewritten = files
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => ((KubeGen.Generator.Model.GeneratedFileModel)o.Value).HintName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["Test.Kube.KubeClient.CoreV1.PodsClient.g.cs", "Test.Kube.KubeClient.g.cs"], rewritten);
        Assert.True(files.Count > 20, $"only {files.Count} files");

        var after = Sources(driver);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("GetAsync(string @namespace, string name,", after["Test.Kube.KubeClient.CoreV1.PodsClient.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsEditThatChangesNothingKeepsTheModel()
    {
        // Same selector with other spacing: the settings change, the selection does not.
        var item = new KubernetesApiItem(ClusterPath, ClusterText, "pods:get;configmaps");
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(item).RunGenerators(compilation, Token);
        var before = Sources(driver);

        driver = driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.CreateOptions(item with { Resources = "pods:get; configmaps ; " }));
        driver = driver.RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, KubernetesApiGenerator.Steps.ReadSettings, IncrementalStepRunReason.Modified);
        AssertReasons(result, KubernetesApiGenerator.Steps.BuildModel, IncrementalStepRunReason.Unchanged);
        AssertOutputsReused(result);
        Assert.Equal(before, Sources(driver));
    }

    [Fact]
    public void OneClientsSelectorEditLeavesTheOtherClientCached()
    {
        var coordinationPath = TestPaths.Fixture("mini-coordination-v1.openapi3.json");
        var first = new KubernetesApiItem(ClusterPath, ClusterText, "pods:get", "First.Kube");
        var second = new KubernetesApiItem(coordinationPath, File.ReadAllText(coordinationPath), "leases.coordination.k8s.io", "Second.Kube");
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver(first, second).RunGenerators(compilation, Token);
        var before = Sources(driver);

        driver = driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.CreateOptions(first with { Resources = "pods:get;configmaps" }, second));
        driver = driver.RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        var models = Outputs(result, KubernetesApiGenerator.Steps.BuildModel);
        Assert.Equal(2, models.Count);
        Assert.Single(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(models, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);

        var after = Sources(driver);
        foreach (var (hintName, text) in before.Where(s => s.Key.StartsWith("Second.Kube.", StringComparison.Ordinal)))
        {
            Assert.Equal(text, after[hintName]);
        }

        Assert.Contains(after.Keys, k => k == "First.Kube.KubeClient.CoreV1.ConfigMapsClient.g.cs");
    }

    [Fact]
    public void SpecEditReparsesTheSpec()
    {
        var original = new TestAdditionalText(ClusterPath, ClusterText);
        var item = new KubernetesApiItem(ClusterPath, ClusterText, Selection);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = CreateDriver(item, original).RunGenerators(compilation, Token);
        var before = Sources(driver);

        // A new description on Pod: a different spec and a different model.
        const string podDescription = "\"description\": \"A group of containers that run together on one host.";
        Assert.Contains(podDescription, ClusterText, StringComparison.Ordinal);
        var changed = ClusterText.Replace(podDescription, "\"description\": \"A pod, edited. A group of containers that run together on one host.", StringComparison.Ordinal);
        driver = driver.ReplaceAdditionalText(original, new TestAdditionalText(ClusterPath, changed)).RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Modified);
        AssertReasons(result, KubernetesApiGenerator.Steps.BuildModel, IncrementalStepRunReason.Modified);

        var after = Sources(driver);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("A pod, edited.", before["Test.Kube.CoreV1.Pod.g.cs"], StringComparison.Ordinal);
        Assert.Contains("A pod, edited.", after["Test.Kube.CoreV1.Pod.g.cs"], StringComparison.Ordinal);
        Assert.Equal(before["Test.Kube.CoreV1.ConfigMap.g.cs"], after["Test.Kube.CoreV1.ConfigMap.g.cs"]);
    }

    [Fact]
    public void SpecReformattingReparsesButKeepsTheModelAndTheOutputs()
    {
        // The same document on one line (as `kubectl get --raw` prints it): new text, equal model.
        var original = new TestAdditionalText(ClusterPath, ClusterText);
        var item = new KubernetesApiItem(ClusterPath, ClusterText, Selection);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = CreateDriver(item, original).RunGenerators(compilation, Token);
        var before = Sources(driver);

        var oneLine = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(ClusterText).RootElement);
        driver = driver.ReplaceAdditionalText(original, new TestAdditionalText(ClusterPath, oneLine)).RunGenerators(compilation, Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.ParseSpec, IncrementalStepRunReason.Modified);
        AssertReasons(result, KubernetesApiGenerator.Steps.BuildModel, IncrementalStepRunReason.Unchanged);
        AssertOutputsReused(result);
        Assert.Equal(before, Sources(driver));
    }

    [Fact]
    public void OneClustersSpecEditReparsesOnlyThatSpec()
    {
        // One client for two clusters (Cluster metadata): the dev cluster's spec changes, prod's does not.
        var prodPath = ClusterPath;
        var devPath = ClusterPath + ".dev.json";
        var items = new[]
        {
            new KubernetesApiItem(prodPath, ClusterText, Selection) { Cluster = "prod" },
            new KubernetesApiItem(devPath, ClusterText, Selection) { Cluster = "dev" },
        };
        var dev = new TestAdditionalText(devPath, ClusterText);
        var driver = CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(new TestAdditionalText(prodPath, ClusterText), dev),
            GeneratorHarness.ParseOptions,
            GeneratorHarness.CreateOptions(items),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = GeneratorHarness.CreateCompilation();
        driver = (CSharpGeneratorDriver)driver.RunGenerators(compilation, Token);

        var changed = ClusterText.Replace("\"description\": \"A group of containers", "\"description\": \"Dev: a group of containers", StringComparison.Ordinal);
        Assert.NotEqual(ClusterText, changed);
        driver = (CSharpGeneratorDriver)driver.ReplaceAdditionalText(dev, new TestAdditionalText(devPath, changed)).RunGenerators(compilation, Token);
        var result = Result(driver);

        var parses = Outputs(result, KubernetesApiGenerator.Steps.ParseSpec);
        Assert.Equal(2, parses.Count);
        Assert.Single(parses, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(parses, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        AssertReasons(result, KubernetesApiGenerator.Steps.BuildModel, IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void UnrelatedCSharpEditDoesNotRecheckTheSpecLock()
    {
        var item = new KubernetesApiItem(ClusterPath, ClusterText, Selection);
        const string lockPath = "/project/kubegen.lock";
        var driver = CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(new TestAdditionalText(ClusterPath, ClusterText), new TestAdditionalText(lockPath, "client Test.Kube.KubeClient\n")),
            GeneratorHarness.ParseOptions,
            new TestOptionsProvider(
                ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty
                    .Add(ClusterPath, GeneratorHarness.ItemMetadata(item))
                    .Add(lockPath, ImmutableDictionary<string, string>.Empty.Add("build_metadata.AdditionalFiles.KubeGenLock", "true")),
                ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Consumer")),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = GeneratorHarness.CreateCompilation("namespace App; public class Program { }");
        driver = (CSharpGeneratorDriver)driver.RunGenerators(compilation, Token);
        var first = Result(driver);
        Assert.Contains(first.Diagnostics, d => d.Id == "KGEN0026"); // the lock has no entry for the cluster
        Assert.Single(Outputs(first, KubernetesApiGenerator.Steps.CheckSpecLock), o => o.Reason == IncrementalStepRunReason.New);

        driver = (CSharpGeneratorDriver)driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }", GeneratorHarness.ParseOptions, cancellationToken: Token)), Token);
        var result = Result(driver);

        AssertReasons(result, KubernetesApiGenerator.Steps.CheckSpecLock, IncrementalStepRunReason.Cached);
        Assert.Equal(first.Diagnostics.Select(d => d.ToString()), result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void BrokenSpecEditIsReportedAndRecovers()
    {
        var original = new TestAdditionalText(ClusterPath, ClusterText);
        var item = new KubernetesApiItem(ClusterPath, ClusterText, Selection);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = CreateDriver(item, original).RunGenerators(compilation, Token);
        var before = Sources(driver);

        var truncated = new TestAdditionalText(ClusterPath, ClusterText.Substring(0, ClusterText.Length / 2));
        driver = driver.ReplaceAdditionalText(original, truncated).RunGenerators(compilation, Token);
        var broken = Result(driver);
        Assert.Null(broken.Exception);
        Assert.Equal("KGEN0002", Assert.Single(broken.Diagnostics).Id);
        Assert.Empty(broken.GeneratedSources);

        driver = driver.ReplaceAdditionalText(truncated, new TestAdditionalText(ClusterPath, ClusterText)).RunGenerators(compilation, Token);
        var fixedResult = Result(driver);
        Assert.Empty(fixedResult.Diagnostics);
        Assert.Equal(before, Sources(driver));
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        var items = new[]
        {
            new KubernetesApiItem(ClusterPath, ClusterText, Selection + ";deployments.apps;crontabs.stable.example.com;horizontalpodautoscalers.autoscaling", "One.Kube"),
            new KubernetesApiItem(ClusterPath + ".all.json", ClusterText, null, "All.Kube"),
            new KubernetesApiItem(TestPaths.Fixture("mini-apps-v1.openapi3.json"), File.ReadAllText(TestPaths.Fixture("mini-apps-v1.openapi3.json")), "deployments.apps;leases.coordination.k8s.io", "Merged.Kube"),
            new KubernetesApiItem(TestPaths.Fixture("mini-coordination-v1.openapi3.json"), File.ReadAllText(TestPaths.Fixture("mini-coordination-v1.openapi3.json")), "deployments.apps;leases.coordination.k8s.io", "Merged.Kube"),
        };

        var first = GeneratorHarness.CreateDriver(items).RunGenerators(GeneratorHarness.CreateCompilation(), Token);
        var second = GeneratorHarness.CreateDriver(items).RunGenerators(GeneratorHarness.CreateCompilation("class Unrelated { }"), Token);

        var firstResult = Result(first);
        var secondResult = Result(second);
        Assert.True(firstResult.GeneratedSources.Length > 100, $"only {firstResult.GeneratedSources.Length} sources");
        Assert.Equal(firstResult.GeneratedSources.Select(s => s.HintName), secondResult.GeneratedSources.Select(s => s.HintName));
        foreach (var (a, b) in firstResult.GeneratedSources.Zip(secondResult.GeneratedSources))
        {
            Assert.True(a.SourceText.ContentEquals(b.SourceText), $"{a.HintName} differs between runs");
            Assert.Equal(a.SourceText.Encoding?.WebName, b.SourceText.Encoding?.WebName);
            Assert.Equal(Encoding.UTF8.GetBytes(a.SourceText.ToString()), Encoding.UTF8.GetBytes(b.SourceText.ToString()));
        }

        Assert.Equal(firstResult.Diagnostics.Select(d => d.ToString()), secondResult.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void TrackedStepsCarryOnlyValueEquatableData()
    {
        // The values flowing between steps are records and strings, never Roslyn or JSON objects.
        var driver = GeneratorHarness.CreateDriver(new KubernetesApiItem(ClusterPath, ClusterText, Selection)).RunGenerators(GeneratorHarness.CreateCompilation(), Token);
        var result = Result(driver);

        foreach (var step in s_steps)
        {
            foreach (var (value, _) in Outputs(result, step))
            {
                Assert.False(value is ISymbol or Compilation or SyntaxNode or SemanticModel or AdditionalText, $"{step} carries a {value.GetType()}");
                var equals = value.GetType().GetMethod("Equals", new[] { value.GetType() });
                Assert.True(equals is not null && equals.DeclaringType != typeof(object), $"{step} carries {value.GetType()}, which is not IEquatable");
            }
        }
    }

    // ---- Helpers ----------------------------------------------------------------------------

    /// <summary>A driver over the given text instances (so a test can replace one later).</summary>
    private static GeneratorDriver CreateDriver(KubernetesApiItem item, AdditionalText text)
        => CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            ImmutableArray.Create(text),
            GeneratorHarness.ParseOptions,
            GeneratorHarness.CreateOptions(item),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static GeneratorRunResult Result(GeneratorDriver driver)
    {
        var result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        return result;
    }

    private static Dictionary<string, string> Sources(GeneratorDriver driver)
        => Result(driver).GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);

    private static List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step {step} was not tracked; tracked: {string.Join(", ", result.TrackedSteps.Keys)}");
        return runs.SelectMany(r => r.Outputs).ToList();
    }

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        var outputs = Outputs(result, step);
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"{step}: {o.Reason} ({o.Value}); expected {string.Join(" or ", allowed)}"));
    }

    /// <summary>Every source output step reused its previous result (nothing was re-emitted).</summary>
    private static void AssertOutputsReused(GeneratorRunResult result)
    {
        Assert.NotEmpty(result.TrackedOutputSteps);
        foreach (var (name, runs) in result.TrackedOutputSteps)
        {
            foreach (var output in runs.SelectMany(r => r.Outputs))
            {
                Assert.True(
                    output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"output step {name}: {output.Reason}");
            }
        }
    }
}
