using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// Defaulting by a CRD's structural schema (apiextensions' <c>structuraldefaulting.Default</c>):
/// a property with a <c>default</c> that is absent from an object that is present gets the default,
/// top-down, so the defaults inside a defaulted object apply too; map values and list items are
/// defaulted by their schemas. Runs after pruning (a pruned null can be defaulted) and before
/// validation, as in kube-apiserver.
/// </summary>
internal sealed class StructuralDefaulting(SchemaIndex schemas)
{
    private const int MaxDepth = 64;

    public void Apply(JsonObject obj, JsonElement? schema) => Walk(obj, schema, 0, root: true);

    private void Walk(JsonNode? node, JsonElement? schema, int depth, bool root = false)
    {
        if (depth > MaxDepth || node is null || schemas.Resolve(schema) is not { ValueKind: JsonValueKind.Object } s)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                if (s.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty property in properties.EnumerateObject())
                    {
                        // The root's metadata is ObjectMeta, never defaulted from the CRD's schema.
                        if (root && property.Name is "metadata" or "apiVersion" or "kind")
                        {
                            continue;
                        }

                        if (!obj.ContainsKey(property.Name) && property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("default", out JsonElement value))
                        {
                            obj[property.Name] = JsonNode.Parse(value.GetRawText());
                        }

                        if (obj[property.Name] is JsonNode child)
                        {
                            Walk(child, property.Value, depth + 1);
                        }
                    }
                }

                if (s.TryGetProperty("additionalProperties", out JsonElement values) && values.ValueKind == JsonValueKind.Object)
                {
                    foreach (KeyValuePair<string, JsonNode?> entry in obj.ToList())
                    {
                        Walk(entry.Value, values, depth + 1);
                    }
                }

                break;
            case JsonArray array when s.TryGetProperty("items", out JsonElement items):
                foreach (JsonNode? item in array)
                {
                    Walk(item, items, depth + 1);
                }

                break;
        }
    }
}
