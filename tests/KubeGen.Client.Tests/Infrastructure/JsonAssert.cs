using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeGen.Client.Tests.Infrastructure;

/// <summary>Compares JSON documents by meaning (property order is irrelevant, numbers compare by value).</summary>
internal static class JsonAssert
{
    public static void Equivalent(string expected, string actual)
        => Equivalent(JsonNode.Parse(expected), JsonNode.Parse(actual));

    public static void Equivalent(JsonNode? expected, string actual)
        => Equivalent(expected, JsonNode.Parse(actual));

    public static void Equivalent(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail(
                "The JSON documents differ at " + FirstDifference(expected, actual, "$") + Environment.NewLine
                + "expected: " + (expected?.ToJsonString() ?? "null") + Environment.NewLine
                + "actual:   " + (actual?.ToJsonString() ?? "null"));
        }
    }

    /// <summary>A copy of <paramref name="json"/> without the properties whose value is JSON null, at any depth.</summary>
    public static JsonNode? WithoutNulls(string json) => WithoutNulls(JsonNode.Parse(json));

    public static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (KeyValuePair<string, JsonNode?> property in obj)
                {
                    if (property.Value is not null)
                    {
                        copy[property.Key] = WithoutNulls(property.Value);
                    }
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (JsonNode? item in array)
                {
                    items.Add(WithoutNulls(item));
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Parses a string that must be a JSON object.</summary>
    public static JsonObject Object(string json) => Assert.IsType<JsonObject>(JsonNode.Parse(json));

    private static string FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (KeyValuePair<string, JsonNode?> property in e)
                {
                    if (!a.TryGetPropertyValue(property.Key, out JsonNode? other))
                    {
                        return $"{path}.{property.Key} (missing from actual)";
                    }

                    if (!JsonNode.DeepEquals(property.Value, other))
                    {
                        return FirstDifference(property.Value, other, $"{path}.{property.Key}");
                    }
                }

                foreach (KeyValuePair<string, JsonNode?> property in a)
                {
                    if (!e.ContainsKey(property.Key))
                    {
                        return $"{path}.{property.Key} (not expected, actual {property.Value?.ToJsonString() ?? "null"})";
                    }
                }

                return path;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path} (expected {e.Count} items, actual {a.Count})";
                }

                for (int i = 0; i < e.Count; i++)
                {
                    if (!JsonNode.DeepEquals(e[i], a[i]))
                    {
                        return FirstDifference(e[i], a[i], $"{path}[{i}]");
                    }
                }

                return path;
            default:
                return $"{path} (expected {expected?.ToJsonString() ?? "null"}, actual {actual?.ToJsonString() ?? "null"})";
        }
    }

    /// <summary>The element's JSON text, for comparing preserved raw JSON.</summary>
    public static string Raw(JsonElement element) => element.GetRawText();
}
