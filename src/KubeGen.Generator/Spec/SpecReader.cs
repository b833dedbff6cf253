using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using KubeGen.Generator.Diagnostics;

namespace KubeGen.Generator.Spec;

/// <summary>
/// Reads a spec file into a <see cref="SpecCatalog"/>: one System.Text.Json parse, then an index of
/// the resource operations. Definitions are left as JSON until a selection asks for them, which
/// is what keeps a small selection from paying for the whole document.
/// </summary>
internal static class SpecReader
{
    private static readonly string[] s_httpMethods = { "get", "put", "post", "delete", "patch" };

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    public static SpecCatalog Read(string path, string? text, string contentHash, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecUnreadable, path, path, "the file does not exist or cannot be opened"));
        }

        if (text.Trim().Length == 0)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotJson, path, path, "the file is empty"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text), s_documentOptions);
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? 0);
            var column = (int)(exception.BytePositionInLine ?? 0);
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.CreateAt(
                KubeGenDiagnostics.SpecNotJson, path, line, column, path, $"{FirstSentence(exception.Message)} (line {line + 1}, column {column + 1})"));
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, $"the top-level value is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object"));
        }

        SpecFormat format;
        if (root.TryGetProperty("swagger", out var swagger) && swagger.ValueKind == JsonValueKind.String && swagger.GetString()!.StartsWith("2.", StringComparison.Ordinal))
        {
            format = SpecFormat.Swagger2;
        }
        else if (root.TryGetProperty("openapi", out var openapi) && openapi.ValueKind == JsonValueKind.String && openapi.GetString()!.StartsWith("3.", StringComparison.Ordinal))
        {
            format = SpecFormat.OpenApi3;
        }
        else
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, "it has neither \"swagger\": \"2.0\" nor \"openapi\": \"3.x\""));
        }

        if (!root.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, "it has no \"paths\" object"));
        }

        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        var resources = new Dictionary<(string Group, string Version, string Plural), CatalogResource>();
        foreach (var pathEntry in paths.EnumerateObject())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pathEntry.Value.ValueKind != JsonValueKind.Object || !ResourcePath.TryParse(pathEntry.Name, out var resourcePath))
            {
                continue;
            }

            foreach (var method in s_httpMethods)
            {
                if (!pathEntry.Value.TryGetProperty(method, out var operation) || operation.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                // Older OpenAPI v3 documents (e.g. coordination.k8s.io/v1 before allOf wrappers) carry
                // no x-kubernetes-action; the REST shape of the path says the same thing.
                var action = operation.TryGetProperty("x-kubernetes-action", out var actionElement) && actionElement.ValueKind == JsonValueKind.String
                    ? actionElement.GetString()!
                    : InferAction(method, resourcePath);

                // watch/watchlist live on the deprecated /watch/ paths and connect on exec/attach/proxy;
                // neither is a typed resource operation (watch is served by list?watch=true).
                if (action is null or "watch" or "watchlist" or "connect")
                {
                    continue;
                }

                var key = (resourcePath.Group, resourcePath.Version, resourcePath.Plural);
                if (!resources.TryGetValue(key, out var resource))
                {
                    resource = new CatalogResource(resourcePath.Group, resourcePath.Version, resourcePath.Plural);
                    resources.Add(key, resource);
                }

                if (resourcePath.HasNamespace)
                {
                    resource.Namespaced = true;
                }

                if (resourcePath.Subresource.Length == 0 && (ReadKind(operation) ?? InferKind(root, format, operation, action)) is { } kind)
                {
                    resource.Kind ??= kind;
                }

                resource.Operations.Add(new CatalogOperation(
                    action,
                    method,
                    pathEntry.Name,
                    resourcePath.HasNamespace,
                    resourcePath.HasName,
                    resourcePath.Subresource,
                    operation,
                    pathEntry.Value));
            }
        }

        if (resources.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.NoResources, path, path));
        }

        var ordered = resources.Values
            .Where(r => r.Kind is not null)
            .OrderBy(r => r.Group, StringComparer.Ordinal)
            .ThenBy(r => r.Version, StringComparer.Ordinal)
            .ThenBy(r => r.Plural, StringComparer.Ordinal)
            .ToImmutableArray();

        return new SpecCatalog(path, contentHash, format, root, ordered, diagnostics.ToImmutable());
    }

    private static string? ReadKind(JsonElement operation)
        => operation.TryGetProperty("x-kubernetes-group-version-kind", out var gvk)
           && gvk.ValueKind == JsonValueKind.Object
           && gvk.TryGetProperty("kind", out var kind)
           && kind.ValueKind == JsonValueKind.String
            ? kind.GetString()
            : null;

    private static string? InferAction(string method, ResourcePath path) => (method, path.HasName) switch
    {
        ("get", false) => "list",
        ("post", false) => "post",
        ("delete", false) => "deletecollection",
        ("get", true) => "get",
        ("put", true) => "put",
        ("patch", true) => "patch",
        ("delete", true) => "delete",
        _ => null,
    };

    /// <summary>The kind from the group-version-kind of the definition the operation returns (PodList → Pod for lists).</summary>
    private static string? InferKind(JsonElement root, SpecFormat format, JsonElement operation, string action)
    {
        var probe = new SpecCatalog(string.Empty, string.Empty, format, root, ImmutableArray<CatalogResource>.Empty, ImmutableArray<DiagnosticInfo>.Empty);
        var operationEntry = new CatalogOperation(action, string.Empty, string.Empty, false, false, string.Empty, operation, default);
        if (SpecOperations.ResponseSchema(probe, operationEntry) is not { } schema
            || SchemaMapper.ReferenceOf(schema) is not { } reference
            || !probe.TryGetDefinition(reference.Substring(reference.LastIndexOf('/') + 1), out var definition)
            || !definition.TryGetProperty("x-kubernetes-group-version-kind", out var gvks)
            || gvks.ValueKind != JsonValueKind.Array
            || gvks.GetArrayLength() != 1
            || !gvks[0].TryGetProperty("kind", out var kindElement)
            || kindElement.GetString() is not { } kind)
        {
            return null;
        }

        return action == "list" && kind.EndsWith("List", StringComparison.Ordinal) ? kind.Substring(0, kind.Length - 4) : kind;
    }

    /// <summary>The parser's message without its 0-based "LineNumber: 2 | BytePositionInLine: 33." (the diagnostic adds the 1-based position).</summary>
    private static string FirstSentence(string message)
    {
        var index = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (index < 0)
        {
            index = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        return index > 0 ? message.Substring(0, index).TrimEnd('.', ' ') : message;
    }
}
