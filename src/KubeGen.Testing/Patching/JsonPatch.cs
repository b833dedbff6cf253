using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Patching;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test).</summary>
internal static class JsonPatch
{
    /// <exception cref="PatchException">An operation cannot be applied (bad path, failed test).</exception>
    /// <exception cref="FormatException">The patch document is not an array of operations.</exception>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new FormatException("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        JsonNode? document = target?.DeepClone();
        foreach (JsonNode? operationNode in operations)
        {
            if (operationNode is not JsonObject operation)
            {
                throw new FormatException("json: cannot unmarshal into Go value of type jsonpatch.Operation");
            }

            string op = Str(operation, "op") ?? throw new PatchException("Unexpected kind: unknown");
            string path = Str(operation, "path") ?? throw new PatchException($"missing path for operation \"{op}\"");
            switch (op)
            {
                case "add":
                    document = Add(document, path, Value(operation, op));
                    break;
                case "remove":
                    document = Remove(document, path, out _);
                    break;
                case "replace":
                    Get(document, path); // must exist
                    document = Remove(document, path, out _);
                    document = Add(document, path, Value(operation, op));
                    break;
                case "move":
                {
                    string from = Str(operation, "from") ?? throw new PatchException("missing from for move");
                    document = Remove(document, from, out JsonNode? moved);
                    document = Add(document, path, moved);
                    break;
                }

                case "copy":
                {
                    string from = Str(operation, "from") ?? throw new PatchException("missing from for copy");
                    document = Add(document, path, Get(document, from)?.DeepClone());
                    break;
                }

                case "test":
                {
                    JsonNode? actual = Get(document, path);
                    if (!JsonNode.DeepEquals(actual, Value(operation, op)))
                    {
                        throw new PatchException($"testing value {path} failed: test failed");
                    }

                    break;
                }

                default:
                    throw new PatchException($"Unexpected kind: {op}");
            }
        }

        return document;
    }

    private static string? Str(JsonObject o, string name) => o.TryGetPropertyValue(name, out JsonNode? n) && n is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static JsonNode? Value(JsonObject operation, string op)
        => operation.TryGetPropertyValue("value", out JsonNode? value) ? value?.DeepClone() : throw new PatchException($"missing value for operation \"{op}\"");

    private static List<string> Split(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw new PatchException($"JSON pointer must be empty or start with a \"/\": {path}");
        }

        return path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Get(JsonNode? document, string path)
    {
        JsonNode? node = document;
        foreach (string part in Split(path))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(part, out JsonNode? child) => child,
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < a.Count => a[i],
                _ => throw new PatchException($"doc is missing path: \"{path}\": missing value"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? document, string path, JsonNode? value)
    {
        List<string> parts = Split(path);
        if (parts.Count == 0)
        {
            return value;
        }

        JsonNode? parent = Get(document, Parent(parts));
        string last = parts[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i <= a.Count)
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw new PatchException($"add operation does not apply: doc is missing path: \"{path}\": missing value");
                }

                break;
            default:
                throw new PatchException($"add operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return document;
    }

    private static JsonNode? Remove(JsonNode? document, string path, out JsonNode? removed)
    {
        List<string> parts = Split(path);
        if (parts.Count == 0)
        {
            removed = document;
            return null;
        }

        JsonNode? parent = Get(document, Parent(parts));
        string last = parts[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out JsonNode? child):
                o.Remove(last);
                removed = child;
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw new PatchException($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }

        return document;
    }

    /// <summary>The pointer of the parent of <paramref name="parts"/>: the whole document (empty) for a top-level member.</summary>
    private static string Parent(List<string> parts)
        => parts.Count == 1 ? "" : "/" + string.Join('/', parts.Take(parts.Count - 1).Select(Escape));

    private static string Escape(string part) => part.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

/// <summary>A patch that is well-formed but cannot be applied to the object.</summary>
internal sealed class PatchException(string message) : Exception(message);
