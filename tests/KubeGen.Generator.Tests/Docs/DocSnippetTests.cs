using System.Collections.Immutable;
using System.Text.RegularExpressions;
using KubeGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KubeGen.Generator.Tests.Docs;

/// <summary>
/// Every C# snippet in README.md and docs/ compiles as written, as a new user would paste it into a
/// project: a program file of its own (top-level statements), with the SDK's implicit usings, against
/// the client KubeGen generates for the README's item (<c>Namespace="MyOperator.Kube"</c>), the runtime,
/// KubeGen.Testing, KubeGen.Webhooks and the ASP.NET Core shared framework (for the hosting, IHttpClientFactory and webhook examples).
/// </summary>
public sealed class DocSnippetTests
{
    /// <summary>The selection the documentation's examples use.</summary>
    private const string Selection = "pods;configmaps;secrets;deployments.apps;leases.coordination.k8s.io;events.events.k8s.io;namespaces";

    /// <summary>What <c>ImplicitUsings</c> gives a console project.</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private static readonly Lazy<CSharpCompilation> s_generated = new(Generate);

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in FindSnippets())
        {
            data.Add(snippet.Key);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Compiles_as_written(string snippet)
    {
        var code = FindSnippets()[snippet];
        var tree = CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions, path: snippet, cancellationToken: TestContext.Current.CancellationToken);
        var compilation = s_generated.Value.AddSyntaxTrees(tree);

        var problems = compilation.GetDiagnostics(TestContext.Current.CancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree == tree))
            .Select(d => d.ToString())
            .ToList();

        Assert.True(problems.Count == 0, $"{snippet} does not compile as written:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}{Environment.NewLine}{code}");
    }

    [Fact]
    public void The_documentation_has_snippets_to_check()
    {
        Assert.True(FindSnippets().Count >= 10, $"only {FindSnippets().Count} snippets found");
    }

    /// <summary>The ```csharp blocks of README.md and docs/*.md, keyed "file:line".</summary>
    private static Dictionary<string, string> FindSnippets()
    {
        var files = new[] { Path.Combine(TestPaths.RepositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal));
        var snippets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```csharp")
                {
                    continue;
                }

                var start = i + 1;
                var end = Array.FindIndex(lines, start, l => l.Trim() == "```");
                Assert.True(end > 0, $"{file}:{i + 1}: an unterminated ```csharp block");
                var relative = Path.GetRelativePath(TestPaths.RepositoryRoot, file).Replace('\\', '/');
                snippets[$"{relative}:{i + 1}"] = string.Join("\n", lines[start..end]);
                i = end;
            }
        }

        return snippets;
    }

    /// <summary>The generated client plus everything a snippet may use, compiled once; each snippet is added to a copy.</summary>
    private static CSharpCompilation Generate()
    {
        var spec = TestPaths.Fixture("mini-cluster.swagger.json");
        var aspNet = Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!;
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Concat(Directory.GetFiles(aspNet, "*.dll").Where(IsManaged).Select(path => MetadataReference.CreateFromFile(path)))
            .Append(MetadataReference.CreateFromFile(typeof(KubeGen.Runtime.KubeConnection).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(KubeGen.Testing.KubeApiServerEmulator).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(KubeGen.Webhooks.WebhookApplication).Assembly.Location))
            .ToImmutableArray();
        var compilation = CSharpCompilation.Create(
            "Snippets",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, GeneratorHarness.ParseOptions, path: "ImplicitUsings.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var driver = GeneratorHarness.CreateDriver(KubernetesApiItem.FromFile(spec, Selection, "MyOperator.Kube"));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return (CSharpCompilation)output;
    }

    /// <summary>The shared framework folder also holds native libraries: only managed ones are references.</summary>
    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
