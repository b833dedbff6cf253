using System.Collections.Immutable;
using KubeGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace KubeGen.Benchmarks;

/// <summary>The two generator workloads the issue sets targets for.</summary>
public enum GeneratorCase
{
    /// <summary>No Resources metadata: every resource in the spec (target: under 3 s).</summary>
    FullSpec,

    /// <summary>pods;configmaps;leases.coordination.k8s.io (target: under 300 ms cold).</summary>
    ThreeResources,
}

/// <summary>
/// Drives <see cref="KubernetesApiGenerator"/> the way the compiler does: the spec as an
/// additional file carrying the item metadata that build/KubeGen.props and .targets expose
/// (KubeGenApi, KubeGenResources, Namespace, ClientName).
/// </summary>
internal sealed class GeneratorInput
{
    public const string SpecFileName = "kubernetes-v1.36.0.json";
    public const string ThreeResourceSelection = "pods;configmaps;leases.coordination.k8s.io";
    public const string RootNamespace = "Bench.Kube";
    public const string ClientName = "KubeClient";

    private const string MetadataPrefix = "build_metadata.AdditionalFiles.";

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.CSharp12);

    private readonly AnalyzerConfigOptionsProvider _options;

    private GeneratorInput(GeneratorCase workload, string specPath, string specText)
    {
        Case = workload;
        SpecPath = specPath;
        SpecText = specText;
        Resources = workload == GeneratorCase.ThreeResources ? ThreeResourceSelection : null;

        var metadata = ImmutableDictionary.CreateBuilder<string, string>();
        metadata[MetadataPrefix + "KubeGenApi"] = "true";
        metadata[MetadataPrefix + "Namespace"] = RootNamespace;
        metadata[MetadataPrefix + "ClientName"] = ClientName;
        if (Resources is not null)
        {
            // As build/KubeGen.targets passes it: ';' would start a comment in the generated .editorconfig.
            metadata[MetadataPrefix + "KubeGenResources"] = CompilerSelector(Resources);
        }

        _options = new ItemOptionsProvider(specPath, metadata.ToImmutable());

        // The generator never looks at the compilation; an empty one keeps the driver honest
        // about measuring the generator rather than reference loading.
        Compilation = CSharpCompilation.Create(
            "BenchConsumer",
            syntaxTrees: null,
            references: null,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    public GeneratorCase Case { get; }

    public string SpecPath { get; }

    /// <summary>The spec as the compiler holds it after reading the file.</summary>
    public string SpecText { get; }

    public string? Resources { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>The Resources selector as the compiler receives it (KubeGenResources, '|'-separated).</summary>
    public static string CompilerSelector(string resources) => resources.Replace(';', '|');

    /// <summary>Reads the spec from disk (not part of any measurement).</summary>
    public static GeneratorInput Load(GeneratorCase workload)
    {
        var path = BenchmarkPaths.Spec(SpecFileName);
        return new GeneratorInput(workload, path, File.ReadAllText(path));
    }

    /// <summary>
    /// A fresh driver over a fresh <see cref="SourceText"/> (so no checksum or parse is cached
    /// from an earlier run), as one `dotnet build` without a warm IDE session would create.
    /// </summary>
    public GeneratorDriver CreateDriver()
    {
        var text = new InMemoryAdditionalText(SpecPath, SourceText.From(SpecText));
        return CSharpGeneratorDriver.Create(
            new[] { new KubernetesApiGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(text),
            s_parseOptions,
            _options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
    }

    /// <summary>One complete generator run: create the driver, run it, collect the result.</summary>
    public GeneratorRunResult Run()
    {
        var driver = CreateDriver().RunGenerators(Compilation);
        return driver.GetRunResult().Results[0];
    }

    /// <summary>
    /// Fails loudly instead of timing the wrong thing: the run must succeed without errors, and the
    /// selection must have taken effect (the group-version clients it produced are exactly the
    /// selected ones; every resource gives many more).
    /// </summary>
    public GeneratorRunResult Validate(GeneratorRunResult result)
    {
        if (result.Exception is not null)
        {
            throw new InvalidOperationException($"The generator threw for {Case}.", result.Exception);
        }

        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0 || result.GeneratedSources.IsEmpty)
        {
            throw new InvalidOperationException($"The generator produced no sources or errors for {Case}: {string.Join("; ", errors)}");
        }

        // Hint names: {Namespace}.{ClientName}.{GroupVersion}.{GroupVersion}Client.g.cs for group-version clients.
        var prefix = RootNamespace + "." + ClientName + ".";
        var groupVersions = result.GeneratedSources
            .Select(s => s.HintName)
            .Where(h => h.StartsWith(prefix, StringComparison.Ordinal))
            .Select(h => h[prefix.Length..].Split('.'))
            .Where(parts => parts.Length == 4 && parts[1] == parts[0] + "Client")
            .Select(parts => parts[0])
            .ToHashSet(StringComparer.Ordinal);
        var expected = Case == GeneratorCase.ThreeResources
            ? groupVersions.SetEquals(["CoreV1", "CoordinationV1"])
            : groupVersions.Count > 10;
        if (!expected)
        {
            throw new InvalidOperationException($"{Case} generated clients for [{string.Join(", ", groupVersions.Order(StringComparer.Ordinal))}]: the selection did not take effect as expected (has the item metadata changed?).");
        }

        return result;
    }

    private sealed class InMemoryAdditionalText(string path, SourceText text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => text;
    }

    private sealed class ItemOptionsProvider(string specPath, ImmutableDictionary<string, string> itemMetadata) : AnalyzerConfigOptionsProvider
    {
        private static readonly DictionaryOptions s_empty = new(ImmutableDictionary<string, string>.Empty);

        private readonly DictionaryOptions _item = new(itemMetadata);

        public override AnalyzerConfigOptions GlobalOptions { get; } =
            new DictionaryOptions(ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "BenchConsumer"));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
            => string.Equals(textFile.Path, specPath, StringComparison.Ordinal) ? _item : s_empty;
    }

    private sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            => values.TryGetValue(key, out value);
    }
}
