using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>
/// Runs the generator the way the compiler does: a compilation against .NET 10 reference
/// assemblies plus KubeGen.Runtime, the spec as an additional file with its item metadata.
/// </summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(KubeGen.Runtime.KubeConnection).Assembly.Location))
        .ToImmutableArray();

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.CSharp12);

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpGeneratorDriver CreateDriver(params KubernetesApiItem[] items)
    {
        var texts = items.Select(i => (AdditionalText)new TestAdditionalText(i.Path, i.Text)).ToImmutableArray();
        return (CSharpGeneratorDriver)CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            texts,
            ParseOptions,
            CreateOptions(items),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static TestOptionsProvider CreateOptions(params KubernetesApiItem[] items)
        => new(items.ToImmutableDictionary(i => i.Path, ItemMetadata), ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Consumer"));

    /// <summary>The item metadata build/KubeGen.targets passes for a KubernetesApi item, as the compiler sees it.</summary>
    public static ImmutableDictionary<string, string> ItemMetadata(KubernetesApiItem item)
    {
        var values = ImmutableDictionary.CreateBuilder<string, string>();
        values["build_metadata.AdditionalFiles.KubeGenApi"] = "true";
        if (item.Resources is not null)
        {
            // As build/KubeGen.targets passes it: ';' would start an .editorconfig comment.
            values["build_metadata.AdditionalFiles.KubeGenResources"] = item.Resources.Replace(';', '|');
        }

        if (item.Namespace is not null)
        {
            values["build_metadata.AdditionalFiles.Namespace"] = item.Namespace;
        }

        if (item.ClientName is not null)
        {
            values["build_metadata.AdditionalFiles.ClientName"] = item.ClientName;
        }

        if (item.Cluster is not null)
        {
            values["build_metadata.AdditionalFiles.Cluster"] = item.Cluster;
        }

        if (item.Optional is not null)
        {
            values["build_metadata.AdditionalFiles.KubeGenOptional"] = item.Optional.Replace(';', '|');
        }

        return values.ToImmutable();
    }

    /// <summary>
    /// Generates for the items plus other additional files (each with its own metadata) under the given
    /// build properties, and compiles the result.
    /// </summary>
    public static GenerationResult Run(
        KubernetesApiItem[] items,
        IReadOnlyList<(string Path, string Text, ImmutableDictionary<string, string> Metadata)> otherFiles,
        IReadOnlyDictionary<string, string> buildProperties)
    {
        var texts = items.Select(i => (AdditionalText)new TestAdditionalText(i.Path, i.Text))
            .Concat(otherFiles.Select(f => new TestAdditionalText(f.Path, f.Text)))
            .ToImmutableArray();
        var byPath = items.ToImmutableDictionary(i => i.Path, ItemMetadata)
            .AddRange(otherFiles.Select(f => KeyValuePair.Create(f.Path, f.Metadata)));
        var global = ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Consumer")
            .SetItems(buildProperties.Select(p => KeyValuePair.Create("build_property." + p.Key, p.Value)));
        var driver = CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            texts,
            ParseOptions,
            new TestOptionsProvider(byPath, global));
        return Collect(driver, CreateCompilation());
    }

    /// <summary>Generates for the items and compiles the result together with <paramref name="sources"/>.</summary>
    public static GenerationResult Run(KubernetesApiItem[] items, params string[] sources)
        => Collect(CreateDriver(items), CreateCompilation(sources));

    private static GenerationResult Collect(GeneratorDriver driver, CSharpCompilation compilation)
    {
        var runResult = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics).GetRunResult();
        return new GenerationResult(
            runResult.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray(),
            generatorDiagnostics,
            output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray(),
            (CSharpCompilation)output);
    }

    public static GenerationResult Run(KubernetesApiItem item, params string[] sources) => Run(new[] { item }, sources);

    /// <summary>Like <see cref="Run(KubernetesApiItem[], string[])"/>, and also runs KubeGen's analyzers over the result: their diagnostics join the compilation's.</summary>
    public static GenerationResult RunWithAnalyzers(KubernetesApiItem[] items, params string[] sources)
    {
        var result = Run(items, sources);
        var analyzers = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new KubeGen.Generator.Analyzers.ClusterAvailabilityAnalyzer());
        var analyzed = result.Compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return result with { CompilationDiagnostics = result.CompilationDiagnostics.AddRange(analyzed.Where(d => d.Severity >= DiagnosticSeverity.Warning)) };
    }
}

internal sealed record GenerationResult(
    ImmutableArray<GeneratedSourceResult> Sources,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilationDiagnostics,
    CSharpCompilation Compilation)
{
    public string Source(string hintNameEnd)
        => Sources.Single(s => s.HintName.EndsWith(hintNameEnd, StringComparison.Ordinal)).SourceText.ToString();

    public IEnumerable<string> TypeNames()
        => Compilation.SyntaxTrees
            .Where(t => t.FilePath.Contains("KubeGen.Generator", StringComparison.Ordinal))
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>())
            .Select(c => c.Identifier.Text);

    public string DescribeProblems()
        => string.Join(Environment.NewLine, GeneratorDiagnostics.Concat(CompilationDiagnostics).Take(30).Select(d => d.ToString()));
}
