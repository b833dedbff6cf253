using System;
using System.Collections.Generic;
using System.Linq;
using System.Collections.Immutable;
using System.Text.Json;
using System.Threading;
using KubeGen.Generator.Diagnostics;
using KubeGen.Shared;

namespace KubeGen.Generator.OpenApi;

internal enum SpecFormat
{
    Swagger2,
    OpenApi3,
}

/// <summary>
/// One spec file, read once per content: its UTF-8 text indexed by section, path item and definition
/// (<see cref="SpecDocument"/>) and an index of the resource operations it serves. Path items and
/// definitions are parsed and converted only when a selection reaches them, later.
/// Equality is by path and content hash: the catalog is a pure function of the text, so two
/// catalogs with the same hash are interchangeable and the pipeline can cache on that.
/// </summary>
internal sealed class SpecCatalog : IEquatable<SpecCatalog>
{
    public SpecCatalog(
        string path,
        string contentHash,
        SpecFormat format,
        SpecDocument document,
        ImmutableArray<CatalogResource> resources,
        ImmutableArray<DiagnosticInfo> diagnostics)
    {
        Path = path;
        ContentHash = contentHash;
        Format = format;
        Document = document;
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

    /// <summary>The indexed text (null for a failed catalog).</summary>
    public SpecDocument? Document { get; }

    public ImmutableArray<CatalogResource> Resources { get; }

    public ImmutableArray<DiagnosticInfo> Diagnostics { get; }

    public static SpecCatalog Failed(string path, string contentHash, DiagnosticInfo failure) => new(path, contentHash, failure);

    /// <summary>
    /// The Kubernetes version the spec is of, for diagnostics and the spec lock: <c>info.version</c> when the
    /// server filled it in, else a version in the file name (<c>kubernetes-v1.36.0.json</c>); null when neither says.
    /// </summary>
    public string? ServerVersion => IsValid && Document is not null ? _serverVersion ??= SpecVersion.Of(Path, Document) : null;

    private string? _serverVersion;

    /// <summary>The SHA-256 of the spec text (UTF-8), hex: what the spec lock records. Computed only when asked for.</summary>
    public string Sha256 => Document is null ? string.Empty : _sha256 ??= Document.Sha256();

    private string? _sha256;

    /// <summary>Definitions live under <c>definitions</c> (Swagger 2.0) or <c>components.schemas</c> (OpenAPI 3).</summary>
    public bool TryGetDefinition(string name, out JsonElement schema)
    {
        schema = default;
        if (!IsValid || Document is null || !(Format == SpecFormat.Swagger2 ? Document.Definitions : Document.ComponentSchemas).TryGetValue(name, out var slice))
        {
            return false;
        }

        schema = Document.Element(slice);
        return true;
    }

    /// <summary>The names of all definitions, in document order (unparsed).</summary>
    public IReadOnlyList<string> DefinitionNames
        => Document is null ? Array.Empty<string>() : Format == SpecFormat.Swagger2 ? Document.DefinitionNames : Document.ComponentSchemaNames;

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
        KubeApiPath template,
        SpecDocument document,
        JsonSlice pathItem)
    {
        Action = action;
        HttpMethod = httpMethod;
        Template = template;
        _document = document;
        _pathItem = pathItem;
    }

    private readonly SpecDocument _document;
    private readonly JsonSlice _pathItem;

    /// <summary>The x-kubernetes-action: get, list, post, put, patch, delete, deletecollection.</summary>
    public string Action { get; }

    public string HttpMethod { get; }

    /// <summary>The spec's path, read by the one REST path grammar (only known placeholders, names in the Kubernetes grammar).</summary>
    public KubeApiPath Template { get; }

    /// <summary>The path inside a namespace (<c>namespaces/{namespace}/…</c>).</summary>
    public bool HasNamespace => Template.IsNamespacedPath;

    /// <summary>The path names one object (<c>…/{name}</c>).</summary>
    public bool HasName => Template.Name is not null;

    /// <summary>"" for the resource itself, otherwise "status", "scale", ...</summary>
    public string Subresource => Template.Subresource ?? string.Empty;

    /// <summary>The operation object (parsed with its path item on first use).</summary>
    public JsonElement Operation => PathItem.GetProperty(HttpMethod);

    /// <summary>The path item the operation is in (its path-level parameters apply too).</summary>
    public JsonElement PathItem => _document.Element(_pathItem);

    /// <summary>
    /// The resolved parameters, computed by <see cref="SpecOperations.Parameters"/> on first use. The driver
    /// may share one catalog between generator runs on different threads: the array is built in full, then
    /// published once (the first one wins; another thread's identical result is dropped).
    /// </summary>
    internal JsonElement[]? ResolvedParameters => Volatile.Read(ref _resolvedParameters);

    private JsonElement[]? _resolvedParameters;

    /// <summary>Publishes the resolved parameters and returns the ones every caller sees.</summary>
    internal JsonElement[] PublishParameters(JsonElement[] values)
        => Interlocked.CompareExchange(ref _resolvedParameters, values, null) ?? values;
}

/// <summary>Operation-level lookups that differ between Swagger 2.0 and OpenAPI 3.</summary>
internal static class SpecOperations
{
    /// <summary>Path-level then operation-level parameters, with $refs resolved; later entries win by name.</summary>
    /// <remarks>Arrays rather than a dictionary and LINQ: generics over <see cref="JsonElement"/> are JIT-compiled in every fresh compiler.</remarks>
    public static JsonElement[] Parameters(SpecCatalog catalog, CatalogOperation operation)
    {
        if (operation.ResolvedParameters is { } cached)
        {
            return cached;
        }

        var keys = new string[8];
        var values = new JsonElement[8];
        var count = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            var source = pass == 0 ? operation.PathItem : operation.Operation;
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
                var index = Array.IndexOf(keys, key, 0, count);
                if (index < 0)
                {
                    if (count == keys.Length)
                    {
                        Array.Resize(ref keys, count * 2);
                        Array.Resize(ref values, count * 2);
                    }

                    index = count++;
                    keys[index] = key;
                }

                values[index] = parameter;
            }
        }

        Array.Resize(ref values, count);
        return operation.PublishParameters(values);
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

            var current = catalog.Document is { } document ? document.ResolvePointer(pointer) : default;
            if (current.ValueKind == JsonValueKind.Undefined)
            {
                return default;
            }

            element = current;
        }

        return element;
    }
}
