using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeGen.Testing.Serialization;

/// <summary>
/// Converts YAML to JSON the way the API server (sigs.k8s.io/yaml over go-yaml v2) does: plain
/// scalars are resolved to null, booleans (YAML 1.1 spellings), integers and floats; quoted,
/// block and explicitly <c>!!str</c>-tagged scalars stay strings. Map keys are always strings.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>Parses every document of a YAML stream; empty documents are skipped.</summary>
    /// <exception cref="FormatException">The text is not valid YAML (message carries line and column).</exception>
    public static List<JsonNode> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}", e);
        }

        var result = new List<JsonNode>();
        foreach (YamlDocument document in stream.Documents)
        {
            JsonNode? node = Convert(document.RootNode, 0);
            if (node is not null)
            {
                result.Add(node);
            }
        }

        return result;
    }

    /// <summary>Parses a single-document YAML (or JSON) text into one JSON node.</summary>
    /// <exception cref="FormatException">Invalid YAML, or more than one document.</exception>
    public static JsonNode? ParseSingle(string text)
    {
        List<JsonNode> documents = ParseDocuments(text);
        return documents.Count switch
        {
            0 => null,
            1 => documents[0],
            _ => throw new FormatException("error converting YAML to JSON: expected a single YAML document"),
        };
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 200)
        {
            throw new FormatException("error converting YAML to JSON: nesting too deep");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (KeyValuePair<YamlNode, YamlNode> entry in mapping.Children)
                {
                    string key = entry.Key is YamlScalarNode scalarKey
                        ? scalarKey.Value ?? ""
                        : throw new FormatException("error converting YAML to JSON: only scalar map keys are supported");
                    if (key == "<<" && entry.Key is YamlScalarNode { Style: ScalarStyle.Plain } && entry.Value is YamlMappingNode merged)
                    {
                        // YAML merge key: copy entries not already present.
                        if (Convert(merged, depth + 1) is JsonObject mergedObject)
                        {
                            foreach (KeyValuePair<string, JsonNode?> m in mergedObject.ToList())
                            {
                                if (!obj.ContainsKey(m.Key))
                                {
                                    obj[m.Key] = m.Value?.DeepClone();
                                }
                            }
                        }

                        continue;
                    }

                    obj[key] = Convert(entry.Value, depth + 1);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (YamlNode child in sequence.Children)
                {
                    array.Add(Convert(child, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                throw new FormatException("error converting YAML to JSON: unsupported YAML node");
        }
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? "";
        string tag = scalar.Tag.IsEmpty ? "" : scalar.Tag.Value;
        switch (tag)
        {
            case "tag:yaml.org,2002:str":
            case "tag:yaml.org,2002:binary":
                return JsonValue.Create(value);
            case "tag:yaml.org,2002:null":
                return null;
            case "tag:yaml.org,2002:bool":
                return ResolveBool(value) is bool b ? JsonValue.Create(b) : throw new FormatException($"error converting YAML to JSON: cannot decode !!bool `{value}`");
            case "tag:yaml.org,2002:int":
            case "tag:yaml.org,2002:float":
                return ResolveNumber(value) ?? throw new FormatException($"error converting YAML to JSON: cannot decode number `{value}`");
        }

        if (scalar.Style != ScalarStyle.Plain && scalar.Style != ScalarStyle.Any)
        {
            return JsonValue.Create(value);
        }

        return Resolve(value);
    }

    /// <summary>Resolves a plain scalar (YAML 1.1 core types as go-yaml v2 does).</summary>
    internal static JsonNode? Resolve(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
        }

        if (ResolveBool(value) is bool b)
        {
            return JsonValue.Create(b);
        }

        return ResolveNumber(value) ?? JsonValue.Create(value);
    }

    private static bool? ResolveBool(string value) => value switch
    {
        "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON" => true,
        "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF" => false,
        _ => null,
    };

    private static JsonNode? ResolveNumber(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        char first = value[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return null;
        }

        string plain = value.Replace("_", "", StringComparison.Ordinal);
        if (IntegerPattern().IsMatch(plain))
        {
            if (long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return JsonValue.Create(l);
            }

            if (ulong.TryParse(plain.TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out ulong ul))
            {
                return JsonValue.Create(ul);
            }
        }

        Match prefixed = PrefixedIntegerPattern().Match(plain);
        if (prefixed.Success)
        {
            bool negative = prefixed.Groups["sign"].Value == "-";
            string digits = prefixed.Groups["digits"].Value;
            int radix = prefixed.Groups["radix"].Value.ToUpperInvariant() switch
            {
                "0X" => 16,
                "0B" => 2,
                _ => 8,
            };
            try
            {
                long parsed = System.Convert.ToInt64(digits, radix);
                return JsonValue.Create(negative ? -parsed : parsed);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                // fall through to float
            }
        }

        if (FloatPattern().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return null;
    }

    [GeneratedRegex("^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^(?<sign>[-+]?)(?<radix>0[xX]|0[bB]|0[oO]?)(?<digits>[0-9a-fA-F]+)$")]
    private static partial Regex PrefixedIntegerPattern();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
