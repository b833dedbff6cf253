using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeGen.Runtime;

/// <summary>
/// A YAML node as JSON text: what an exec plugin receives as <c>spec.cluster.config</c> (the cluster's
/// <c>client.authentication.k8s.io/exec</c> extension). Plain scalars that YAML 1.2's core schema reads as
/// booleans, null or numbers stay so; everything else is a string.
/// </summary>
internal static class YamlJson
{
    public static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter json, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                json.WriteStartObject();
                foreach ((YamlNode key, YamlNode value) in mapping.Children)
                {
                    json.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : key.ToString());
                    Write(json, value);
                }

                json.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                json.WriteStartArray();
                foreach (YamlNode item in sequence.Children)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: var plain }:
                WritePlain(json, plain);
                break;
            case YamlScalarNode scalar:
                json.WriteStringValue(scalar.Value);
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }

    private static void WritePlain(Utf8JsonWriter json, string? value)
    {
        switch (value)
        {
            case null or "" or "~" or "null" or "Null" or "NULL":
                json.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                json.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                json.WriteBooleanValue(false);
                return;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            json.WriteNumberValue(integer);
        }
        else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            json.WriteNumberValue(number);
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
