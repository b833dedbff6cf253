using System.Text.Json;

namespace KubeGen.Generator.Tests.Infrastructure;

/// <summary>
/// Test oracles computed straight from a Swagger 2.0 document, independently of the generator: which
/// definitions a set of nodes reaches through <c>$ref</c>s, and the C# namespace a definition lands in.
/// </summary>
internal static class SpecWalk
{
    /// <summary>
    /// The definitions reached from <paramref name="start"/>, following every <c>#/definitions/</c> and
    /// <c>#/parameters/</c> reference; a definition <paramref name="follow"/> rejects is neither added nor entered.
    /// </summary>
    public static HashSet<string> ReachableDefinitions(JsonElement root, IEnumerable<JsonElement> start, Func<string, bool>? follow = null)
    {
        var definitions = root.GetProperty("definitions");
        var parameters = root.TryGetProperty("parameters", out var shared) ? shared : default;
        var pending = new Stack<JsonElement>(start);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var node))
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.GetString() is { } reference)
                    {
                        var name = reference[(reference.LastIndexOf('/') + 1)..];
                        if (reference.StartsWith("#/parameters/", StringComparison.Ordinal))
                        {
                            pending.Push(parameters.GetProperty(name));
                        }
                        else if ((follow is null || follow(name)) && reached.Add(name))
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

        return reached;
    }

    /// <summary>client-go style package alias: io.k8s.api.core.v1.Pod → CoreV1, ...meta.v1.ObjectMeta → MetaV1.</summary>
    public static string NamespaceOf(string definition)
    {
        var parts = definition.Split('.');
        static string Pascal(string s) => char.ToUpperInvariant(s[0]) + s[1..];
        return Pascal(parts[^3]) + Pascal(parts[^2]);
    }
}
