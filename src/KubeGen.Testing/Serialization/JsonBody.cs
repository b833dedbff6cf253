using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Serialization;

/// <summary>
/// Parses a JSON request body the way Go's decoder reads it: a key given twice keeps its last value
/// (System.Text.Json's <see cref="JsonObject"/> would throw), and every such key is reported by its
/// path (<c>metadata.name</c>, <c>spec.containers[0].name</c>) for field validation's
/// <c>duplicate field</c>.
/// </summary>
internal static class JsonBody
{
    private const int MaxDepth = 1000;

    /// <exception cref="JsonException">Not JSON.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, List<string> duplicates)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of JSON input");
        }

        JsonNode? node = Value(ref reader, "", duplicates);
        if (reader.Read())
        {
            throw new JsonException($"invalid character after top-level value at byte {reader.TokenStartIndex}");
        }

        return node;
    }

    private static JsonNode? Value(ref Utf8JsonReader reader, string path, List<string> duplicates)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString()!;
                    string child = path.Length == 0 ? name : path + "." + name;
                    reader.Read();
                    JsonNode? value = Value(ref reader, child, duplicates);
                    if (obj.ContainsKey(name))
                    {
                        duplicates.Add(child);
                        obj.Remove(name);
                    }

                    obj[name] = value;
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Value(ref reader, $"{path}[{array.Count}]", duplicates));
                }

                return array;
            case JsonTokenType.Null:
                return null;
            default:
                // Strings, numbers and booleans keep their JSON text, as JsonNode.Parse does.
                return JsonNode.Parse(ref reader);
        }
    }
}
