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
            .Select(name => NamespaceOf(name) + "." + name[(name.LastIndexOf('.') + 1)..])
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(expectedNames, emitted);
        var definitionCount = document.RootElement.GetProperty("definitions").EnumerateObject().Count();
        Assert.InRange(emitted.Count, 10, definitionCount / 4);
    }

    /// <summary>client-go style package alias: io.k8s.api.core.v1.Pod → CoreV1, ...meta.v1.ObjectMeta → MetaV1.</summary>
    private static string NamespaceOf(string definition)
    {
        var parts = definition.Split('.');
        static string Pascal(string s) => char.ToUpperInvariant(s[0]) + s[1..];
        return Pascal(parts[^3]) + Pascal(parts[^2]);
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

        var reached = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var node))
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "$ref")
                    {
                        var name = property.Value.GetString()!["#/definitions/".Length..];
                        if (!s_runtimeTypes.Contains(name) && reached.Add(name))
                        {
                            pending.Push(definitions.GetProperty(name));
                        }
                    }
                    else
                    {
                        pending.Push(property.Value);
                    }
                }
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in node.EnumerateArray())
                {
                    pending.Push(element);
                }
            }
        }

        // Definitions without properties are free-form JSON (JsonElement), not classes.
        reached.RemoveWhere(name => !definitions.GetProperty(name).TryGetProperty("properties", out _));
        return reached;
    }
}
