using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// The fields a built-in kind's Go type does not have: decoding into the type drops them, and
/// strict decoding names each (<c>unknown field "spec.foo"</c>, <c>spec.containers[0].bar</c>).
/// A schema that does not list its properties (maps, <c>x-kubernetes-preserve-unknown-fields</c>,
/// free-form objects) keeps whatever it is given.
/// </summary>
internal sealed class UnknownFields(SchemaIndex schemas)
{
    private const int MaxDepth = 64;

    /// <summary>Removes the unknown fields of <paramref name="obj"/> and returns their paths, in document order.</summary>
    public List<string> Prune(JsonObject obj, JsonElement? schema)
    {
        var paths = new List<string>();
        Walk(obj, schema, "", paths, 0);
        return paths;
    }

    private void Walk(JsonNode? node, JsonElement? schema, string path, List<string> paths, int depth)
    {
        if (depth > MaxDepth || schemas.Resolve(schema) is not { } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                bool closed = s.TryGetProperty("properties", out JsonElement properties)
                    && !s.TryGetProperty("additionalProperties", out _)
                    && !(s.TryGetProperty("x-kubernetes-preserve-unknown-fields", out JsonElement preserve) && preserve.ValueKind == JsonValueKind.True);
                foreach (KeyValuePair<string, JsonNode?> entry in o.ToList())
                {
                    string child = path.Length == 0 ? entry.Key : path + "." + entry.Key;
                    if (closed && !properties.TryGetProperty(entry.Key, out _))
                    {
                        o.Remove(entry.Key);
                        paths.Add(child);
                    }
                    else
                    {
                        Walk(entry.Value, schemas.Property(s, entry.Key), child, paths, depth + 1);
                    }
                }

                break;
            case JsonArray a:
                JsonElement? items = schemas.Items(s);
                for (int i = 0; i < a.Count; i++)
                {
                    Walk(a[i], items, $"{path}[{i}]", paths, depth + 1);
                }

                break;
        }
    }
}
