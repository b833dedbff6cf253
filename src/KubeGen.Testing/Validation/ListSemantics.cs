using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Http;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Validation;

/// <summary>
/// The uniqueness rules of <c>x-kubernetes-list-type</c> in a structural schema
/// (apiextensions' <c>ValidateListSetsAndMaps</c>): the items of a <c>set</c> are unique, and the
/// items of a <c>map</c> are unique by their <c>x-kubernetes-list-map-keys</c>. A repeat is a
/// <c>Duplicate value</c> at its index, showing the item (set) or its keys (map), as Go prints them:
/// <c>spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}</c>.
/// </summary>
internal sealed class ListSemantics(SchemaIndex schemas)
{
    private const int MaxDepth = 64;

    public void Validate(JsonNode? value, JsonElement? schema, string path, List<FieldCause> causes)
        => Walk(value, schema, path, causes, 0);

    private void Walk(JsonNode? value, JsonElement? schema, string path, List<FieldCause> causes, int depth)
    {
        if (depth > MaxDepth || value is null || schemas.Resolve(schema) is not { ValueKind: JsonValueKind.Object } s)
        {
            return;
        }

        switch (value)
        {
            case JsonArray array:
                CheckUnique(array, schemas.ListInfo(s), path, causes);
                JsonElement? items = s.TryGetProperty("items", out JsonElement i) ? i : null;
                for (int index = 0; index < array.Count; index++)
                {
                    Walk(array[index], items, FieldErrors.Index(path, index), causes, depth + 1);
                }

                break;
            case JsonObject obj:
                foreach (KeyValuePair<string, JsonNode?> entry in obj)
                {
                    if (path.Length == 0 && entry.Key == "metadata")
                    {
                        continue;
                    }

                    Walk(entry.Value, schemas.Property(s, entry.Key), FieldErrors.Child(path, entry.Key), causes, depth + 1);
                }

                break;
        }
    }

    private static void CheckUnique(JsonArray array, ListMergeInfo list, string path, List<FieldCause> causes)
    {
        if (list.ListType == "set")
        {
            for (int i = 1; i < array.Count; i++)
            {
                if (Enumerable.Range(0, i).Any(j => JsonNode.DeepEquals(array[j], array[i])))
                {
                    causes.Add(FieldErrors.Duplicate(FieldErrors.Index(path, i), array[i]));
                }
            }
        }
        else if (list.ListType == "map" && list.MapKeys.Count > 0)
        {
            var seen = new List<JsonObject>();
            for (int i = 0; i < array.Count; i++)
            {
                if (array[i] is not JsonObject item)
                {
                    continue;
                }

                var keys = new JsonObject();
                foreach (string key in list.MapKeys)
                {
                    if (item[key] is JsonNode k)
                    {
                        keys[key] = k.DeepClone();
                    }
                }

                if (seen.Any(k => JsonNode.DeepEquals(k, keys)))
                {
                    causes.Add(FieldErrors.Duplicate(FieldErrors.Index(path, i), keys));
                }
                else
                {
                    seen.Add(keys);
                }
            }
        }
    }
}
