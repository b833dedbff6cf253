using System.Collections.Concurrent;
using System.Text.Json;

namespace KubeGen.Testing.Spec;

/// <summary>How a list property merges, from <c>x-kubernetes-patch-*</c> and <c>x-kubernetes-list-*</c>.</summary>
internal readonly record struct ListMergeInfo(string? MergeKey, bool MergeStrategy, bool RetainKeys, string? ListType, IReadOnlyList<string> MapKeys)
{
    public static readonly ListMergeInfo Atomic = new(null, false, false, null, []);

    /// <summary>Keys that identify a list element for merging (patch merge key first, then list-map keys).</summary>
    public IReadOnlyList<string> Keys => MergeKey is not null ? [MergeKey] : ListType == "map" ? MapKeys : [];

    /// <summary>True for lists of objects merged element by element.</summary>
    public bool IsAssociative => (MergeStrategy && MergeKey is not null) || (ListType == "map" && MapKeys.Count > 0);

    /// <summary>True for lists of scalars merged as sets.</summary>
    public bool IsSet => (MergeStrategy && MergeKey is null) || ListType == "set";
}

/// <summary>Resolves definitions and walks schemas for patch metadata.</summary>
internal sealed class SchemaIndex
{
    // Read by every request while CRDs add and remove definitions.
    private readonly ConcurrentDictionary<string, JsonElement> _definitions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string, string), string> _byGvk = [];

    public void AddDefinitions(JsonElement definitions)
    {
        foreach (JsonProperty definition in definitions.EnumerateObject())
        {
            if (!_definitions.TryAdd(definition.Name, definition.Value))
            {
                continue;
            }

            if (definition.Value.TryGetProperty("x-kubernetes-group-version-kind", out JsonElement gvks) && gvks.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement gvk in gvks.EnumerateArray())
                {
                    string group = gvk.TryGetProperty("group", out JsonElement g) ? g.GetString() ?? "" : "";
                    string version = gvk.TryGetProperty("version", out JsonElement v) ? v.GetString() ?? "" : "";
                    string kind = gvk.TryGetProperty("kind", out JsonElement k) ? k.GetString() ?? "" : "";
                    _byGvk.TryAdd((group, version, kind), definition.Name);
                }
            }
        }
    }

    /// <summary>Adds or replaces a definition served from a CRD (its structural schema).</summary>
    public void SetDefinition(string name, JsonElement schema) => _definitions[name] = schema;

    public void RemoveDefinition(string name) => _definitions.TryRemove(name, out _);

    public string? FindDefinition(string group, string version, string kind)
        => _byGvk.GetValueOrDefault((group, version, kind));

    public JsonElement? Definition(string? name)
        => name is not null && _definitions.TryGetValue(name, out JsonElement schema) ? schema : null;

    /// <summary>Follows <c>$ref</c> (and the OpenAPI 3 <c>allOf: [{$ref}]</c> wrapper) to the schema it names.</summary>
    public JsonElement? Resolve(JsonElement? schema)
    {
        for (int i = 0; i < 16 && schema is { } s; i++)
        {
            if (s.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (s.TryGetProperty("$ref", out JsonElement reference) && reference.GetString() is string r)
            {
                int slash = r.LastIndexOf('/');
                schema = Definition(r[(slash + 1)..]);
                continue;
            }

            if (s.TryGetProperty("allOf", out JsonElement allOf) && allOf.ValueKind == JsonValueKind.Array && allOf.GetArrayLength() == 1 && !s.TryGetProperty("properties", out _))
            {
                schema = allOf[0];
                continue;
            }

            return s;
        }

        return schema;
    }

    /// <summary>The (unresolved) schema of a property, or null.</summary>
    public JsonElement? Property(JsonElement? schema, string name)
    {
        JsonElement? resolved = Resolve(schema);
        if (resolved is { } s && s.TryGetProperty("properties", out JsonElement properties) && properties.TryGetProperty(name, out JsonElement property))
        {
            return property;
        }

        if (resolved is { } m && m.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.Object)
        {
            return additional;
        }

        return null;
    }

    /// <summary>The schema of a list's items, or null.</summary>
    public JsonElement? Items(JsonElement? schema)
    {
        JsonElement? resolved = Resolve(schema);
        return resolved is { } s && s.TryGetProperty("items", out JsonElement items) ? items : null;
    }

    /// <summary>The merge metadata of a list-valued property schema (read on the property, before resolving).</summary>
    public ListMergeInfo ListInfo(JsonElement? propertySchema)
    {
        if (propertySchema is not { ValueKind: JsonValueKind.Object } p)
        {
            return ListMergeInfo.Atomic;
        }

        string? mergeKey = p.TryGetProperty("x-kubernetes-patch-merge-key", out JsonElement k) ? k.GetString() : null;
        string strategy = p.TryGetProperty("x-kubernetes-patch-strategy", out JsonElement st) ? st.GetString() ?? "" : "";
        string? listType = p.TryGetProperty("x-kubernetes-list-type", out JsonElement lt) ? lt.GetString() : null;
        var mapKeys = new List<string>();
        if (p.TryGetProperty("x-kubernetes-list-map-keys", out JsonElement keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement key in keys.EnumerateArray())
            {
                if (key.GetString() is string s)
                {
                    mapKeys.Add(s);
                }
            }
        }

        string[] strategies = strategy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ListMergeInfo(mergeKey, strategies.Contains("merge"), strategies.Contains("retainKeys"), listType, mapKeys);
    }
}
