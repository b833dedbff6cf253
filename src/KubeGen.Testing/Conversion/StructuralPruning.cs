using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// Pruning by a CRD's structural schema (apiextensions' <c>structuralpruning</c>): a field the
/// schema does not specify is dropped, unless <c>x-kubernetes-preserve-unknown-fields: true</c> is
/// set where it is; maps (<c>additionalProperties</c>) keep their keys and prune their values; an
/// object with <c>x-kubernetes-embedded-resource</c> keeps <c>apiVersion</c>, <c>kind</c> and
/// <c>metadata</c>; a <c>null</c> in a field that is not <c>nullable</c> is dropped. The root's
/// <c>metadata</c> is pruned to ObjectMeta's fields. Dropped fields (not nulls) are reported to field
/// validation, as kube-apiserver's strict decoding reports them: <c>unknown field "spec.foo"</c>.
/// </summary>
internal sealed class StructuralPruning(SchemaIndex schemas)
{
    private const int MaxDepth = 64;
    private const string ObjectMetaDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private readonly UnknownFields _meta = new(schemas);

    /// <summary>Prunes <paramref name="obj"/> in place.</summary>
    /// <returns>The paths of the unknown fields that were dropped, in document order.</returns>
    public List<string> Prune(JsonObject obj, JsonElement? schema)
    {
        var pruned = new List<string>();
        if (schemas.Resolve(schema) is not { ValueKind: JsonValueKind.Object } root)
        {
            return pruned;
        }

        bool preserveAll = Bool(root, "x-kubernetes-preserve-unknown-fields");
        JsonElement? properties = root.TryGetProperty("properties", out JsonElement p) ? p : null;
        foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
        {
            switch (entry.Key)
            {
                case "apiVersion" or "kind":
                    continue;
                case "metadata" when entry.Value is JsonObject metadata:
                    PruneMetadata(metadata, "metadata", pruned);
                    continue;
            }

            if (properties is { } declared && declared.TryGetProperty(entry.Key, out JsonElement property))
            {
                PruneNull(obj, entry.Key, entry.Value, property);
                Walk(obj[entry.Key], property, entry.Key, pruned, 0);
            }
            else if (!preserveAll)
            {
                obj.Remove(entry.Key);
                pruned.Add(entry.Key);
            }
        }

        return pruned;
    }

    private void Walk(JsonNode? node, JsonElement? schema, string path, List<string> pruned, int depth)
    {
        if (depth > MaxDepth || node is null || schemas.Resolve(schema) is not { ValueKind: JsonValueKind.Object } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                bool preserve = Bool(s, "x-kubernetes-preserve-unknown-fields");
                bool embedded = Bool(s, "x-kubernetes-embedded-resource");
                JsonElement? properties = s.TryGetProperty("properties", out JsonElement p) ? p : null;
                JsonElement? values = s.TryGetProperty("additionalProperties", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a : null;
                bool anyValue = s.TryGetProperty("additionalProperties", out JsonElement any) && any.ValueKind == JsonValueKind.True;
                foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
                {
                    string child = path + "." + entry.Key;
                    if (properties is { } declared && declared.TryGetProperty(entry.Key, out JsonElement property))
                    {
                        PruneNull(obj, entry.Key, entry.Value, property);
                        Walk(obj[entry.Key], property, child, pruned, depth + 1);
                    }
                    else if (values is { } valueSchema)
                    {
                        PruneNull(obj, entry.Key, entry.Value, valueSchema);
                        Walk(obj[entry.Key], valueSchema, child, pruned, depth + 1);
                    }
                    else if (embedded && entry.Key is "apiVersion" or "kind")
                    {
                        continue;
                    }
                    else if (embedded && entry.Key == "metadata" && entry.Value is JsonObject metadata)
                    {
                        PruneMetadata(metadata, child, pruned);
                    }
                    else if (!preserve && !anyValue)
                    {
                        obj.Remove(entry.Key);
                        pruned.Add(child);
                    }
                }

                break;
            case JsonArray array:
                JsonElement? items = s.TryGetProperty("items", out JsonElement i) ? i : null;
                for (int index = 0; index < array.Count; index++)
                {
                    Walk(array[index], items, $"{path}[{index}]", pruned, depth + 1);
                }

                break;
        }
    }

    /// <summary>Drops a null where the field is not nullable (before defaulting, which may then set it).</summary>
    private void PruneNull(JsonObject parent, string key, JsonNode? value, JsonElement property)
    {
        if (value is null && !(schemas.Resolve(property) is { } s && Bool(s, "nullable")))
        {
            parent.Remove(key);
        }
    }

    private void PruneMetadata(JsonObject metadata, string path, List<string> pruned)
    {
        if (schemas.Definition(ObjectMetaDefinition) is { } objectMeta)
        {
            pruned.AddRange(_meta.Prune(metadata, objectMeta).Select(p => path + "." + p));
        }
    }

    private static bool Bool(JsonElement s, string name) => s.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;
}
