using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Threading;
using KubeGen.Generator.Diagnostics;
using KubeGen.Shared;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// Reads a spec file into a <see cref="SpecCatalog"/>: one validating scan of the UTF-8 text that
/// indexes sections, path items and definitions by byte range (<see cref="SpecScanner"/>), then
/// the index of resource operations. Path items and definitions stay unparsed until a selection
/// asks for them, which is what keeps a small selection from paying for the whole document.
/// </summary>
internal static class SpecReader
{
    public static SpecCatalog Read(string path, string? text, string contentHash, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecUnreadable, path, path, "the file does not exist or cannot be opened"));
        }

        // Not text.Trim(): that copies all 4 MB when the file ends with a newline.
        if (string.IsNullOrWhiteSpace(text))
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotJson, path, path, "the file is empty"));
        }

        if (SurrogateEscapes.FindUnpaired(text) is var unpaired and >= 0)
        {
            var (line, column) = Position(text, unpaired);
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.CreateAt(
                KubeGenDiagnostics.SpecNotJson, path, line, column, path, $"the escape '{text.Substring(unpaired, 6)}' is half of a surrogate pair, which is not Unicode text (line {line + 1}, column {column + 1})"));
        }

        SpecScan scan;
        try
        {
            scan = SpecScanner.Scan(Encoding.UTF8.GetBytes(text), cancellationToken);
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? 0);
            var column = (int)(exception.BytePositionInLine ?? 0);
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.CreateAt(
                KubeGenDiagnostics.SpecNotJson, path, line, column, path, $"{FirstSentence(exception.Message)} (line {line + 1}, column {column + 1})"));
        }

        if (scan.RootKind != JsonTokenType.StartObject)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, $"the top-level value is a JSON {KindName(scan.RootKind)}, not an object"));
        }

        SpecFormat format;
        if (scan.Swagger is { } swagger && swagger.StartsWith("2.", StringComparison.Ordinal))
        {
            format = SpecFormat.Swagger2;
        }
        else if (scan.OpenApi is { } openapi && openapi.StartsWith("3.", StringComparison.Ordinal))
        {
            format = SpecFormat.OpenApi3;
        }
        else
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, "it has neither \"swagger\": \"2.0\" nor \"openapi\": \"3.x\""));
        }

        if (!scan.HasPathsObject)
        {
            return SpecCatalog.Failed(path, contentHash, DiagnosticInfo.Create(KubeGenDiagnostics.SpecNotOpenApi, path, path, "it has no \"paths\" object"));
        }

        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        var resources = new Dictionary<string, CatalogResource>(StringComparer.Ordinal);
        var ordered = new List<CatalogResource>();
        var kindsFromOperations = new Dictionary<CatalogOperation, string?>();
        foreach (var pathItem in scan.PathItems)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pathItem.Problem is { } problem)
            {
                // A path that looks like a resource path but is outside the grammar: nothing of it reaches code.
                diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.PathRefused, path, pathItem.Path, problem));
                continue;
            }

            if (pathItem.Operations is not { } scanned || pathItem.Template is not { } resourcePath)
            {
                continue;
            }

            for (var m = 0; m < scanned.Length; m++)
            {
                if (scanned[m] is not { } operation)
                {
                    continue;
                }

                // Older OpenAPI v3 documents (e.g. coordination.k8s.io/v1 before allOf wrappers) carry
                // no x-kubernetes-action; the REST shape of the path says the same thing.
                var method = SpecScanner.HttpMethods[m];
                var action = operation.Action ?? InferAction(method, resourcePath);

                // watch/watchlist live on the deprecated /watch/ paths (watch is served by list?watch=true). Connect
                // operations (exec, attach, portforward, proxy) are kept for the subresources the model generates from
                // them, but not proxy's {path} form; they are annotated with kinds that have no definition, which only
                // the resource's own operations are asked for.
                if (action is null or "watch" or "watchlist" || (action == "connect" && (resourcePath.Subresource is null || resourcePath.Remainder.Count > 0)))
                {
                    continue;
                }

                // A string key: a dictionary over a tuple key is a value-type instantiation the JIT compiles in every fresh compiler.
                var plural = resourcePath.Resource!;
                var key = resourcePath.Group + "/" + resourcePath.Version + "/" + plural;
                if (!resources.TryGetValue(key, out var resource))
                {
                    resource = new CatalogResource(resourcePath.Group, resourcePath.Version, plural);
                    resources.Add(key, resource);
                    ordered.Add(resource);
                }

                if (resourcePath.IsNamespacedPath)
                {
                    resource.Namespaced = true;
                }

                var entry = new CatalogOperation(
                    action,
                    method,
                    resourcePath,
                    scan.Document,
                    pathItem.Slice);
                resource.Operations.Add(entry);
                if (resourcePath.Subresource is null)
                {
                    kindsFromOperations[entry] = operation.Kind;
                }
            }
        }

        if (resources.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(KubeGenDiagnostics.NoResources, path, path));
        }

        // The kind of each resource: the first of its own operations' group-version-kinds, or, for an
        // operation without one, of the definition it returns. This needs the definitions, which may
        // come after "paths" in the document, so it runs after the scan.
        var probe = new SpecCatalog(string.Empty, string.Empty, format, scan.Document, ImmutableArray<CatalogResource>.Empty, ImmutableArray<DiagnosticInfo>.Empty);
        foreach (var resource in ordered)
        {
            foreach (var operation in resource.Operations)
            {
                if (kindsFromOperations.TryGetValue(operation, out var kind) && (kind ?? InferKind(probe, operation)) is { } found)
                {
                    resource.Kind ??= found;
                }
            }
        }

        ordered.RemoveAll(r => r.Kind is null);
        ordered.Sort(CompareResources);
        return new SpecCatalog(path, contentHash, format, scan.Document, ordered.ToImmutableArray(), diagnostics.ToImmutable());
    }

    private static int CompareResources(CatalogResource x, CatalogResource y)
    {
        var byGroup = string.CompareOrdinal(x.Group, y.Group);
        if (byGroup != 0)
        {
            return byGroup;
        }

        var byVersion = string.CompareOrdinal(x.Version, y.Version);
        return byVersion != 0 ? byVersion : string.CompareOrdinal(x.Plural, y.Plural);
    }

    /// <summary>The 0-based line and column of a character.</summary>
    private static (int Line, int Column) Position(string text, int index)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = text.IndexOf('\n'); i >= 0 && i < index; i = text.IndexOf('\n', i + 1))
        {
            line++;
            lineStart = i + 1;
        }

        return (line, index - lineStart);
    }

    /// <summary>How <see cref="JsonValueKind"/> names the kind of a root token, lower-cased.</summary>
    private static string KindName(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => "undefined",
    };

    private static string? InferAction(string method, KubeApiPath path) => (method, path.Name is not null) switch
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
    private static string? InferKind(SpecCatalog probe, CatalogOperation operation)
    {
        if (SpecOperations.ResponseSchema(probe, operation) is not { } schema
            || SpecSchemas.ReferenceOf(schema) is not { } reference
            || !probe.TryGetDefinition(reference.Substring(reference.LastIndexOf('/') + 1), out var definition)
            || !definition.TryGetProperty("x-kubernetes-group-version-kind", out var gvks)
            || gvks.ValueKind != JsonValueKind.Array
            || gvks.GetArrayLength() != 1
            || !gvks[0].TryGetProperty("kind", out var kindElement)
            || kindElement.GetString() is not { } kind)
        {
            return null;
        }

        return operation.Action == "list" && kind.EndsWith("List", StringComparison.Ordinal) ? kind.Substring(0, kind.Length - 4) : kind;
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
