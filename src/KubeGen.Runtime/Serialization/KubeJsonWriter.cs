using System.ComponentModel;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>Value writers the generated JSON converters call.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KubeJsonWriter
{
    /// <summary>Writes fields kept from a read (see <see cref="KubeJsonReader.AddUnknown"/>) back in their original form.</summary>
    public static void WriteUnknown(Utf8JsonWriter writer, IDictionary<string, JsonElement>? data)
    {
        if (data is null)
        {
            return;
        }

        foreach (var pair in data)
        {
            writer.WritePropertyName(pair.Key);
            pair.Value.WriteTo(writer);
        }
    }

    /// <summary>Writes <c>"name":["a","b"]</c>; nothing when <paramref name="values"/> is null.</summary>
    internal static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
