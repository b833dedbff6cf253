using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Webhooks.Manifests;

/// <summary>
/// Writes JSON documents as block-style YAML, the way <c>kubectl get -o yaml</c> lays them out (list
/// items at their key's indentation). Strings stay plain only when YAML cannot read them as anything
/// else; all others are double-quoted with JSON escapes, which YAML reads the same way.
/// </summary>
internal static class YamlWriter
{
    public static string Write(IEnumerable<JsonObject> documents)
    {
        var text = new StringBuilder();
        foreach (JsonObject document in documents)
        {
            text.Append("---\n");
            WriteObject(text, document, 0);
        }

        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, JsonObject obj, int indent, bool firstInline = false)
    {
        bool first = true;
        foreach ((string key, JsonNode? value) in obj)
        {
            if (!(first && firstInline))
            {
                text.Append(' ', indent);
            }

            first = false;
            text.Append(Scalar(key)).Append(':');
            WriteValue(text, value, indent, isListItem: false);
        }
    }

    /// <summary>Writes what follows <c>key:</c> or <c>-</c>.</summary>
    private static void WriteValue(StringBuilder text, JsonNode? value, int indent, bool isListItem)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                text.Append(" {}\n");
                break;
            case JsonArray { Count: 0 }:
                text.Append(" []\n");
                break;
            case JsonObject child when isListItem:
                text.Append(' ');
                WriteObject(text, child, indent + 2, firstInline: true);
                break;
            case JsonObject child:
                text.Append('\n');
                WriteObject(text, child, indent + 2);
                break;
            case JsonArray items:
                text.Append('\n');
                foreach (JsonNode? item in items)
                {
                    int itemIndent = isListItem ? indent + 2 : indent;
                    text.Append(' ', itemIndent).Append('-');
                    WriteValue(text, item, itemIndent, isListItem: true);
                }

                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Scalar(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    private static string Scalar(string text) => IsPlain(text) ? text : JsonSerializer.Serialize(text, ManifestJsonContext.Default.String);

    /// <summary>Letters, digits and <c>-_./</c>, starting with a letter or <c>/</c>, and not a word YAML reads as a bool or null.</summary>
    private static bool IsPlain(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '/'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                return false;
            }
        }

        string lower = text.ToLower(CultureInfo.InvariantCulture);
        return lower is not ("true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null");
    }
}

/// <summary>The JSON metadata the manifest writers use (a string), reflection-free.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ManifestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
