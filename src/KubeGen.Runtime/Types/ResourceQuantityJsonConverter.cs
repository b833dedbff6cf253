using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeGen.Runtime;

/// <summary>
/// Reads and writes <see cref="ResourceQuantity"/> as Kubernetes does: reads a JSON string or a JSON number,
/// always writes a JSON string (see <see cref="ResourceQuantity.ToString"/>).
/// </summary>
public sealed class ResourceQuantityJsonConverter : JsonConverter<ResourceQuantity>
{
    /// <summary>Quantities parsed recently on this thread, by their (shared) text: a hit needs the very same string instance.</summary>
    private const int RecentSlots = 64;

    [ThreadStatic]
    private static (string? Text, ResourceQuantity? Quantity)[]? t_recent;

    /// <summary>The shared instance.</summary>
    public static ResourceQuantityJsonConverter Instance { get; } = new();

    /// <summary>Reads a quantity at the reader's current token.</summary>
    /// <param name="reader">A reader positioned on a string or number token.</param>
    /// <returns>The quantity.</returns>
    /// <remarks>Like Kubernetes, leading and trailing white space inside a JSON string is ignored.</remarks>
    /// <exception cref="JsonException">The token is not a string or number, or its text is not a valid quantity.</exception>
    public static ResourceQuantity ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // Lists repeat the same few requests and limits ("250m", "512Mi") thousands of times.
            return ParseShared(Utf8StringCache.Get(ref reader));
        }

        string text = reader.TokenType switch
        {
            JsonTokenType.Number => JsonText.RawToken(ref reader),
            _ => throw new JsonException(
                $"A Kubernetes quantity must be a JSON string or a JSON number, but the token was {reader.TokenType}."),
        };

        try
        {
            return ResourceQuantity.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <summary>
    /// Parses <paramref name="text"/>, or returns the quantity parsed from the same string instance on this
    /// thread before (quantities are immutable; <see cref="Utf8StringCache"/> makes equal texts one instance).
    /// </summary>
    private static ResourceQuantity ParseShared(string text)
    {
        var cache = t_recent ??= new (string?, ResourceQuantity?)[RecentSlots];
        int slot = Slot(text);
        if (ReferenceEquals(cache[slot].Text, text) && cache[slot].Quantity is { } recent)
        {
            return recent;
        }

        ResourceQuantity parsed;
        try
        {
            parsed = ResourceQuantity.Parse(text.Trim());
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }

        cache[slot] = (text, parsed);
        return parsed;
    }

    /// <summary>
    /// The slot of a text: FNV-1a over its characters (quantities are a few characters long). A content hash,
    /// not the string's identity hash: which texts share a slot is then the same in every process.
    /// </summary>
    private static int Slot(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & (RecentSlots - 1));
    }

    /// <summary>Writes a quantity as a JSON string.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The quantity.</param>
    public static void WriteValue(Utf8JsonWriter writer, ResourceQuantity value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.ToString());
    }

    /// <inheritdoc/>
    public override ResourceQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadValue(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options) =>
        WriteValue(writer, value);
}
