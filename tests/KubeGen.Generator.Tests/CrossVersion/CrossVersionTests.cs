using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace KubeGen.Generator.Tests.CrossVersion;

/// <summary>
/// Regenerating for another cluster version changes nothing in user code: the same program compiles
/// without a warning against the clients of every real spec (v1.31.1 … v1.36.0 and the OpenAPI v3
/// documents), and the public signatures the program uses are the same in every version; a query
/// parameter a newer cluster adds is only a new property of an options class.
/// </summary>
public sealed class CrossVersionTests
{
    private const string Selection = "pods;configmaps;deployments.apps;leases.coordination.k8s.io";

    public static TheoryData<string> SwaggerSpecs => RealSpecTests.SwaggerSpecs;

    [Theory]
    [MemberData(nameof(SwaggerSpecs))]
    public void The_same_program_compiles_without_warnings_against_every_cluster_version(string fileName)
    {
        var result = GeneratorHarness.Run(
            KubernetesApiItem.FromFile(TestPaths.SharedSpec(fileName), Selection, "App.Kube"),
            UserPrograms.Workloads,
            UserPrograms.Core);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void The_same_program_compiles_without_warnings_against_the_OpenAPI_v3_documents()
    {
        var items = new[] { "apis__apps__v1_openapi.json", "apis__coordination.k8s.io__v1_openapi.json" }
            .Select(file => KubernetesApiItem.FromFile(Path.Combine(TestPaths.SharedSpecs(), "v3", file), "deployments.apps;leases.coordination.k8s.io", "App.Kube"))
            .ToArray();

        var result = GeneratorHarness.Run(items, UserPrograms.Workloads);

        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Method_signatures_are_identical_and_options_only_grow_from_version_to_version()
    {
        var versions = RealSpecTests.SwaggerSpecs.Select(row => (string)row.Data)
            .Select(file => (File: file, Api: PublicApi(GeneratorHarness.Run(KubernetesApiItem.FromFile(TestPaths.SharedSpec(file), Selection, "App.Kube")))))
            .ToList();

        var oldest = versions[0];
        foreach (var (file, api) in versions.Skip(1))
        {
            Assert.Equal(oldest.Api.Methods, api.Methods);
        }

        for (var i = 1; i < versions.Count; i++)
        {
            foreach (var (type, properties) in versions[i - 1].Api.Options)
            {
                Assert.True(versions[i].Api.Options.TryGetValue(type, out var newer), $"{type} is missing from {versions[i].File}");
                Assert.Subset(newer.ToHashSet(), properties.ToHashSet());
            }
        }

        // The version skew the old positional shape turned into a silent bug is now a new property.
        Assert.DoesNotContain("DeleteCollectionOptions.IgnoreStoreReadErrorWithClusterBreakingPotential : bool?", oldest.Api.Options["DeleteCollectionOptions"]);
        Assert.Contains("DeleteCollectionOptions.IgnoreStoreReadErrorWithClusterBreakingPotential : bool?", versions[^1].Api.Options["DeleteCollectionOptions"]);
    }

    /// <summary>Every public method of the generated clients (type, name, parameters, return type), and every options class's properties.</summary>
    private static PublicSurface PublicApi(GenerationResult result)
    {
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());
        var ns = result.Compilation.GlobalNamespace.GetNamespaceMembers().Single(n => n.Name == "App").GetNamespaceMembers().Single(n => n.Name == "Kube");
        var clients = AllTypes(ns).Where(t => t.Name.EndsWith("Client", StringComparison.Ordinal));
        var methods = clients
            .SelectMany(t => t.GetMembers().OfType<IMethodSymbol>()
                .Where(m => m.DeclaredAccessibility == Accessibility.Public && m.MethodKind is MethodKind.Ordinary or MethodKind.Constructor)
                .Select(m => $"{t.Name}.{m.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)} : {m.ReturnType.ToDisplayString()}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var options = ns.GetTypeMembers()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .ToDictionary(
                t => t.Name,
                t => t.GetMembers().OfType<IPropertySymbol>().Select(p => $"{t.Name}.{p.Name} : {p.Type.ToDisplayString()}").Order(StringComparer.Ordinal).ToList());
        return new PublicSurface(methods, options);
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceSymbol ns)
        => ns.GetTypeMembers().Concat(ns.GetNamespaceMembers().SelectMany(AllTypes));

    private sealed record PublicSurface(List<string> Methods, Dictionary<string, List<string>> Options);
}
