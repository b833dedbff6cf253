using System.Text.Json;

namespace KubeGen.FetchSpec;

/// <summary>
/// The names a spec document declares: its paths and its definitions (Swagger 2.0 <c>definitions</c>, OpenAPI 3
/// <c>components.schemas</c>). Two summaries give what a new fetch added and removed.
/// </summary>
internal sealed record SpecSummary(IReadOnlySet<string> Paths, IReadOnlySet<string> Definitions)
{
    public static readonly SpecSummary Empty = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>Reads a document; null when it is not JSON with a top-level <c>swagger</c> or <c>openapi</c> key.</summary>
    public static SpecSummary? Of(byte[] json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !(root.TryGetProperty("swagger", out _) || root.TryGetProperty("openapi", out _)))
            {
                return null;
            }

            JsonElement definitions = root.TryGetProperty("definitions", out JsonElement v2) ? v2
                : root.TryGetProperty("components", out JsonElement components) && components.TryGetProperty("schemas", out JsonElement v3) ? v3
                : default;
            return new SpecSummary(Names(root, "paths"), Names(definitions));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s names (the v3 documents of one fetch make one summary).</summary>
    public SpecSummary Union(SpecSummary other) => new(new HashSet<string>(Paths.Concat(other.Paths)), new HashSet<string>(Definitions.Concat(other.Definitions)));

    private static HashSet<string> Names(JsonElement parent, string property)
        => parent.TryGetProperty(property, out JsonElement element) ? Names(element) : [];

    private static HashSet<string> Names(JsonElement element)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                names.Add(property.Name);
            }
        }

        return names;
    }
}
