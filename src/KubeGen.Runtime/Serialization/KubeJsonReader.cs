using System.ComponentModel;
using System.Text;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// Value readers the generated JSON converters call. They accept JSON null for every value
/// (Kubernetes omits or nulls optional fields) and reject wrong token types with a
/// <see cref="JsonException"/> that names what was expected.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KubeJsonReader
{
    /// <summary>The current property name as UTF-8, unescaped when needed.</summary>
    public static ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader)
        => reader.HasValueSequence || reader.ValueIsEscaped
            ? Encoding.UTF8.GetBytes(reader.GetString()!)
            : reader.ValueSpan;

    /// <summary>The current property name (a map key) as a string; short keys that repeat share one instance.</summary>
    public static string PropertyNameString(ref Utf8JsonReader reader) => Utf8StringCache.Get(ref reader);

    /// <summary>Moves to the value after a property name; a truncated document is an error, not a silent end.</summary>
    public static void MoveToValue(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("Unexpected end of JSON after a property name.");
        }
    }

    /// <summary>Throws unless the reader is at the start of an object.</summary>
    public static void ExpectStartObject(ref Utf8JsonReader reader, string typeName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Expected a JSON object for {typeName} but found {reader.TokenType}.");
        }
    }

    /// <summary>Throws unless the reader is at the start of an array.</summary>
    public static void ExpectStartArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Expected a JSON array but found {reader.TokenType}.");
        }
    }

    /// <summary>Reads the next token of an object or array body; false at its end.</summary>
    public static bool ReadNext(ref Utf8JsonReader reader, JsonTokenType end)
    {
        if (!reader.Read())
        {
            throw new JsonException("Unexpected end of JSON inside an object or array.");
        }

        return reader.TokenType != end;
    }

    /// <summary>True when the current token is JSON null.</summary>
    public static bool IsNull(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null;

    /// <summary>Reads a string or null; short strings that repeat (labels, images, phases) share one instance.</summary>
    public static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => Utf8StringCache.Get(ref reader),
        _ => throw Unexpected(ref reader, "a string"),
    };

    /// <summary>Reads a 32-bit integer or null.</summary>
    public static int? ReadInt32(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetInt32(),
        _ => throw Unexpected(ref reader, "an integer"),
    };

    /// <summary>Reads a 64-bit integer or null.</summary>
    public static long? ReadInt64(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetInt64(),
        _ => throw Unexpected(ref reader, "an integer"),
    };

    /// <summary>Reads a number or null.</summary>
    public static double? ReadDouble(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetDouble(),
        _ => throw Unexpected(ref reader, "a number"),
    };

    /// <summary>Reads true, false or null.</summary>
    public static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, "true or false"),
    };

    /// <summary>Reads base64 bytes or null.</summary>
    public static byte[]? ReadBytes(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetBytesFromBase64(),
        _ => throw Unexpected(ref reader, "a base64 string"),
    };

    /// <summary>Reads a meta/v1 Time or null.</summary>
    public static DateTimeOffset? ReadTime(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Null ? null : KubeTime.ReadTime(ref reader);

    /// <summary>Reads a meta/v1 MicroTime or null.</summary>
    public static DateTimeOffset? ReadMicroTime(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Null ? null : KubeTime.ReadMicroTime(ref reader);

    /// <summary>Reads a resource quantity or null.</summary>
    public static ResourceQuantity? ReadQuantity(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Null ? null : ResourceQuantityJsonConverter.ReadValue(ref reader);

    /// <summary>Reads an int-or-string or null.</summary>
    public static IntOrString? ReadIntOrString(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Null ? null : (IntOrString?)IntOrStringJsonConverter.ReadValue(ref reader);

    /// <summary>
    /// Raw JSON (fieldsV1, RawExtension, preserve-unknown-fields, free-form objects), copied out of the
    /// reader's buffer; equal values read on one thread share one immutable element (<see cref="RawJsonCache"/>).
    /// </summary>
    public static JsonElement? ReadRaw(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Null ? null : RawJsonCache.Read(ref reader);

    /// <summary>Keeps a field the spec does not describe so that writing the object back loses nothing.</summary>
    public static IDictionary<string, JsonElement> AddUnknown(IDictionary<string, JsonElement>? data, scoped ReadOnlySpan<byte> name, ref Utf8JsonReader reader)
    {
        data ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        data[Encoding.UTF8.GetString(name)] = JsonElement.ParseValue(ref reader);
        return data;
    }

    private static JsonException Unexpected(ref Utf8JsonReader reader, string expected)
        => new($"Expected {expected} but found {reader.TokenType} at byte {reader.TokenStartIndex}.");
}
