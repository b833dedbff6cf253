using System.Text;
using System.Text.Json.Nodes;

namespace KubeGen.Testing.Serialization;

/// <summary>
/// The JSONPath subset CRDs use in <c>additionalPrinterColumns</c> and the scale subresource's
/// paths: <c>.a.b</c>, <c>.a[0]</c>, <c>.a['dotted.key']</c>, and the filter printer columns use for
/// conditions, <c>.status.conditions[?(@.type=="Ready")].status</c>. The first match is the value,
/// as kube-apiserver's table convertor takes <c>results[0][0]</c>.
/// </summary>
internal static class SimpleJsonPath
{
    public static JsonNode? Get(JsonNode? root, string path)
    {
        JsonNode? current = root;
        foreach (Step step in Parse(path))
        {
            current = step switch
            {
                Step.Field field => current is JsonObject o ? o[field.Name] : null,
                Step.Index index => current is JsonArray a && index.Position >= 0 && index.Position < a.Count ? a[index.Position] : null,
                Step.Filter filter => current is JsonArray a ? a.FirstOrDefault(item => item is JsonObject o && o[filter.Key] is JsonValue v && v.ToString() == filter.Value) : null,
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Sets a value at a path of plain fields (the scale subresource's <c>specReplicasPath</c>), creating objects on the way.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        List<Step> steps = Parse(path);
        JsonObject current = root;
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not Step.Field field)
            {
                return;
            }

            if (i == steps.Count - 1)
            {
                current[field.Name] = value;
                return;
            }

            if (current[field.Name] is not JsonObject next)
            {
                next = new JsonObject();
                current[field.Name] = next;
            }

            current = next;
        }
    }

    private abstract record Step
    {
        public sealed record Field(string Name) : Step;

        public sealed record Index(int Position) : Step;

        public sealed record Filter(string Key, string Value) : Step;
    }

    private static List<Step> Parse(string path)
    {
        var steps = new List<Step>();
        string text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '.')
            {
                i++;
                var name = new StringBuilder();
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    name.Append(text[i++]);
                }

                if (name.Length > 0)
                {
                    steps.Add(new Step.Field(name.ToString()));
                }
            }
            else if (c == '[')
            {
                int end = text.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }

                string inner = text[(i + 1)..end].Trim();
                i = end + 1;
                if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')') && inner.Contains("==", StringComparison.Ordinal))
                {
                    string[] parts = inner[4..^1].Split("==", 2);
                    steps.Add(new Step.Filter(parts[0].Trim(), parts[1].Trim().Trim('"', '\'')));
                }
                else if (inner.Length > 1 && inner[0] is '\'' or '"')
                {
                    steps.Add(new Step.Field(inner[1..^1]));
                }
                else if (int.TryParse(inner, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int index))
                {
                    steps.Add(new Step.Index(index));
                }
            }
            else
            {
                // A path without a leading dot ("spec.replicas") reads the same.
                var name = new StringBuilder();
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    name.Append(text[i++]);
                }

                steps.Add(new Step.Field(name.ToString()));
            }
        }

        return steps;
    }
}
