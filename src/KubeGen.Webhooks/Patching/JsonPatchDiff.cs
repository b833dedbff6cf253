using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Webhooks.Patching;

/// <summary>
/// RFC 6902 JSON Patch from the difference of two JSON documents: <c>add</c>, <c>remove</c> and
/// <c>replace</c> operations that turn <c>before</c> into <c>after</c> when applied in order.
/// Objects are compared member by member (members in <c>before</c> order, then new ones in
/// <c>after</c> order); arrays keep their common prefix and suffix, edit the elements paired in the
/// middle in place, then add the extra new elements or remove the extra old ones, so inserting or
/// removing one list entry (a container, a toleration) is one operation, not a rewrite of the rest.
/// Path segments escape <c>~</c> as <c>~0</c> and <c>/</c> as <c>~1</c> (RFC 6901).
/// </summary>
public static class JsonPatchDiff
{
    /// <summary>The operations, as a JSON array (empty when the documents are equal).</summary>
    public static JsonArray Create(JsonNode? before, JsonNode? after)
    {
        var operations = new JsonArray();
        Diff(before, after, "", operations);
        return operations;
    }

    /// <summary>The patch as UTF-8 JSON (what an AdmissionResponse's <c>patch</c> carries), or null when the documents are equal.</summary>
    public static byte[]? CreateUtf8(JsonNode? before, JsonNode? after)
    {
        JsonArray operations = Create(before, after);
        if (operations.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            operations.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>One reference token of a JSON Pointer: <c>~</c> as <c>~0</c>, <c>/</c> as <c>~1</c>.</summary>
    public static string Escape(string token)
    {
        if (token.AsSpan().IndexOfAny('~', '/') < 0)
        {
            return token;
        }

        var escaped = new StringBuilder(token.Length + 4);
        foreach (char c in token)
        {
            _ = c switch
            {
                '~' => escaped.Append("~0"),
                '/' => escaped.Append("~1"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static void Diff(JsonNode? before, JsonNode? after, string path, JsonArray operations)
    {
        if (before is JsonObject oldObject && after is JsonObject newObject)
        {
            DiffObjects(oldObject, newObject, path, operations);
        }
        else if (before is JsonArray oldArray && after is JsonArray newArray)
        {
            DiffArrays(oldArray, newArray, path, operations);
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            operations.Add((JsonNode)Operation("replace", path, after));
        }
    }

    private static void DiffObjects(JsonObject before, JsonObject after, string path, JsonArray operations)
    {
        foreach ((string name, JsonNode? oldValue) in before)
        {
            string child = path + "/" + Escape(name);
            if (after.TryGetPropertyValue(name, out JsonNode? newValue))
            {
                Diff(oldValue, newValue, child, operations);
            }
            else
            {
                operations.Add((JsonNode)Operation("remove", child));
            }
        }

        foreach ((string name, JsonNode? newValue) in after)
        {
            if (!before.ContainsKey(name))
            {
                operations.Add((JsonNode)Operation("add", path + "/" + Escape(name), newValue));
            }
        }
    }

    private static void DiffArrays(JsonArray before, JsonArray after, string path, JsonArray operations)
    {
        int prefix = 0;
        int shorter = Math.Min(before.Count, after.Count);
        while (prefix < shorter && JsonNode.DeepEquals(before[prefix], after[prefix]))
        {
            prefix++;
        }

        int suffix = 0;
        while (suffix < shorter - prefix && JsonNode.DeepEquals(before[before.Count - 1 - suffix], after[after.Count - 1 - suffix]))
        {
            suffix++;
        }

        int oldMiddle = before.Count - prefix - suffix;
        int newMiddle = after.Count - prefix - suffix;
        int paired = Math.Min(oldMiddle, newMiddle);
        for (int i = prefix; i < prefix + paired; i++)
        {
            Diff(before[i], after[i], path + "/" + Index(i), operations);
        }

        // Extra new elements go in before the common suffix, in order; extra old ones go from the end of the middle back.
        for (int i = prefix + paired; i < prefix + newMiddle; i++)
        {
            operations.Add((JsonNode)Operation("add", path + "/" + Index(i), after[i]));
        }

        for (int i = prefix + oldMiddle - 1; i >= prefix + paired; i--)
        {
            operations.Add((JsonNode)Operation("remove", path + "/" + Index(i)));
        }
    }

    private static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Operation(string op, string path)
        => new() { ["op"] = op, ["path"] = path };

    private static JsonObject Operation(string op, string path, JsonNode? value)
        => new() { ["op"] = op, ["path"] = path, ["value"] = value?.DeepClone() };
}
