using System.Text.Json.Nodes;

namespace KubeGen.Testing.Conversion;

/// <summary>
/// The building blocks of defaulting functions, with Go's notion of "unset": a pointer field is
/// unset when absent or null, a string field also when empty, a number also when zero (a
/// non-pointer field cannot tell zero from absent). Each default names which kind it is.
/// </summary>
internal static class Defaulting
{
    /// <summary>The object under <paramref name="key"/>, created when absent (a Go struct field is never nil).</summary>
    public static JsonObject Child(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject child)
        {
            return child;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>Sets a pointer field (<c>*int32</c>, <c>*bool</c>, <c>*string</c>, a struct pointer) that is absent or null.</summary>
    public static void Pointer(JsonObject obj, string key, JsonNode value)
    {
        if (obj[key] is null)
        {
            obj[key] = value;
        }
    }

    /// <summary>Sets a string field that is absent, null or empty.</summary>
    public static void String(JsonObject obj, string key, string value)
    {
        if (obj[key] is null || (obj[key] is JsonValue v && v.TryGetValue(out string? s) && s.Length == 0))
        {
            obj[key] = value;
        }
    }

    /// <summary>Sets a non-pointer number field that is absent, null or zero.</summary>
    public static void Number(JsonObject obj, string key, long value)
    {
        if (!Serialization.JsonNodes.TryGetInt64(obj[key], out long current) || current == 0)
        {
            obj[key] = value;
        }
    }

    /// <summary>A string field's value, or empty.</summary>
    public static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : "";

    /// <summary>The objects of an array field (none when absent).</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? array) => array is JsonArray a ? a.OfType<JsonObject>() : [];
}
