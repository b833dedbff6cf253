using System.Text.Json;
using System.Text.Json.Nodes;
using KubeGen.Testing.Spec;

namespace KubeGen.Testing.Patching;

/// <summary>
/// Strategic merge patch driven by the spec's <c>x-kubernetes-patch-merge-key</c> and
/// <c>x-kubernetes-patch-strategy</c>: lists with strategy <c>merge</c> are merged element by
/// element (by merge key, or as a set for scalars); other lists are replaced; maps and structs
/// merge like a JSON merge patch. Directives: <c>$patch: replace|delete|merge</c>,
/// <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/…</c>, <c>$setElementOrder/…</c> (order ignored).
/// </summary>
internal sealed class StrategicMergePatch(SchemaIndex schemas)
{
    public JsonObject Apply(JsonObject original, JsonObject patch, JsonElement? schema)
    {
        JsonObject target = original.DeepClone().AsObject();
        return MergeObject(target, patch, schema) ?? new JsonObject();
    }

    private JsonObject? MergeObject(JsonObject target, JsonObject patch, JsonElement? schema)
    {
        string? directive = patch.TryGetPropertyValue("$patch", out JsonNode? d) && d is JsonValue dv && dv.TryGetValue(out string? ds) ? ds : null;
        switch (directive)
        {
            case "delete":
                return null;
            case "replace":
                return Strip(patch).AsObject();
            case null or "merge":
                break;
            default:
                throw new PatchException($"Unknown patch type: {directive}");
        }

        foreach (KeyValuePair<string, JsonNode?> entry in patch.ToList())
        {
            string key = entry.Key;
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                string listKey = key["$deleteFromPrimitiveList/".Length..];
                if (target[listKey] is JsonArray existing && entry.Value is JsonArray remove)
                {
                    foreach (JsonNode? item in existing.ToList())
                    {
                        if (remove.Any(r => JsonNode.DeepEquals(r, item)))
                        {
                            existing.Remove(item);
                        }
                    }
                }

                continue;
            }

            if (entry.Value is null)
            {
                target.Remove(key);
                continue;
            }

            JsonElement? propertySchema = schemas.Property(schema, key);
            JsonNode? current = target.TryGetPropertyValue(key, out JsonNode? c) ? c : null;
            switch (entry.Value)
            {
                case JsonObject patchObject:
                    if (current is JsonObject currentObject)
                    {
                        JsonObject? merged = MergeObject(currentObject, patchObject, propertySchema);
                        if (merged is null)
                        {
                            target.Remove(key);
                        }
                        else if (!ReferenceEquals(merged, currentObject))
                        {
                            target[key] = merged;
                        }
                    }
                    else if (IsDelete(patchObject))
                    {
                        target.Remove(key);
                    }
                    else
                    {
                        target[key] = Strip(patchObject);
                    }

                    break;
                case JsonArray patchArray:
                    ListMergeInfo info = schemas.ListInfo(propertySchema);
                    if (current is JsonArray currentArray && info.MergeStrategy)
                    {
                        target[key] = MergeList(currentArray, patchArray, info, schemas.Items(propertySchema));
                    }
                    else
                    {
                        target[key] = StripList(patchArray);
                    }

                    break;
                default:
                    target[key] = entry.Value.DeepClone();
                    break;
            }
        }

        if (patch.TryGetPropertyValue("$retainKeys", out JsonNode? retain) && retain is JsonArray retainKeys)
        {
            var keep = new HashSet<string>(retainKeys.Select(k => k?.GetValue<string>() ?? ""), StringComparer.Ordinal);
            foreach (string existingKey in target.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(existingKey))
                {
                    target.Remove(existingKey);
                }
            }
        }

        return target;
    }

    private JsonArray MergeList(JsonArray current, JsonArray patch, ListMergeInfo info, JsonElement? itemSchema)
    {
        if (patch.Any(p => p is JsonObject o && o.Count == 1 && IsDirective(o, "replace")))
        {
            return StripList(new JsonArray(patch.Where(p => !(p is JsonObject o && o.Count == 1 && IsDirective(o, "replace"))).Select(p => p?.DeepClone()).ToArray()));
        }

        var result = new JsonArray(current.Select(n => n?.DeepClone()).ToArray());
        string? mergeKey = info.MergeKey;
        foreach (JsonNode? item in patch)
        {
            if (mergeKey is not null && item is JsonObject patchItem)
            {
                JsonNode? keyValue = patchItem.TryGetPropertyValue(mergeKey, out JsonNode? kv) ? kv : null;
                int index = -1;
                for (int i = 0; i < result.Count; i++)
                {
                    if (result[i] is JsonObject candidate && candidate.TryGetPropertyValue(mergeKey, out JsonNode? ck) && JsonNode.DeepEquals(ck, keyValue))
                    {
                        index = i;
                        break;
                    }
                }

                if (IsDelete(patchItem))
                {
                    if (index >= 0)
                    {
                        result.RemoveAt(index);
                    }

                    continue;
                }

                if (index >= 0)
                {
                    JsonObject existing = result[index]!.AsObject();
                    JsonObject? merged = MergeObject(existing, patchItem, itemSchema);
                    if (merged is null)
                    {
                        result.RemoveAt(index);
                    }
                    else if (!ReferenceEquals(merged, existing))
                    {
                        result[index] = merged;
                    }
                }
                else
                {
                    result.Add(Strip(patchItem));
                }
            }
            else if (!result.Any(r => JsonNode.DeepEquals(r, item)))
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }

    private static bool IsDelete(JsonObject o) => IsDirective(o, "delete");

    private static bool IsDirective(JsonObject o, string value)
        => o.TryGetPropertyValue("$patch", out JsonNode? d) && d is JsonValue v && v.TryGetValue(out string? s) && s == value;

    /// <summary>Copies a patch fragment without its directives.</summary>
    private static JsonNode Strip(JsonObject patch)
    {
        var result = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> entry in patch)
        {
            if (entry.Key.StartsWith('$'))
            {
                continue;
            }

            result[entry.Key] = entry.Value switch
            {
                JsonObject o => Strip(o),
                JsonArray a => StripList(a),
                null => null,
                _ => entry.Value.DeepClone(),
            };
        }

        return result;
    }

    private static JsonArray StripList(JsonArray patch)
    {
        var result = new JsonArray();
        foreach (JsonNode? item in patch)
        {
            result.Add(item switch
            {
                JsonObject o when IsDelete(o) => null,
                JsonObject o => Strip(o),
                JsonArray a => StripList(a),
                null => null,
                _ => item.DeepClone(),
            });
        }

        for (int i = result.Count - 1; i >= 0; i--)
        {
            if (result[i] is null && patch[i] is JsonObject)
            {
                result.RemoveAt(i);
            }
        }

        return result;
    }
}
