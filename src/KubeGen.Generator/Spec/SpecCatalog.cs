using System;
using System.Collections.Generic;
using System.Linq;
using System.Collections.Immutable;
using System.Text.Json;
using KubeGen.Generator.Diagnostics;

namespace KubeGen.Generator.Spec;

internal enum SpecFormat
{
    Swagger2,
    OpenApi3,
}

/// <summary>
/// One spec file, parsed once per content: its JSON tree and an index of the resource operations
/// it serves. Definitions are not converted here; only the ones a selection reaches are, later.
/// Equality is by path and content hash: the catalog is a pure function of the text, so two
/// catalogs with the same hash are interchangeable and the pipeline can cache on that.
/// </summary>
internal sealed class SpecCatalog : IEquatable<SpecCatalog>
{
    public SpecCatalog(
        string path,
        string contentHash,
        SpecFormat format,
        JsonElement root,
        ImmutableArray<CatalogResource> resources,
        ImmutableArray<DiagnosticInfo> diagnostics)
    {
        Path = path;
        ContentHash = contentHash;
        Format = format;
        Root = root;
        Resources = resources;
        Diagnostics = diagnostics;
        IsValid = true;
    }

    private SpecCatalog(string path, string contentHash, DiagnosticInfo failure)
    {
        Path = path;
        ContentHash = contentHash;
        Resources = ImmutableArray<CatalogResource>.Empty;
        Diagnostics = ImmutableArray.Create(failure);
    }

    public string Path { get; }

    public string ContentHash { get; }

    public bool IsValid { get; }

    public SpecFormat Format { get; }

    public JsonElement Root { get; }

    public ImmutableArray<CatalogResource> Resources { get; }

    public ImmutableArray<DiagnosticInfo> Diagnostics { get; }

    public static SpecCatalog Failed(string path, string contentHash, DiagnosticInfo failure) => new(path, contentHash, failure);

    /// <summary>Definitions live under <c>definitions</c> (Swagger 2.0) or <c>components.schemas</c> (OpenAPI 3).</summary>
    public bool TryGetDefinition(string name, out JsonElement schema)
    {
        schema = default;
        return IsValid && Definitions.TryGetValue(name, out schema);
    }

    /// <summary>Definitions by name, indexed on first use (JsonElement.TryGetProperty is a linear scan).</summary>
    private Dictionary<string, JsonElement> Definitions => _definitions ??= IndexDefinitions();

    private Dictionary<string, JsonElement>? _definitions;

    private Dictionary<string, JsonElement> IndexDefinitions()
    {
        var index = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        JsonElement container = default;
        if (Format == SpecFormat.Swagger2)
        {
            Root.TryGetProperty("definitions", out container);
        }
        else if (Root.TryGetProperty("components", out var components))
        {
            components.TryGetProperty("schemas", out container);
        }

        if (container.ValueKind == JsonValueKind.Object)
        {
            foreach (var definition in container.EnumerateObject())
            {
                index[definition.Name] = definition.Value;
            }
        }

        return index;
    }

    public bool Equals(SpecCatalog? other)
        => other is not null && Path == other.Path && ContentHash == other.ContentHash;

    public override bool Equals(object? obj) => obj is SpecCatalog other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ContentHash);
}

/// <summary>A resource (group, version, plural) and the operations the spec serves for it.</summary>
internal sealed class CatalogResource
{
    public CatalogResource(string group, string version, string plural)
    {
        Group = group;
        Version = version;
        Plural = plural;
    }

    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    /// <summary>The kind of the main resource (from the non-subresource operations).</summary>
    public string? Kind { get; set; }

    public bool Namespaced { get; set; }

    public ImmutableArray<CatalogOperation>.Builder Operations { get; } = ImmutableArray.CreateBuilder<CatalogOperation>();

    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string Selector => Group.Length == 0 ? Plural : Plural + "." + Group;
}

internal enum OperationScope
{
    /// <summary>A path with {namespace}.</summary>
    Namespaced,

    /// <summary>A path of a cluster-scoped resource.</summary>
    Cluster,

    /// <summary>A collection path of a namespaced resource without {namespace} (list/watch across namespaces).</summary>
    AllNamespaces,
}

/// <summary>One operation of a resource as found in the spec, still as JSON.</summary>
internal sealed class CatalogOperation
{
    public CatalogOperation(
        string action,
        string httpMethod,
        string path,
        bool hasNamespace,
        bool hasName,
        string subresource,
        JsonElement operation,
        JsonElement pathItem)
    {
        Action = action;
        HttpMethod = httpMethod;
        Path = path;
        HasNamespace = hasNamespace;
        HasName = hasName;
        Subresource = subresource;
        Operation = operation;
        PathItem = pathItem;
    }

    /// <summary>The x-kubernetes-action: get, list, post, put, patch, delete, deletecollection.</summary>
    public string Action { get; }

    public string HttpMethod { get; }

    public string Path { get; }

    public bool HasNamespace { get; }

    public bool HasName { get; }

    /// <summary>"" for the resource itself, otherwise "status", "scale", ...</summary>
    public string Subresource { get; }

    public JsonElement Operation { get; }

    public JsonElement PathItem { get; }
}

/// <summary>Operation-level lookups that differ between Swagger 2.0 and OpenAPI 3.</summary>
internal static class SpecOperations
{
    /// <summary>Path-level then operation-level parameters, with $refs resolved; later entries win by name.</summary>
    public static IEnumerable<JsonElement> Parameters(SpecCatalog catalog, CatalogOperation operation)
    {
        var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var source in new[] { operation.PathItem, operation.Operation })
        {
            if (source.ValueKind != JsonValueKind.Object || !source.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var raw in parameters.EnumerateArray())
            {
                var parameter = Resolve(catalog, raw);
                if (parameter.ValueKind != JsonValueKind.Object || !parameter.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var key = name.GetString()! + "|" + (parameter.TryGetProperty("in", out var location) ? location.GetString() : string.Empty);
                if (!byName.ContainsKey(key))
                {
                    order.Add(key);
                }

                byName[key] = parameter;
            }
        }

        return order.Select(key => byName[key]);
    }

    /// <summary>The request body schema: a Swagger 2.0 body parameter or an OpenAPI 3 requestBody.</summary>
    public static JsonElement? RequestBodySchema(SpecCatalog catalog, CatalogOperation operation)
    {
        if (catalog.Format == SpecFormat.Swagger2)
        {
            foreach (var parameter in Parameters(catalog, operation))
            {
                if (parameter.TryGetProperty("in", out var location) && location.GetString() == "body" && parameter.TryGetProperty("schema", out var schema))
                {
                    return schema;
                }
            }

            return null;
        }

        return operation.Operation.TryGetProperty("requestBody", out var body) ? ContentSchema(Resolve(catalog, body)) : null;
    }

    /// <summary>The schema of the first successful response (200, 201, 202).</summary>
    public static JsonElement? ResponseSchema(SpecCatalog catalog, CatalogOperation operation)
    {
        if (!operation.Operation.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var code in new[] { "200", "201", "202" })
        {
            if (!responses.TryGetProperty(code, out var response))
            {
                continue;
            }

            response = Resolve(catalog, response);
            if (catalog.Format == SpecFormat.Swagger2)
            {
                if (response.TryGetProperty("schema", out var schema))
                {
                    return schema;
                }
            }
            else if (ContentSchema(response) is { } schema)
            {
                return schema;
            }
        }

        return null;
    }

    private static JsonElement? ContentSchema(JsonElement holder)
    {
        if (!holder.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var mediaType in new[] { "application/json", "*/*" })
        {
            if (content.TryGetProperty(mediaType, out var media) && media.TryGetProperty("schema", out var schema))
            {
                return schema;
            }
        }

        foreach (var media in content.EnumerateObject())
        {
            if (media.Value.TryGetProperty("schema", out var schema))
            {
                return schema;
            }
        }

        return null;
    }

    /// <summary>Follows a local $ref such as "#/parameters/x" or "#/components/parameters/x".</summary>
    private static JsonElement Resolve(SpecCatalog catalog, JsonElement element)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("$ref", out var reference) || reference.ValueKind != JsonValueKind.String)
            {
                return element;
            }

            var pointer = reference.GetString()!;
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                return element;
            }

            var current = catalog.Root;
            foreach (var part in pointer.Substring(2).Split('/'))
            {
                var token = part.Replace("~1", "/").Replace("~0", "~");
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(token, out current))
                {
                    return default;
                }
            }

            element = current;
        }

        return element;
    }
}
