using System.Text.Json;
using KubeGen.Generator.Tests.Infrastructure;

namespace KubeGen.Generator.Tests;

/// <summary>
/// A selection emits exactly the definitions its operations reach, not the whole spec. The
/// expected closure is computed here independently: a walk over $refs from the schemas of the
/// selected paths' operations.
/// </summary>
public sealed class ClosureTests
{
    /// <summary>Definitions with a fixed runtime type (no generated class).</summary>
    private static readonly HashSet<string> s_runtimeTypes = new(StringComparer.Ordinal)
    {
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
        "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    };

    [Theory]
    [InlineData("kubernetes-v1.31.1.json")]
    [InlineData("kubernetes-v1.36.0.json")]
    public void ThreeResourceSelectionEmitsExactlyTheReachedDefinitions(string fileName)
    {
        var path = TestPaths.SharedSpec(fileName);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var expected = ExpectedClosure(document.RootElement, new[]
        {
            ("/api/v1/namespaces/{namespace}/pods", new[] { "get" }),
            ("/api/v1/namespaces/{namespace}/pods/{name}", new[] { "get" }),
            ("/api/v1/namespaces/{namespace}/pods/{name}/status", new[] { "get" }),
            ("/api/v1/pods", new[] { "get" }),
            ("/api/v1/namespaces/{namespace}/configmaps", null),
            ("/api/v1/namespaces/{namespace}/configmaps/{name}", null),
            ("/api/v1/configmaps", null),
            ("/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases", null),
            ("/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}", null),
            ("/apis/coordination.k8s.io/v1/leases", null),
        });

        var result = GeneratorHarness.Run(KubernetesApiItem.FromFile(path, "pods:get,list,watch;configmaps;leases.coordination.k8s.io", "Closure.Kube"));
        Assert.True(result.CompilationDiagnostics.IsEmpty, result.DescribeProblems());

        var emitted = result.Sources
            .Select(s => s.HintName)
            .Where(h => h.StartsWith("Closure.Kube.", StringComparison.Ordinal) && !h.StartsWith("Closure.Kube.KubeClient", StringComparison.Ordinal))
            .Select(h => h["Closure.Kube.".Length..^".g.cs".Length])
            .Order(StringComparer.Ordinal)
            .ToList();
        var expectedNames = expected
            .Select(name => SpecWalk.NamespaceOf(name) + "." + name[(name.LastIndexOf('.') + 1)..])
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(expectedNames, emitted);
        var definitionCount = document.RootElement.GetProperty("definitions").EnumerateObject().Count();
        Assert.InRange(emitted.Count, 10, definitionCount / 4);
    }

    private static HashSet<string> ExpectedClosure(JsonElement root, IEnumerable<(string Path, string[]? Methods)> selected)
    {
        var definitions = root.GetProperty("definitions");
        var parameters = root.GetProperty("parameters");
        var pending = new Stack<JsonElement>();
        foreach (var (path, methods) in selected)
        {
            var item = root.GetProperty("paths").GetProperty(path);
            foreach (var operation in item.EnumerateObject())
            {
                if (operation.Name == "parameters" || (methods is not null && !methods.Contains(operation.Name)))
                {
                    continue;
                }

                pending.Push(operation.Value.GetProperty("responses"));
                if (operation.Name != "patch" && operation.Value.TryGetProperty("parameters", out var operationParameters))
                {
                    foreach (var parameter in operationParameters.EnumerateArray())
                    {
                        var resolved = parameter.TryGetProperty("$ref", out var reference)
                            ? parameters.GetProperty(reference.GetString()!["#/parameters/".Length..])
                            : parameter;
                        if (resolved.TryGetProperty("schema", out var schema))
                        {
                            pending.Push(schema);
                        }
                    }
                }
            }
        }

        var reached = SpecWalk.ReachableDefinitions(root, pending, name => !s_runtimeTypes.Contains(name));

        // Definitions without properties are free-form JSON (JsonElement), not classes.
        reached.RemoveWhere(name => !definitions.GetProperty(name).TryGetProperty("properties", out _));
        return reached;
    }
}
