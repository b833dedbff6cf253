using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using KubeGen.Shared;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// One forward pass of <see cref="Utf8JsonReader"/> over a whole spec: validates the JSON (a
/// <see cref="JsonException"/> carries the line and column, as <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> would),
/// records where every section, path item and definition is, and reads the little the resource
/// index needs from each operation (its method, <c>x-kubernetes-action</c> and kind). No tree is
/// built: building one for 4 MB cost more than everything a small selection does with it.
/// </summary>
internal static class SpecScanner
{
    /// <summary>The methods a path item can serve a resource operation on, in the order the index lists them.</summary>
    public static readonly string[] HttpMethods = { "get", "put", "post", "delete", "patch" };

    private static readonly JsonReaderOptions s_options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 256,
    };

    public static SpecScan Scan(byte[] utf8, CancellationToken cancellationToken)
    {
        var document = new SpecDocument(utf8);
        var scan = new SpecScan(document);
        var reader = new Utf8JsonReader(utf8, s_options);
        reader.Read();
        scan.RootKind = reader.TokenType;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            ReadToEnd(ref reader);
            return scan;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            switch (name)
            {
                case "swagger":
                    scan.Swagger = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    break;
                case "openapi":
                    scan.OpenApi = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                    break;
                case "paths":
                    // Last one wins, like JsonElement.TryGetProperty.
                    scan.PathItems.Clear();
                    document.Paths.Clear();
                    scan.HasPathsObject = reader.TokenType == JsonTokenType.StartObject;
                    if (scan.HasPathsObject)
                    {
                        ReadPaths(ref reader, scan, cancellationToken);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case "definitions":
                    ReadEntries(ref reader, document.Definitions, document.DefinitionNames);
                    break;
                case "components":
                    ReadComponents(ref reader, document);
                    break;
                default:
                    reader.Skip();
                    break;
            }

            document.Sections[name] = Slice(ref reader, start);
        }

        ReadToEnd(ref reader);
        return scan;
    }

    /// <summary>The range from <paramref name="start"/> to the end of the token the reader is on (after a Skip, the whole value).</summary>
    private static JsonSlice Slice(ref Utf8JsonReader reader, int start) => new(start, (int)reader.BytesConsumed - start);

    /// <summary>Whatever follows the root value must be whitespace (the reader throws on anything else).</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    /// <summary>Indexes the members of the object the reader is on (or skips a non-object value).</summary>
    private static void ReadEntries(ref Utf8JsonReader reader, Dictionary<string, JsonSlice> index, List<string> names)
    {
        index.Clear();
        names.Clear();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            index[name] = Slice(ref reader, start);
            names.Add(name);
        }
    }

    private static void ReadComponents(ref Utf8JsonReader reader, SpecDocument document)
    {
        document.ComponentSections.Clear();
        document.ComponentSchemas.Clear();
        document.ComponentSchemaNames.Clear();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (name == "schemas")
            {
                ReadEntries(ref reader, document.ComponentSchemas, document.ComponentSchemaNames);
            }
            else
            {
                reader.Skip();
            }

            document.ComponentSections[name] = Slice(ref reader, start);
        }
    }

    private static void ReadPaths(ref Utf8JsonReader reader, SpecScan scan, CancellationToken cancellationToken)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = reader.GetString()!;
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                scan.Document.Paths[path] = Slice(ref reader, start);
                continue;
            }

            // Only resource paths need their operations read; the rest are only kept for $refs. The
            // deprecated /watch/ paths are not operations KubeGen calls (watch is list?watch=true).
            ScannedOperation?[]? operations = null;
            var template = KubeApiPath.ParseTemplate(path, out var problem);
            if (template is { WatchPrefix: false })
            {
                operations = new ScannedOperation?[HttpMethods.Length];
                ReadPathItem(ref reader, operations);
            }
            else
            {
                reader.Skip();
            }

            var slice = Slice(ref reader, start);
            scan.Document.Paths[path] = slice;
            scan.PathItems.Add(new ScannedPathItem(path, slice, template, problem, operations));
        }
    }

    private static void ReadPathItem(ref Utf8JsonReader reader, ScannedOperation?[] operations)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var method = Array.IndexOf(HttpMethods, reader.GetString());
            reader.Read();
            if (method < 0)
            {
                reader.Skip();
                continue;
            }

            // A later duplicate replaces an earlier one, also when it is not an object.
            operations[method] = reader.TokenType == JsonTokenType.StartObject ? ReadOperation(ref reader) : null;
            if (operations[method] is null)
            {
                reader.Skip();
            }
        }
    }

    private static ScannedOperation ReadOperation(ref Utf8JsonReader reader)
    {
        var operation = new ScannedOperation();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("x-kubernetes-action"))
            {
                reader.Read();
                operation.Action = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("x-kubernetes-group-version-kind"))
            {
                reader.Read();
                operation.Kind = reader.TokenType == JsonTokenType.StartObject ? ReadKind(ref reader) : null;
                if (reader.TokenType != JsonTokenType.EndObject)
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return operation;
    }

    /// <summary>The string "kind" member of a group-version-kind object (the reader ends on its EndObject).</summary>
    private static string? ReadKind(ref Utf8JsonReader reader)
    {
        string? kind = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isKind = reader.ValueTextEquals("kind");
            reader.Read();
            if (isKind)
            {
                kind = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return kind;
    }
}

/// <summary>What <see cref="SpecScanner"/> found at the top of a spec.</summary>
internal sealed class SpecScan
{
    public SpecScan(SpecDocument document)
    {
        Document = document;
    }

    public SpecDocument Document { get; }

    /// <summary>The first token of the document (an object for any spec).</summary>
    public JsonTokenType RootKind { get; set; }

    /// <summary>The "swagger" member's value when it is a string.</summary>
    public string? Swagger { get; set; }

    /// <summary>The "openapi" member's value when it is a string.</summary>
    public string? OpenApi { get; set; }

    public bool HasPathsObject { get; set; }

    /// <summary>The object-valued entries of "paths", in document order.</summary>
    public List<ScannedPathItem> PathItems { get; } = new();
}

/// <summary>One path item; <see cref="Operations"/> is null for a path that is not a resource path.</summary>
internal sealed class ScannedPathItem
{
    public ScannedPathItem(string path, JsonSlice slice, KubeApiPath? template, string? problem, ScannedOperation?[]? operations)
    {
        Path = path;
        Slice = slice;
        Template = template;
        Problem = problem;
        Operations = operations;
    }

    public string Path { get; }

    public JsonSlice Slice { get; }

    /// <summary>The path read as a resource path template; null when it is not one.</summary>
    public KubeApiPath? Template { get; }

    /// <summary>Why a path that looks like a resource path was refused (a placeholder or name outside the grammar).</summary>
    public string? Problem { get; }

    /// <summary>One slot per <see cref="SpecScanner.HttpMethods"/> entry: null when the method is absent or not an object.</summary>
    public ScannedOperation?[]? Operations { get; }
}

/// <summary>The two operation members the resource index needs.</summary>
internal sealed class ScannedOperation
{
    /// <summary>x-kubernetes-action when it is a string.</summary>
    public string? Action { get; set; }

    /// <summary>x-kubernetes-group-version-kind's kind when both are what they should be.</summary>
    public string? Kind { get; set; }
}
