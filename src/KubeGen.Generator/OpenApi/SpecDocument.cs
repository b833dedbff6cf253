using System;
using System.Collections.Generic;
using System.Text.Json;

namespace KubeGen.Generator.OpenApi;

/// <summary>
/// The UTF-8 text of a spec with the byte range of every top-level section, path item and
/// definition (from <see cref="SpecScanner"/>). A range becomes a <see cref="JsonElement"/> only
/// when something asks for it, so a selection of three resources parses the few path items and
/// definitions it reaches instead of the whole 4 MB document.
/// </summary>
internal sealed class SpecDocument
{
    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 256 };

    private readonly byte[] _utf8;
    private readonly object _parseLock = new();

    public SpecDocument(byte[] utf8)
    {
        _utf8 = utf8;
    }

    /// <summary>Top-level values by name (last one wins, as with <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>).</summary>
    public Dictionary<string, JsonSlice> Sections { get; } = new(StringComparer.Ordinal);

    /// <summary>The values inside a top-level <c>components</c> object, by name.</summary>
    public Dictionary<string, JsonSlice> ComponentSections { get; } = new(StringComparer.Ordinal);

    /// <summary>The entries of <c>paths</c>, by path.</summary>
    public Dictionary<string, JsonSlice> Paths { get; } = new(StringComparer.Ordinal);

    /// <summary>The entries of <c>definitions</c> (Swagger 2.0), by name.</summary>
    public Dictionary<string, JsonSlice> Definitions { get; } = new(StringComparer.Ordinal);

    /// <summary>The entries of <c>components.schemas</c> (OpenAPI 3), by name.</summary>
    public Dictionary<string, JsonSlice> ComponentSchemas { get; } = new(StringComparer.Ordinal);

    /// <summary>The names of <see cref="Definitions"/> in document order.</summary>
    public List<string> DefinitionNames { get; } = new();

    /// <summary>The names of <see cref="ComponentSchemas"/> in document order.</summary>
    public List<string> ComponentSchemaNames { get; } = new();

    /// <summary>The SHA-256 of the document's UTF-8 text, lower-case hex.</summary>
    public string Sha256()
    {
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = sha.ComputeHash(_utf8);
        var hex = new System.Text.StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    /// <summary>The value in <paramref name="slice"/>, parsed on first use and kept (the text was validated by the scan).</summary>
    public JsonElement Element(JsonSlice slice)
    {
        // The driver may share one catalog between generator runs on different threads.
        lock (_parseLock)
        {
            if (slice.Parsed is null)
            {
                var document = JsonDocument.Parse(new ReadOnlyMemory<byte>(_utf8, slice.Start, slice.Length), s_options);
                slice.Parsed = new ParsedSlice(document.RootElement);
            }

            return slice.Parsed.Element;
        }
    }

    /// <summary>
    /// Follows a local JSON pointer ("#/parameters/x", "#/definitions/x", "#/components/schemas/x")
    /// through object members only; <c>default</c> when a step is missing or not an object.
    /// </summary>
    public JsonElement ResolvePointer(string pointer)
    {
        var parts = pointer.Substring(2).Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Replace("~1", "/").Replace("~0", "~");
        }

        // The indexed maps answer the first steps without parsing the section around them.
        int next;
        JsonSlice? start;
        if (parts.Length >= 2 && parts[0] == "definitions")
        {
            Definitions.TryGetValue(parts[1], out start);
            next = 2;
        }
        else if (parts.Length >= 2 && parts[0] == "paths")
        {
            Paths.TryGetValue(parts[1], out start);
            next = 2;
        }
        else if (parts.Length >= 3 && parts[0] == "components" && parts[1] == "schemas")
        {
            ComponentSchemas.TryGetValue(parts[2], out start);
            next = 3;
        }
        else if (parts.Length >= 2 && parts[0] == "components")
        {
            ComponentSections.TryGetValue(parts[1], out start);
            next = 2;
        }
        else
        {
            Sections.TryGetValue(parts[0], out start);
            next = 1;
        }

        if (start is null)
        {
            return default;
        }

        var current = Element(start);
        for (var i = next; i < parts.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(parts[i], out current))
            {
                return default;
            }
        }

        return current;
    }
}

/// <summary>Where one JSON value sits in the spec's UTF-8 text, and its element once parsed.</summary>
internal sealed class JsonSlice
{
    public JsonSlice(int start, int length)
    {
        Start = start;
        Length = length;
    }

    public int Start { get; }

    public int Length { get; }

    /// <summary>Set under <see cref="SpecDocument"/>'s lock; a class so that the write is one reference.</summary>
    internal ParsedSlice? Parsed { get; set; }
}

/// <summary>A parsed slice's root element (boxed once, so that readers never see a torn struct).</summary>
internal sealed class ParsedSlice
{
    public ParsedSlice(JsonElement element)
    {
        Element = element;
    }

    public JsonElement Element { get; }
}
