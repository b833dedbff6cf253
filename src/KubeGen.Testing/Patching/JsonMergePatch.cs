using System.Text.Json.Nodes;

namespace KubeGen.Testing.Patching;

/// <summary>RFC 7386 JSON merge patch.</summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        JsonObject result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> entry in patchObject)
        {
            if (entry.Value is null)
            {
                result.Remove(entry.Key);
            }
            else
            {
                JsonNode? existing = result.TryGetPropertyValue(entry.Key, out JsonNode? e) ? e : null;
                JsonNode? merged = Apply(existing, entry.Value);
                result[entry.Key] = merged;
            }
        }

        return result;
    }
}
