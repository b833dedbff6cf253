using System.Buffers;
using System.Text.Json;

namespace KubeGen.Runtime;

/// <summary>
/// Reads free-form JSON values (managedFields' <c>fieldsV1</c>, RawExtension, preserve-unknown-fields)
/// into <see cref="JsonElement"/>s, sharing one element between equal values. The pods of one
/// ReplicaSet carry the same <c>fieldsV1</c> documents, so a list or an informer cache would otherwise
/// hold thousands of identical parsed copies. A value is first copied token by token into a reused
/// per-thread buffer (compact JSON, escapes kept as sent), then looked up by a hash of those bytes and compared byte for
/// byte; only a miss parses it. Elements from <see cref="JsonElement.ParseValue"/> are immutable and
/// own their memory, so sharing them is safe across objects and threads.
/// </summary>
internal static class RawJsonCache
{
    /// <summary>Slots per thread (a power of two).</summary>
    private const int Slots = 256;

    /// <summary>Larger values are parsed without being remembered.</summary>
    private const int MaxCachedBytes = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Entry[]? t_slots;

    /// <summary>Reads the value at the reader's current token; the reader ends on the value's last token.</summary>
    public static JsonElement Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return JsonElement.ParseValue(ref reader);
        }

        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        CopyValue(ref reader, buffer);

        ReadOnlySpan<byte> json = buffer.WrittenSpan;
        if (json.Length > MaxCachedBytes)
        {
            return Parse(json);
        }

        Entry[] slots = t_slots ??= new Entry[Slots];
        ulong hash = Hash(json);
        ref Entry slot = ref slots[(int)(hash & (Slots - 1))];
        if (slot.Hash == hash && slot.Json is { } cached && json.SequenceEqual(cached))
        {
            return slot.Element;
        }

        JsonElement element = Parse(json);
        slot = new Entry(hash, json.ToArray(), element);
        return element;
    }

    private static JsonElement Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// Appends the object or array at the reader's start token as compact JSON, leaving the reader on its
    /// end token. Tokens are copied as they were sent (escapes included), so the element's raw text is
    /// the input without its insignificant white space.
    /// </summary>
    private static void CopyValue(ref Utf8JsonReader reader, ArrayBufferWriter<byte> buffer)
    {
        int depth = reader.CurrentDepth;
        bool separate = false;
        while (true)
        {
            JsonTokenType token = reader.TokenType;
            if (separate && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                Append(buffer, ","u8);
            }

            switch (token)
            {
                case JsonTokenType.StartObject:
                    Append(buffer, "{"u8);
                    separate = false;
                    break;
                case JsonTokenType.StartArray:
                    Append(buffer, "["u8);
                    separate = false;
                    break;
                case JsonTokenType.EndObject:
                    Append(buffer, "}"u8);
                    separate = true;
                    break;
                case JsonTokenType.EndArray:
                    Append(buffer, "]"u8);
                    separate = true;
                    break;
                case JsonTokenType.PropertyName:
                    Append(buffer, "\""u8);
                    AppendValue(ref reader, buffer);
                    Append(buffer, "\":"u8);
                    separate = false;
                    break;
                case JsonTokenType.String:
                    Append(buffer, "\""u8);
                    AppendValue(ref reader, buffer);
                    Append(buffer, "\""u8);
                    separate = true;
                    break;
                case JsonTokenType.Number:
                    AppendValue(ref reader, buffer);
                    separate = true;
                    break;
                case JsonTokenType.True:
                    Append(buffer, "true"u8);
                    separate = true;
                    break;
                case JsonTokenType.False:
                    Append(buffer, "false"u8);
                    separate = true;
                    break;
                case JsonTokenType.Null:
                    Append(buffer, "null"u8);
                    separate = true;
                    break;
                default:
                    throw new JsonException($"Unexpected {token} in a JSON value.");
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                return;
            }

            if (!reader.Read())
            {
                throw new JsonException("Unexpected end of JSON inside an object or array.");
            }
        }
    }

    /// <summary>The token's bytes as they appear in the input (still escaped, without quotes).</summary>
    private static void AppendValue(ref Utf8JsonReader reader, ArrayBufferWriter<byte> buffer)
    {
        if (!reader.HasValueSequence)
        {
            Append(buffer, reader.ValueSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in reader.ValueSequence)
        {
            Append(buffer, segment.Span);
        }
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    /// <summary>FNV-1a, 64 bits.</summary>
    private static ulong Hash(ReadOnlySpan<byte> json)
    {
        ulong hash = 14695981039346656037;
        foreach (byte b in json)
        {
            hash = (hash ^ b) * 1099511628211;
        }

        return hash;
    }

    private readonly record struct Entry(ulong Hash, byte[]? Json, JsonElement Element);
}
